# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import OPERATOR as OPERATOR_GROUP
from .common import StandInMixin, VoipCase, VoipHttpMixin, new_test_user


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FloorMixin:
    def log(self, user):
        return (
            self.env["permanence.presence.log"]
            .sudo()
            .search([("user_id", "=", user.id)], order="date_from, id")
        )


@tagged("post_install", "-at_install")
class TestOperatorStates(FloorMixin, VoipHttpMixin, VoipCase, HttpCase):
    """The operator's state follows the PBX's signed events and the call
    sheet: on a call once answered, wrap-up from the hang-up until the sheet
    is closed, then available (unless put on a break meanwhile)."""

    def setUp(self):
        super().setUp()
        self.operator.permanence_presence = "available"

    def answer_and_hang_up(self, call_id="pbx-1", hangup_ago=42):
        now = fields.Datetime.now()
        start = now - timedelta(seconds=hangup_ago + 100)
        self.assertEqual(
            self.post(self.event("ringing", call_id, timestamp=iso(start))).status_code,
            200,
        )
        self.post(
            self.event(
                "answered",
                call_id,
                timestamp=iso(start + timedelta(seconds=10)),
                operator="201",
            )
        )
        self.assertEqual(self.operator.permanence_presence, "busy")
        self.post(
            self.event(
                "hangup", call_id, timestamp=iso(now - timedelta(seconds=hangup_ago))
            )
        )
        return self.calls(call_id)

    def test_answered_busy_hangup_wrapup_closed_available(self):
        call = self.answer_and_hang_up(hangup_ago=42)
        self.assertEqual(self.operator.permanence_presence, "wrapup")
        self.assertEqual(call.state, "ongoing")
        self.assertFalse(call.date_closed)
        self.assertEqual(call.wrapup_duration, 0)
        call.with_user(self.operator).action_information_given()
        self.assertEqual(call.state, "done")
        self.assertEqual(self.operator.permanence_presence, "available")
        self.assertTrue(call.date_closed)
        # From the hang-up (42 s ago) to the close (now).
        self.assertGreaterEqual(call.wrapup_duration, 42)
        self.assertLess(call.wrapup_duration, 60)
        self.assertEqual(
            call.wrapup_duration,
            int((call.date_closed - call.date_hangup).total_seconds()),
        )
        self.assertEqual(
            self.log(self.operator).mapped("state")[-4:],
            ["available", "busy", "wrapup", "available"],
        )

    def test_break_taken_during_wrapup_is_kept_when_the_sheet_closes(self):
        call = self.answer_and_hang_up()
        self.operator.with_user(self.operator).action_permanence_pause("lunch")
        call.with_user(self.operator).action_information_given()
        self.assertEqual(self.operator.permanence_presence, "pause")
        self.assertEqual(self.operator.permanence_pause_reason, "lunch")
        self.assertTrue(call.date_closed)

    def test_transferred_by_the_pbx_puts_the_operator_in_wrapup(self):
        self.post(self.event("ringing"))
        self.post(self.event("answered", operator="pt_operator"))
        self.post(self.event("transferred", transfer_to="06 99 88 77 66"))
        self.assertEqual(self.calls().state, "done")
        self.assertEqual(self.operator.permanence_presence, "wrapup")

    def test_abandoned_call_changes_nobody(self):
        self.post(self.event("ringing"))
        self.post(self.event("hangup"))
        self.assertEqual(self.calls().outcome, "abandoned")
        self.assertEqual(self.operator.permanence_presence, "available")

    def test_login_available_logout_offline(self):
        self.operator.permanence_presence = "offline"
        self.authenticate("pt_operator", "pt_operator")
        self.env.invalidate_all()
        self.assertEqual(self.operator.permanence_presence, "available")
        response = self.url_open("/web/session/logout", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(self.operator.permanence_presence, "offline")
        self.assertEqual(self.log(self.operator)[-1].state, "offline")
        self.assertEqual(
            self.log(self.operator).filtered(lambda r: not r.date_to).state,
            "offline",
            "one open row: the current state",
        )

    def test_login_does_not_end_a_break(self):
        self.operator.write(
            {"permanence_presence": "pause", "permanence_pause_reason": "training"}
        )
        self.authenticate("pt_operator", "pt_operator")
        self.env.invalidate_all()
        self.assertEqual(self.operator.permanence_presence, "pause")

    def test_non_operator_login_and_logout_write_no_presence(self):
        plain = new_test_user(self.env, "pt_plain", groups="base.group_user")
        self.authenticate("pt_plain", "pt_plain")
        self.url_open("/web/session/logout", allow_redirects=False)
        self.env.invalidate_all()
        self.assertEqual(plain.permanence_presence, "available")
        self.assertFalse(self.log(plain))


@tagged("post_install", "-at_install")
class TestPresenceLog(FloorMixin, VoipCase):
    def test_every_change_closes_a_row_and_opens_one(self):
        user = self.operator
        user.permanence_presence = "available"
        before = len(self.log(user))
        user.write({"permanence_presence": "pause", "permanence_pause_reason": "lunch"})
        user.permanence_pause_reason = "meeting"
        user.permanence_presence = "pause"  # no change: no row
        user.permanence_presence = "available"
        rows = self.log(user)[before - 1 :]
        self.assertEqual(
            [(r.state, r.pause_reason) for r in rows],
            [
                ("available", False),
                ("pause", "lunch"),
                ("pause", "meeting"),
                ("available", False),
            ],
        )
        self.assertEqual(rows.filtered(lambda r: not r.date_to), rows[-1])
        for row, following in zip(rows, rows[1:], strict=False):
            self.assertEqual(row.date_to, following.date_from)

    def test_durations(self):
        Log = self.env["permanence.presence.log"]
        Log.sudo().search([("user_id", "=", self.operator.id)]).unlink()
        start = fields.Datetime.now() - timedelta(hours=2)
        for offset in (0, 90, 390):
            Log._record(self.operator, when=start + timedelta(seconds=offset))
        rows = self.log(self.operator)
        self.assertEqual(rows.mapped("duration"), [90, 300, 0])
        self.assertEqual(rows[0].date_to, start + timedelta(seconds=90))
        self.assertFalse(rows[-1].date_to)

    def test_pause_reason_must_be_known(self):
        with self.assertRaises(UserError):
            self.operator.with_user(self.operator).action_permanence_pause("nap")

    def test_status_control_reads_state_time_and_reason(self):
        self.operator.with_user(self.operator).action_permanence_pause("training")
        status = (
            self.env["res.users"].with_user(self.operator).permanence_presence_status()
        )
        self.assertEqual((status["presence"], status["reason"]), ("pause", "training"))
        self.assertLess(status["seconds"], 5)
        self.assertIn(["training", "Training"], [list(r) for r in status["reasons"]])
        plain = new_test_user(self.env, "pt_plain", groups="base.group_user")
        status = self.env["res.users"].with_user(plain).permanence_presence_status()
        self.assertFalse(status["operator"])

    def test_rules_own_rows_for_operators_company_rows_for_supervisors(self):
        for user in (self.operator, self.allowed_operator, self.other_operator):
            user.sudo().permanence_presence = "pause"
        Log = self.env["permanence.presence.log"]
        seen = Log.with_user(self.operator).search([]).user_id
        self.assertEqual(seen, self.operator)
        seen = Log.with_user(self.supervisor).search([]).user_id
        self.assertIn(self.allowed_operator, seen)
        self.assertNotIn(self.other_operator, seen)
        other_row = Log.sudo().search([("user_id", "=", self.allowed_operator.id)])[:1]
        with self.assertRaises(AccessError):
            other_row.with_user(self.operator).read(["state"])


@tagged("post_install", "-at_install")
class TestQueue(FloorMixin, StandInMixin, VoipCase, HttpCase):
    """The queue panel lists the calls ringing for the clients the operator
    may take, oldest first; taking one makes it the operator's and asks the
    PBX to put it through."""

    def ring(self, client, seconds_ago, **vals):
        """A call ringing for ``seconds_ago``, as the PBX creates it (no
        operator yet)."""
        values = {
            "state": "ringing",
            "direction": "inbound",
            "user_id": False,
            "date_start": fields.Datetime.now() - timedelta(seconds=seconds_ago),
            "caller_number_raw": "06 11 22 33 44",
            **vals,
        }
        return self.new_call(client, **values)

    def queue(self, user):
        return [
            payload["call_id"]
            for payload in self.env["permanence.call"]
            .with_user(user)
            .permanence_voip_queue()
        ]

    def test_oldest_first_and_confidential_clients_for_allowed_operators(self):
        recent = self.ring(self.client, 5)
        oldest = self.ring(self.client, 60)
        medical = self.ring(self.medical, 30)
        self.ring(self.client, 90, direction="outbound")
        self.ring(self.client, 80, user_id=self.allowed_operator.id)
        self.assertEqual(self.queue(self.operator), [oldest.id, recent.id])
        self.assertEqual(
            self.queue(self.allowed_operator), [oldest.id, medical.id, recent.id]
        )
        self.assertEqual(self.queue(self.other_operator), [])
        # Whatever the operator's state: the queue is there to be seen.
        self.operator.permanence_presence = "pause"
        self.assertEqual(self.queue(self.operator), [oldest.id, recent.id])
        payload = self.env["permanence.call"].with_user(self.operator)
        payload = payload.permanence_voip_queue()[0]
        self.assertEqual(payload["client"], "Plomberie Test")
        self.assertGreaterEqual(payload["wait"], 60)

    def test_take_a_call(self):
        call = self.ring(self.client, 20)
        self.operator.permanence_presence = "available"
        action = call.with_user(self.operator).action_voip_take()
        self.assertEqual(action["res_id"], call.id)
        self.assertEqual((call.user_id, call.state), (self.operator, "ongoing"))
        self.assertTrue(call.date_answer)
        self.assertEqual(self.operator.permanence_presence, "busy")
        self.assertEqual(self.queue(self.allowed_operator), [])
        with self.assertRaisesRegex(UserError, "Olivia Operator has already taken"):
            call.with_user(self.allowed_operator).action_voip_take()
        self.assertEqual(call.user_id, self.operator)

    def test_confidential_call_cannot_be_taken_by_others(self):
        call = self.ring(self.medical, 20)
        with self.assertRaises(AccessError):
            call.with_user(self.operator).action_voip_take()
        self.assertFalse(call.user_id)

    def test_hung_up_call_cannot_be_taken(self):
        call = self.ring(self.client, 20)
        call.write({"state": "done", "outcome": "abandoned"})
        with self.assertRaisesRegex(UserError, "hung up"):
            call.with_user(self.operator).action_voip_take()

    def test_asterisk_puts_the_taken_call_through_to_the_operator(self):
        self.pbx.write(
            {
                "provider": "asterisk_ari",
                "ari_url": self.stand_in.url + "/ari",
                "ari_user": "odoo",
                "ari_password": "ari-pass",
                "timeout": 1,
            }
        )
        call = self.ring(
            self.client, 20, external_id="1709370000.7", pbx_id=self.pbx.id
        )
        call.with_user(self.operator).action_voip_take()
        self.assertEqual(
            [(r["method"], r["path"], r["query"]) for r in self.stand_in.requests],
            [
                (
                    "POST",
                    "/ari/channels/1709370000.7/redirect",
                    {"endpoint": "PJSIP/201"},
                )
            ],
        )

    def test_pbx_failure_takes_nothing(self):
        self.pbx.write(
            {"provider": "asterisk_ari", "ari_url": self.stand_in.url + "/ari"}
        )
        self.stand_in.status = 500
        call = self.ring(
            self.client, 20, external_id="1709370000.8", pbx_id=self.pbx.id
        )
        # The request's transaction is rolled back on the error: so is the
        # savepoint here.
        with (
            self.assertRaisesRegex(UserError, "did not do it"),
            self.env.cr.savepoint(),
        ):
            call.with_user(self.operator).action_voip_take()
        call.invalidate_recordset()
        self.assertEqual((call.user_id, call.state), (self.env["res.users"], "ringing"))


@tagged("post_install", "-at_install")
class TestGoneOffline(FloorMixin, VoipCase):
    """An operator who closed every screen without logging out (no bus
    connection: Odoo's presence is offline) is offline after a while."""

    def age(self, user, presence, minutes):
        user.permanence_presence = presence
        user.sudo().write(
            {
                "permanence_presence_since": fields.Datetime.now()
                - timedelta(minutes=minutes)
            }
        )

    def test_no_screen_for_a_while_is_offline(self):
        self.env["bus.presence"].sudo().search([]).unlink()
        self.age(self.operator, "available", 30)
        self.age(self.allowed_operator, "busy", 30)
        self.age(self.supervisor, "pause", 2)
        online = new_test_user(self.env, "pt_online", groups=OPERATOR_GROUP)
        self.age(online, "available", 30)
        self.env["bus.presence"].sudo().create(
            {"user_id": online.id, "status": "online"}
        )
        self.env["res.users"]._cron_permanence_offline()
        self.assertEqual(self.operator.permanence_presence, "offline")
        self.assertEqual(self.log(self.operator)[-1].state, "offline")
        self.assertEqual(self.allowed_operator.permanence_presence, "busy")
        self.assertEqual(self.supervisor.permanence_presence, "pause")
        self.assertEqual(online.permanence_presence, "available")
