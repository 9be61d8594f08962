# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import StandInMixin, VoipCase


@tagged("post_install", "-at_install")
class TestAnnounceAwayInterlocutor(StandInMixin, VoipCase, HttpCase):
    """The announced transfer asks the PBX nothing for an interlocutor who
    said they are away; one who takes an announced call is connected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write(
            {
                "provider": "asterisk_ari",
                "ari_url": cls.stand_in.url + "/ari",
                "ari_user": "odoo",
                "ari_password": "ari-pass",
                "ari_context": "permanence",
                "timeout": 1,
            }
        )
        cls.call = cls.env["permanence.call"].create(
            {
                "client_id": cls.client.id,
                "external_id": "1709370000.77",
                "pbx_id": cls.pbx.id,
                "caller_number_raw": "06 11 22 33 44",
                "transfer_interlocutor_id": cls.boss_interlocutor.id,
                "user_id": cls.operator.id,
            }
        )

    def _away(self):
        now = fields.Datetime.now()
        return self.env["permanence.interlocutor.status"].create(
            {
                "interlocutor_id": self.boss_interlocutor.id,
                "kind": "meeting",
                "date_from": now - timedelta(minutes=5),
                "date_to": now + timedelta(hours=1),
            }
        )

    def test_announce_refused_when_away(self):
        self._away()
        with self.assertRaisesRegex(UserError, self.boss_interlocutor.name):
            self.call.with_user(self.operator).action_voip_announce()
        self.assertFalse(self.stand_in.requests)
        self.assertFalse(self.call.transfer_state)

    def test_accepted_announce_goes_through(self):
        self.stand_in.replies = {
            ("POST", "/ari/channels"): {"id": "consult-9"},
            ("POST", "/ari/bridges"): {"id": "bridge-9"},
        }
        call = self.call.with_user(self.operator)
        call.action_voip_announce()
        # They set a status meanwhile, then took the call all the same.
        self._away()
        call.action_voip_transfer_accept()
        self.assertEqual((call.state, call.outcome), ("done", "transferred"))
