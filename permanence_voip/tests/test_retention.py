from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import VoipCase

PURGE_AT = datetime(2026, 6, 1, 3, 0)
SECRET = "Appelant Secretnom"


@tagged("post_install", "-at_install")
class TestVoipRetention(VoipCase):
    """Recording links go after 6 months, telephony event bodies after 3,
    both with the call sheet at 12."""

    def _call(self, months, **vals):
        start = PURGE_AT - timedelta(days=31 * months)
        call = self.env["permanence.call"].create(
            dict(
                {
                    "client_id": self.client.id,
                    "caller_name": SECRET,
                    "caller_number_raw": "06 58 47 36 25",
                    "state": "done",
                    "outcome": "message",
                    "date_start": start,
                    "date_end": start + timedelta(minutes=2),
                    "recording_url": f"https://pbx.example.org/rec/{months}.mp3",
                },
                **vals,
            )
        )
        event = self.env["permanence.voip.event"].create(
            {
                "pbx_id": self.pbx.id,
                "call_id": call.id,
                "event": "ringing",
                "result": "created",
                "body": f'{{"from": "+33658473625", "name": "{SECRET}"}}',
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE permanence_voip_event SET create_date = %s WHERE id = %s",
            [start, event.id],
        )
        event.invalidate_recordset()
        return call, event

    def test_recordings_and_event_bodies(self):
        old, old_event = self._call(13)
        seven, seven_event = self._call(7)
        four, four_event = self._call(4)
        recent, recent_event = self._call(1)
        held, held_event = self._call(13, legal_hold=True)
        self.env["permanence.retention"]._purge(now=PURGE_AT)
        self.assertFalse(old.recording_url or old.caller_name or old_event.body)
        self.assertFalse(seven.recording_url or seven_event.body)
        self.assertEqual(seven.caller_name, SECRET)
        self.assertFalse(four_event.body)
        self.assertTrue(four.recording_url)
        self.assertTrue(recent.recording_url and recent_event.body)
        self.assertTrue(held.recording_url and held_event.body and held.caller_name)
        run = self.env["permanence.retention.run"].search(
            [("client_id", "=", self.client.id)]
        )
        self.assertEqual(run.counts["recordings"], 1)
        self.assertEqual(run.counts["voip_events"], 3)

    def test_opening_a_recording_is_logged(self):
        self.medical.allowed_operator_ids = self.allowed_operator
        call, __ = self._call(1, client_id=self.medical.id)
        call.with_user(self.allowed_operator).read(["caller_name", "recording_url"])
        call.with_user(self.allowed_operator).read(["caller_name"])
        logs = self.env["permanence.access.log"].search(
            [("user_id", "=", self.allowed_operator.id)]
        )
        self.assertEqual(sorted(logs.mapped("kind")), ["open", "recording"])
