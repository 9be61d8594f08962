# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The same calls give the same figures on the supervisors' wallboard, the
service-level report (pivot), the client's portal and the monthly activity
report: one SQL definition (permanence_telephonique/tools/figures.py)."""

import re
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import VoipCase

TZ = "Europe/Paris"


@tagged("post_install", "-at_install")
class TestFiguresAgree(HttpCase, VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.write({"tz": TZ, "service_target": 20})
        cls.supervisor.tz = TZ
        cls.portal_user = new_test_user(
            cls.env,
            "pt_agree_portal",
            groups="base.group_portal",
            partner_id=cls.boss.id,
            lang="en_US",
            tz=TZ,
        )
        # Calls of today only (after the local midnight), so that today,
        # this month and the report's month hold the same calls.
        now = fields.Datetime.now()
        tz = pytz.timezone(TZ)
        midnight = (
            tz.localize(datetime.combine(datetime.now(tz).date(), time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        start = max(now - timedelta(minutes=3), midnight + timedelta(seconds=1))
        Call = cls.env["permanence.call"]
        for index, wait in enumerate((5, 12, 30)):
            begin = start + timedelta(seconds=index)
            Call.create(
                {
                    "client_id": cls.client.id,
                    "state": "done",
                    "outcome": "message",
                    "date_start": begin,
                    "date_answer": begin + timedelta(seconds=wait),
                    "date_end": begin + timedelta(seconds=wait + 60),
                }
            )
        Call.create(
            {
                "client_id": cls.client.id,
                "state": "done",
                "outcome": "abandoned",
                "date_start": start,
                "date_end": start + timedelta(seconds=25),
            }
        )
        cls.month = datetime.now(tz).date().replace(day=1)
        cls.midnight = midnight

    def test_board_report_portal_and_pivot_agree(self):
        shared = self.env["permanence.call"]._permanence_figures(
            [("client_id", "=", self.client.id)]
        )[()]
        # The calls above: ASA of the answered calls only, (5+12+30)/3
        self.assertEqual(
            (shared["offered"], shared["answered"], shared["abandoned"]), (4, 3, 1)
        )
        self.assertEqual(shared["asa"], 15.7)
        self.assertEqual(shared["service_level"], 50.0)
        self.assertEqual(shared["abandon_wait"], 25.0)

        # The supervisors' wallboard, today
        board = (
            self.env["permanence.wallboard"]
            .with_user(self.supervisor)
            .permanence_wallboard_data(["figures"])
        )
        self.assertEqual(board["figures"]["per_client"][str(self.client.id)], shared)

        # The service-level report, as its pivot asks
        [group] = (
            self.env["permanence.call"]
            .with_user(self.supervisor)
            .read_group(
                [("client_id", "=", self.client.id), ("direction", "=", "inbound")],
                ["service_level:avg", "asa:avg", "abandoned_rate:avg"],
                ["client_id"],
            )
        )
        self.assertEqual(
            (group["service_level"], group["asa"], group["abandoned_rate"]),
            (shared["service_level"], shared["asa"], shared["abandon_rate"]),
        )

        # The monthly activity report of this month
        report, __ = self.env["permanence.activity.report"]._ensure(
            self.client, self.month
        )
        self.assertEqual(report._activity_figures()["total"], shared)

        # The client's portal, this month
        self.authenticate("pt_agree_portal", "pt_agree_portal")
        html = self.url_open(
            f"/my/permanence/statistics?client_id={self.client.id}&period=month"
        ).text

        def shown(name):
            match = re.search(
                rf'class="[^"]*\bo_permanence_fig_{name}\b[^"]*">\s*([^<]*?)\s*<', html
            )
            return match and match.group(1)

        self.assertEqual(shown("offered"), str(shared["offered"]))
        self.assertEqual(shown("answered"), str(shared["answered"]))
        self.assertEqual(shown("abandoned"), str(shared["abandoned"]))
        self.assertEqual(shown("service_level"), f"{shared['service_level']:.1f}")
        self.assertEqual(shown("answer_rate"), f"{shared['answer_rate']:.1f}")
        self.assertEqual(shown("asa"), f"{shared['asa']:.0f}")
