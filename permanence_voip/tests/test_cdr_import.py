# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import datetime

from odoo.tests import Form, tagged

from ..tools import events
from .common import VoipCase

CSV = """id;caller;did;begin;pickup;finish
c-1;0601020304;0148000001;2026-03-02 10:00:00;2026-03-02 10:00:30;2026-03-02 10:05:00
c-2;anonymous;01 48 00 00 01;2026-03-02 11:00:00;;2026-03-02 11:00:40
c-3;0601020304;01 48 00 00 01;not a date;;
;0601020304;01 48 00 00 01;2026-03-02 12:00:00;;
c-4;0601020304;01 99 99 99 99;2026-03-02T12:00:00+01:00;;2026-03-02T12:01:00+01:00
"""


@tagged("post_install", "-at_install")
class TestCdrImport(VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # c-1 is already known from the webhook, ringing only.
        cls.env["permanence.call"]._voip_process(
            cls.pbx,
            events.validate(
                {
                    "pbx": "paris",
                    "event": "ringing",
                    "call_id": "c-1",
                    "from": "0601020304",
                    "to": "0148000001",
                    "timestamp": "2026-03-02T10:00:00+01:00",
                }
            ),
        )

    def run_wizard(self, user=None):
        wizard_model = self.env["permanence.voip.cdr.import"].with_user(
            user or self.supervisor
        )
        form = Form(wizard_model)
        form.pbx_id = self.pbx
        form.file = base64.b64encode(CSV.encode())
        form.cdr_delimiter = ";"
        form.cdr_column_call_id = "id"
        form.cdr_column_from = "caller"
        form.cdr_column_to = "did"
        form.cdr_column_start = "begin"
        form.cdr_column_answer = "pickup"
        form.cdr_column_end = "finish"
        wizard = form.save()
        wizard.action_import()
        return wizard

    def test_import_completes_creates_reports_and_is_idempotent(self):
        wizard = self.run_wizard(self.manager)
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.rejected_count),
            (2, 1, 2),
        )
        self.assertIn("Line 4: unreadable time “not a date”", wizard.report)
        self.assertIn("Line 5: no call id", wizard.report)
        known = self.calls("c-1")
        self.assertEqual(len(known), 1)
        self.assertEqual(known.state, "ongoing")
        self.assertEqual(known.ring_duration, 30)
        self.assertEqual(known.date_end, datetime(2026, 3, 2, 9, 5))
        abandoned = self.calls("c-2")
        self.assertEqual((abandoned.state, abandoned.outcome), ("done", "abandoned"))
        self.assertTrue(abandoned.caller_withheld)
        self.assertEqual(abandoned.client_id, self.client)
        self.assertFalse(self.calls("c-4").client_id)
        # The mapping was saved on the PBX.
        self.assertEqual(self.pbx.cdr_column_start, "begin")
        self.assertEqual(self.pbx.cdr_delimiter, ";")
        # The same file again changes nothing.
        count = self.env["permanence.call"].sudo().search_count([])
        write_dates = (self.calls("c-1") | abandoned).mapped("write_date")
        again = self.run_wizard(self.manager)
        self.assertEqual(
            (again.created_count, again.updated_count, again.unchanged_count),
            (0, 0, 3),
        )
        self.assertEqual(self.env["permanence.call"].sudo().search_count([]), count)
        self.assertEqual(
            (self.calls("c-1") | abandoned).mapped("write_date"), write_dates
        )

    def test_operators_cannot_import(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.env["permanence.voip.cdr.import"].with_user(self.operator).create(
                {"pbx_id": self.pbx.id, "file": base64.b64encode(b"x")}
            )
