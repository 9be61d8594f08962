# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import VoipCase

DAY = date(2026, 3, 2)


def at(hour, minute=0, second=0, day=DAY):
    return datetime(day.year, day.month, day.day, hour, minute, second)


@tagged("post_install", "-at_install")
class TestOperatorReport(VoipCase, HttpCase):
    """Per operator and day: hours logged in from the presence log, calls
    handled per hour, average talk and wrap-up time, messages, transfers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.operator | cls.allowed_operator | cls.other_operator).write({"tz": "UTC"})
        Log = cls.env["permanence.presence.log"].sudo()
        Log.search([]).unlink()
        # 08:00-12:00 available, a lunch hour, 13:00-14:00 on calls, then
        # offline: 6 hours logged in (the break counts, offline does not).
        rows = [
            ("available", at(8), at(12)),
            ("pause", at(12), at(13)),
            ("busy", at(13), at(14)),
            ("offline", at(14), at(23)),
        ]
        Log.create(
            [
                {
                    "user_id": cls.operator.id,
                    "company_id": cls.company.id,
                    "state": state,
                    "pause_reason": "lunch" if state == "pause" else False,
                    "date_from": start,
                    "date_to": end,
                }
                for state, start, end in rows
            ]
        )
        # The next day: 2 hours across midnight count 1 h on each day.
        Log.create(
            {
                "user_id": cls.allowed_operator.id,
                "company_id": cls.company.id,
                "state": "available",
                "date_from": at(23),
                "date_to": at(1, day=DAY + timedelta(days=1)),
            }
        )
        Log.create(
            {
                "user_id": cls.other_operator.id,
                "company_id": cls.other_company.id,
                "state": "available",
                "date_from": at(9),
                "date_to": at(10),
            }
        )
        cls.calls = cls.env["permanence.call"]
        for index, talk in enumerate((60, 120, 180, 240)):
            start = at(9, index * 10)
            vals = {
                "user_id": cls.operator.id,
                "direction": "inbound",
                "date_start": start,
                "date_answer": start + timedelta(seconds=5),
                "date_end": start + timedelta(seconds=5 + talk),
                "state": "done",
                "outcome": "transferred" if index == 3 else "message",
            }
            if index < 2:
                # Hung up by the PBX, sheet closed 30 s then 90 s later.
                hangup = start + timedelta(seconds=5 + talk)
                vals.update(
                    date_hangup=hangup,
                    date_closed=hangup + timedelta(seconds=30 + 60 * index),
                )
            cls.calls |= cls.new_call(cls.client, **vals)
        # An abandoned call is nobody's handled call.
        cls.new_call(
            cls.client,
            date_start=at(10),
            state="done",
            outcome="abandoned",
            date_answer=False,
        )
        messages = cls.env["permanence.message"].create(
            [
                {"client_id": cls.client.id, "user_id": cls.operator.id}
                for __ in range(2)
            ]
        )
        cls.env.cr.execute(
            "UPDATE permanence_message SET create_date = %s WHERE id = ANY(%s)",
            [at(9, 30), messages.ids],
        )
        cls.env.flush_all()
        cls.env.invalidate_all()
        cls.Report = cls.env["permanence.operator.report"]
        cls.people = cls.operator | cls.allowed_operator | cls.other_operator
        # Leave the demo operators' rows out of these figures.
        cls.mine = [("user_id", "in", cls.people.ids)]

    def rows(self, user=None):
        Report = self.Report.with_user(user) if user else self.Report
        return Report.search(self.mine)

    def test_figures_of_the_day(self):
        row = self.rows().filtered(
            lambda r: r.user_id == self.operator and r.date == DAY
        )
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.hours_logged, 6.0)
        self.assertEqual(row.calls_handled, 4)
        self.assertAlmostEqual(row.calls_per_hour, 4 / 6)
        self.assertEqual(row.talk_avg, 150)
        self.assertEqual(row.wrapup_count, 2)
        self.assertEqual(row.wrapup_avg, 60)
        self.assertEqual(row.messages, 2)
        self.assertEqual(row.transfers, 1)
        # The wrap-up stored on the calls is what the report averages.
        self.assertEqual(self.calls[:2].mapped("wrapup_duration"), [30, 90])

    def test_span_across_midnight_split_per_day(self):
        rows = self.rows().filtered(lambda r: r.user_id == self.allowed_operator)
        self.assertEqual(
            sorted((r.date, round(r.hours_logged, 2)) for r in rows),
            [(DAY, 1.0), (DAY + timedelta(days=1), 1.0)],
        )

    def test_grouped_ratios_are_ratios_of_sums(self):
        groups = self.Report._read_group(
            [("company_id", "=", self.company.id), *self.mine],
            [],
            ["calls_handled:sum", "hours_logged:sum", "calls_per_hour:sum"],
        )
        calls, hours, per_hour = groups[0]
        self.assertEqual(calls, 4)
        self.assertAlmostEqual(hours, 8.0)
        self.assertAlmostEqual(per_hour, 0.5)
        [(talk, wrapup)] = self.Report._read_group(
            self.mine, [], ["talk_avg:avg", "wrapup_avg:avg"]
        )
        self.assertEqual((talk, wrapup), (150, 60))

    def test_operators_see_their_own_rows_supervisors_their_company(self):
        self.assertEqual(self.rows(self.operator).user_id, self.operator)
        self.assertEqual(
            self.rows(self.supervisor).user_id,
            self.operator | self.allowed_operator,
        )
        self.assertEqual(self.rows(self.other_operator).user_id, self.other_operator)
        foreign = self.rows().filtered(lambda r: r.user_id == self.allowed_operator)
        with self.assertRaises(AccessError):
            foreign[0].with_user(self.operator).read(["hours_logged"])

    def test_an_operator_cannot_read_another_operators_rows_over_json_rpc(self):
        self.env.flush_all()
        foreign = self.rows().filtered(lambda r: r.user_id == self.allowed_operator)
        self.authenticate("pt_operator", "pt_operator")

        def call_kw(method, args, kwargs=None, model="permanence.operator.report"):
            response = self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": model,
                            "method": method,
                            "args": args,
                            "kwargs": kwargs or {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)
            return response.json()

        result = call_kw("search_read", [[]], {"fields": ["user_id", "calls_handled"]})
        self.assertEqual(
            {row["user_id"][0] for row in result["result"]}, {self.operator.id}
        )
        result = call_kw("read", [foreign.ids, ["hours_logged"]])
        self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
        # The presence log behind the hours: the operator's own rows only.
        result = call_kw(
            "search_read",
            [[]],
            {"fields": ["user_id", "state"]},
            model="permanence.presence.log",
        )
        self.assertTrue(result["result"])
        self.assertEqual(
            {row["user_id"][0] for row in result["result"]}, {self.operator.id}
        )
        foreign_log = (
            self.env["permanence.presence.log"]
            .sudo()
            .search([("user_id", "=", self.allowed_operator.id)])
        )
        result = call_kw(
            "read", [foreign_log.ids, ["state"]], model="permanence.presence.log"
        )
        self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
        result = call_kw(
            "read_group",
            [[], ["calls_handled:sum"], []],
        )
        self.assertEqual(result["result"][0]["calls_handled"], 4)


@tagged("post_install", "-at_install")
class TestOperatorReportDemo(VoipCase):
    """After a fresh install with demo data, claire's figures are there: she
    can walk to "My figures" and see her days."""

    def test_demo_operator_has_figures(self):
        claire = self.env.ref(
            "permanence_telephonique.user_operator_claire", raise_if_not_found=False
        )
        if not claire or not self.env.ref(
            "permanence_voip.pbx_demo", raise_if_not_found=False
        ):
            self.skipTest("installed without demo data")
        rows = (
            self.env["permanence.operator.report"]
            .with_user(claire)
            .search([("user_id", "=", claire.id)])
        )
        self.assertGreater(len(rows), 15, "a row per working day of the demo")
        [(hours, calls, wrapup)] = (
            self.env["permanence.operator.report"]
            .with_user(claire)
            ._read_group(
                [], [], ["hours_logged:sum", "calls_handled:sum", "wrapup_avg:avg"]
            )
        )
        self.assertGreater(hours, 100)
        self.assertGreater(calls, 0)
        self.assertGreater(wrapup, 0)
        self.assertEqual(
            self.env["permanence.operator.report"].with_user(claire).search([]).user_id,
            claire,
        )
