# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.permanence_telephonique.tests.common import CommittedCase

from ..tools import events
from .common import SUPERVISOR, VoipCase

BUS_TYPE = "permanence_voip/wallboard"
DATA_ROUTE = "/web/dataset/call_kw/permanence.wallboard/permanence_wallboard_data"


def now_iso(delta=0):
    return (fields.Datetime.now() + timedelta(seconds=delta)).isoformat() + "+00:00"


class WallboardCase(VoipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Board = cls.env["permanence.wallboard"]
        cls.Call = cls.env["permanence.call"]
        cls.other_supervisor = new_test_user(
            cls.env,
            "pt_other_supervisor",
            groups=SUPERVISOR,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def call(self, client, seconds_ago, **vals):
        start = fields.Datetime.now() - timedelta(seconds=seconds_ago)
        return self.new_call(
            client, direction="inbound", date_start=start, **vals
        ).with_env(self.env)

    def process(self, kind, call_id="wb-1", to="01 48 00 00 01", **extra):
        event = events.validate(
            {
                "pbx": "paris",
                "event": kind,
                "call_id": call_id,
                "from": "0601020304",
                "to": to,
                "timestamp": now_iso(),
                **extra,
            }
        )
        return self.Call._voip_process(self.pbx, event)[0]

    def pushes(self, kind=BUS_TYPE):
        """(user, payload) of each bus message of ``kind`` sent in this
        transaction since the last look."""
        self.env.cr.flush()  # the bus writes its rows before the commit
        notes = (
            self.env["bus.bus"].sudo().search([("id", ">", self.bus_seen)], order="id")
        )
        self.bus_seen = max(notes.ids, default=self.bus_seen)
        found = []
        for note in notes:
            channel = json.loads(note.channel)
            message = json.loads(note.message)
            if message["type"] == kind and channel[1] == "res.partner":
                user = self.env["res.partner"].browse(channel[2]).user_ids[:1]
                found.append((user, message["payload"]))
        return found

    def clear_pushes(self):
        self.env.cr.flush()
        self.bus_seen = (
            self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0
        )

    def setUp(self):
        super().setUp()
        self.clear_pushes()


@tagged("post_install", "-at_install")
class TestWallboardData(WallboardCase):
    def setUp(self):
        super().setUp()
        self.ringing = self.call(self.client, 45, state="ringing")
        self.ongoing = self.call(
            self.client,
            100,
            state="ongoing",
            user_id=self.operator.id,
            date_answer=fields.Datetime.now() - timedelta(seconds=90),
        )
        start = fields.Datetime.now() - timedelta(minutes=20)
        self.answered = self.new_call(
            self.client,
            direction="inbound",
            state="done",
            date_start=start,
            date_answer=start + timedelta(seconds=10),
            date_end=start + timedelta(seconds=70),
            outcome="message",
        )
        self.abandoned = self.new_call(
            self.client,
            direction="inbound",
            state="done",
            date_start=start,
            date_end=start + timedelta(seconds=35),
            outcome="abandoned",
        )
        self.hung_up = self.call(
            self.client,
            200,
            state="ongoing",
            user_id=self.allowed_operator.id,
            date_answer=fields.Datetime.now() - timedelta(seconds=190),
            date_hangup=fields.Datetime.now() - timedelta(seconds=5),
        )
        self.medical_call = self.call(self.medical, 10, state="ringing")
        self.foreign_call = self.call(self.foreign, 10, state="ringing")

    def test_live_calls_operators_and_today_figures(self):
        data = self.Board.with_user(self.supervisor).permanence_wallboard_data()
        calls = {call["id"]: call for call in data["calls"]}
        self.assertEqual(calls[self.ringing.id]["state"], "ringing")
        self.assertTrue(calls[self.ringing.id]["live"])
        self.assertIn("Plomberie Test", calls[self.ringing.id]["client"])
        self.assertEqual(
            calls[self.ringing.id]["date_start"],
            fields.Datetime.to_string(self.ringing.date_start),
            "the board computes the live wait from the start",
        )
        self.assertEqual(calls[self.ongoing.id]["user"], self.operator.name)
        self.assertTrue(calls[self.ongoing.id]["date_answer"])
        self.assertNotIn(self.answered.id, calls, "a finished call is not live")
        self.assertNotIn(self.hung_up.id, calls, "the caller left: wrap-up")
        self.assertNotIn(self.foreign_call.id, calls, "another company's call")
        self.assertIn(self.medical_call.id, calls, "supervisors see every client")
        operators = {row["id"]: row for row in data["operators"]}
        self.assertIn(self.operator.id, operators)
        self.assertNotIn(self.other_operator.id, operators, "another company's")
        self.operator.permanence_presence = "pause"
        self.operator.permanence_pause_reason = "lunch"
        data = self.Board.with_user(self.supervisor).permanence_wallboard_data(
            ["operators"]
        )
        row = next(r for r in data["operators"] if r["id"] == self.operator.id)
        self.assertEqual((row["state"], row["reason"]), ("pause", "lunch"))
        self.assertTrue(row["since"])
        self.assertEqual(data["labels"]["presence"]["pause"], "On a break")
        self.assertNotIn("calls", data, "only the part asked for")
        self.assertNotIn("figures", data)

    def test_figures_equal_the_shared_figures(self):
        board = self.Board.with_user(self.supervisor)
        data = board.permanence_wallboard_data(["figures"])
        day_start = board._wallboard_day_start(fields.Datetime.now())
        domain = [
            ("company_id", "in", self.company.ids),
            ("date_start", ">=", day_start),
        ]
        Call = self.Call.with_user(self.supervisor)
        (total,) = Call._permanence_figures(domain).values()
        self.assertEqual(data["figures"]["total"], total)
        per_client = Call._permanence_figures(domain, ["client_id"])
        mine = data["figures"]["per_client"][str(self.client.id)]
        self.assertEqual(mine, per_client[(self.client,)])
        # Answered in 10 s: the call in progress, the one in wrap-up and the
        # finished one; one abandoned after 35 s; the ringing one is offered
        # only.
        self.assertEqual(mine["offered"], 5)
        self.assertEqual(mine["answered"], 3)
        self.assertEqual(mine["abandoned"], 1)
        self.assertEqual(mine["asa"], 10.0)
        self.assertEqual(mine["service_level"], 75.0)
        self.assertEqual(mine["abandon_rate"], 25.0)
        self.assertEqual(data["clients"][str(self.client.id)]["service_target"], 20)
        self.assertEqual(
            data["figures"]["recent_service_level"][str(self.client.id)], 75.0
        )

    def test_emergencies_and_urgent_messages(self):
        protocol = self.env["permanence.emergency.protocol"].create(
            {
                "name": "Fuite",
                "client_id": self.client.id,
                "step_ids": [(0, 0, {"sequence": 1, "channel": "call"})],
            }
        )
        late = self.env["permanence.emergency"].create(
            {
                "call_id": self.ongoing.id,
                "client_id": self.client.id,
                "protocol_id": protocol.id,
                "state": "running",
                "due_at": fields.Datetime.now() - timedelta(minutes=2),
            }
        )
        Message = self.env["permanence.message"]
        urgent = Message.create(
            {
                "client_id": self.client.id,
                "call_id": self.answered.id,
                "urgency": "critical",
                "caller_name": "Mme Leroy",
            }
        )
        urgent.write({"state": "sent", "date_sent": fields.Datetime.now()})
        normal = Message.create(
            {"client_id": self.client.id, "urgency": "normal", "state": "sent"}
        )
        data = self.Board.with_user(self.supervisor).permanence_wallboard_data(
            ["emergencies", "messages"]
        )
        emergency = next(e for e in data["emergencies"] if e["id"] == late.id)
        self.assertTrue(emergency["overdue"])
        self.assertEqual(emergency["step"], 1)
        messages = {m["id"]: m for m in data["messages"]}
        self.assertIn(urgent.id, messages)
        self.assertNotIn(normal.id, messages, "normal urgency")
        self.assertTrue(messages[urgent.id]["date_sent"])
        urgent.action_acknowledge()
        data = self.Board.with_user(self.supervisor).permanence_wallboard_data(
            ["messages"]
        )
        self.assertNotIn(urgent.id, {m["id"] for m in data["messages"]})

    def test_bad_parts_are_refused(self):
        board = self.Board.with_user(self.supervisor)
        with self.assertRaises(UserError):
            board.permanence_wallboard_data(42)
        with self.assertRaises(UserError):
            board.permanence_wallboard_data([["calls"]])
        self.assertEqual(
            set(board.permanence_wallboard_data(["messages", "nothing"])),
            {"server_time", "labels", "messages"},
        )

    def test_operators_and_other_users_are_refused(self):
        with self.assertRaises(AccessError):
            self.Board.with_user(self.operator).permanence_wallboard_data()
        portal = new_test_user(self.env, "pt_wb_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Board.with_user(portal).permanence_wallboard_data()

    def test_another_company_supervisor_sees_only_its_company(self):
        data = self.Board.with_user(self.other_supervisor).permanence_wallboard_data()
        ids = {call["id"] for call in data["calls"]}
        self.assertIn(self.foreign_call.id, ids)
        self.assertNotIn(self.ringing.id, ids)
        self.assertNotIn(self.medical_call.id, ids)
        self.assertNotIn(str(self.client.id), data["figures"]["per_client"])


@tagged("post_install", "-at_install")
class TestWallboardJsonRpc(WallboardCase, HttpCase):
    def call_board(self, login, context=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            DATA_ROUTE,
            {
                "model": "permanence.wallboard",
                "method": "permanence_wallboard_data",
                "args": [],
                "kwargs": {"context": context or {}},
            },
        )

    def test_operator_gets_access_error(self):
        with self.assertRaises(JsonRpcException) as caught:
            self.call_board("pt_operator")
        self.assertIn("AccessError", str(caught.exception))

    def test_other_company_supervisor_cannot_open_our_board(self):
        call = self.call(self.client, 5, state="ringing")
        mine = self.call_board("pt_supervisor")
        self.assertIn(call.id, {c["id"] for c in mine["calls"]})
        theirs = self.call_board("pt_other_supervisor")
        self.assertNotIn(call.id, {c["id"] for c in theirs["calls"]})
        with self.assertRaises(JsonRpcException) as caught:
            self.call_board(
                "pt_other_supervisor", {"allowed_company_ids": self.company.ids}
            )
        self.assertIn("AccessError", str(caught.exception))


@tagged("post_install", "-at_install")
class TestWallboardPushes(WallboardCase):
    def test_pbx_events_reach_the_company_supervisors(self):
        call = self.process("ringing", call_id="wb-push")
        pushes = self.pushes()
        users = {user for user, _payload in pushes}
        self.assertIn(self.supervisor, users)
        self.assertIn(self.manager, users)
        self.assertNotIn(self.operator, users, "operators have their own screen")
        self.assertNotIn(self.other_supervisor, users, "another company")
        payload = next(p for u, p in pushes if u == self.supervisor)
        self.assertEqual(payload["kind"], "call")
        self.assertEqual(payload["call"]["id"], call.id)
        self.assertEqual(payload["call"]["state"], "ringing")
        self.assertIn("Plomberie Test", payload["call"]["client"])
        self.assertNotIn("caller", json.dumps(payload), "no caller identity")
        self.process("answered", call_id="wb-push", operator="201")
        pushes = [p for u, p in self.pushes() if u == self.supervisor]
        payload = next(p for p in pushes if p["kind"] == "call")
        self.assertEqual(payload["call"]["state"], "ongoing")
        self.assertEqual(payload["call"]["user_id"], self.operator.id)
        operator = next(p for p in pushes if p["kind"] == "operator")
        self.assertEqual(operator["operator"]["state"], "busy", "on a call now")
        self.process("hangup", call_id="wb-push")
        payload = next(
            p for u, p in self.pushes() if u == self.supervisor and p["kind"] == "call"
        )
        self.assertFalse(payload["call"]["live"], "the caller left: off the board")
        self.assertTrue(payload["call"]["date_answer"])

    def test_confidential_client_call_carries_no_detail(self):
        call = self.process("ringing", call_id="wb-med", to="01 45 00 00 00")
        self.assertEqual(call.client_id, self.medical)
        payloads = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertEqual(
            payloads, [{"kind": "call", "id": call.id, "confidential": True}]
        )

    def test_operator_state_change_is_pushed(self):
        self.operator.permanence_presence = "pause"
        pushes = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertEqual(len(pushes), 1)
        self.assertEqual(pushes[0]["operator"]["id"], self.operator.id)
        self.assertEqual(pushes[0]["operator"]["state"], "pause")
        self.operator.permanence_presence = "pause"
        self.assertFalse(self.pushes(), "no change, no push")

    def test_emergency_and_message_changes_refresh_their_part(self):
        call = self.call(self.client, 30, state="ongoing", user_id=self.operator.id)
        protocol = self.env["permanence.emergency.protocol"].create(
            {
                "name": "Fuite",
                "client_id": self.client.id,
                "step_ids": [(0, 0, {"sequence": 1, "channel": "call"})],
            }
        )
        self.clear_pushes()
        emergency = self.env["permanence.emergency"].create(
            {
                "call_id": call.id,
                "client_id": self.client.id,
                "protocol_id": protocol.id,
            }
        )
        payloads = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertIn({"kind": "refresh", "parts": ["emergencies"]}, payloads)
        emergency.action_cancel()
        payloads = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertIn({"kind": "refresh", "parts": ["emergencies"]}, payloads)
        message = self.env["permanence.message"].create(
            {"client_id": self.client.id, "urgency": "urgent"}
        )
        self.assertFalse(self.pushes(), "a draft is not on the board")
        message.write({"state": "sent"})
        payloads = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertIn({"kind": "refresh", "parts": ["messages"]}, payloads)
        message.action_acknowledge()
        payloads = [p for u, p in self.pushes() if u == self.supervisor]
        self.assertIn({"kind": "refresh", "parts": ["messages"]}, payloads)

    def test_a_batch_over_two_companies_reaches_each_its_own(self):
        ours = self.call(self.client, 5, state="ringing")
        theirs = self.call(self.foreign, 5, state="ringing")
        self.clear_pushes()
        self.Board._wallboard_push_calls(ours | theirs)
        self.Board._wallboard_push_operators(self.operator | self.other_operator)
        received = {}
        for user, payload in self.pushes():
            record = payload.get("call") or payload.get("operator")
            received.setdefault(user, set()).add((payload["kind"], record["id"]))
        self.assertEqual(
            received[self.supervisor],
            {("call", ours.id), ("operator", self.operator.id)},
        )
        self.assertEqual(
            received[self.other_supervisor],
            {("call", theirs.id), ("operator", self.other_operator.id)},
        )

    def queries(self, function):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def test_a_push_costs_the_same_queries_for_any_number_of_supervisors(self):
        call = self.call(self.client, 30, state="ringing")
        Board = self.Board
        Board._wallboard_push_calls(call)  # warm the caches
        Board._wallboard_push_operators(self.operator)
        self.clear_pushes()
        one = self.queries(lambda: Board._wallboard_push_calls(call))
        ops = self.queries(lambda: Board._wallboard_push_operators(self.operator))
        for index in range(15):
            new_test_user(self.env, f"pt_wb_sup{index}", groups=SUPERVISOR)
        many_calls = self.call(self.client, 20, state="ringing") | call
        for index in range(10):
            many_calls |= self.call(self.client, index, state="ringing")
        self.clear_pushes()
        more = self.queries(lambda: Board._wallboard_push_calls(call))
        self.assertEqual(more, one, "15 more supervisors, no more queries")
        self.assertLessEqual(one, 10)
        supervisors = Board._wallboard_supervisors(self.company)
        self.assertGreaterEqual(len(supervisors), 17)
        self.assertEqual(len(self.pushes()), len(supervisors), "one message each")
        batch = self.queries(lambda: Board._wallboard_push_calls(many_calls))
        self.assertEqual(batch, one, "12 calls at once, no more queries")
        self.assertEqual(
            self.queries(lambda: Board._wallboard_push_operators(self.operator)), ops
        )
        self.assertLessEqual(ops, 10)


@tagged("post_install", "-at_install")
class TestWallboardAlerts(WallboardCase):
    def setUp(self):
        super().setUp()
        self.Alert = self.env["permanence.wallboard.alert"]
        self.Alert.search([]).write({"date_end": fields.Datetime.now()})
        self.clear_pushes()

    def alerts_of(self, created, kind):
        return created.filtered(lambda a: a.kind == kind)

    def test_a_long_wait_is_notified_once(self):
        late = self.call(self.client, 60, state="ringing")
        self.call(self.client, 5, state="ringing")  # within the target
        created = self.Alert._cron_check_thresholds()
        alert = self.alerts_of(created, "wait").filtered(
            lambda a: a.key == f"wait:{late.id}"
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.client_id, self.client)
        mine = self.alerts_of(created, "wait").filtered(
            lambda a: a.client_id == self.client
        )
        self.assertEqual(len(mine), 1, "only the late one")
        notes = [
            p for u, p in self.pushes("simple_notification") if u == self.supervisor
        ]
        self.assertEqual(len(notes), 1)
        self.assertIn("Plomberie Test", notes[0]["message"])
        again = self.Alert._cron_check_thresholds()
        self.assertFalse(again.filtered(lambda a: a.key == alert.key))
        self.assertFalse(self.pushes("simple_notification"), "notified once")
        late.write({"state": "ongoing", "date_answer": fields.Datetime.now()})
        self.Alert._cron_check_thresholds()
        self.assertTrue(alert.date_end, "the occurrence is over")

    def test_service_level_and_overdue_emergency(self):
        start = fields.Datetime.now() - timedelta(minutes=10)
        for _index in range(3):
            self.new_call(
                self.client,
                direction="inbound",
                state="done",
                date_start=start,
                date_end=start + timedelta(seconds=40),
                outcome="abandoned",
            )
        protocol = self.env["permanence.emergency.protocol"].create(
            {
                "name": "Fuite",
                "client_id": self.client.id,
                "step_ids": [(0, 0, {"sequence": 1, "channel": "call"})],
            }
        )
        call = self.call(self.client, 300, state="ongoing", user_id=self.operator.id)
        emergency = self.env["permanence.emergency"].create(
            {
                "call_id": call.id,
                "client_id": self.client.id,
                "protocol_id": protocol.id,
                "state": "running",
                "due_at": fields.Datetime.now() - timedelta(minutes=1),
            }
        )
        created = self.Alert._cron_check_thresholds()
        keys = set(created.mapped("key"))
        self.assertIn(f"service_level:{self.client.id}", keys)
        self.assertIn(f"emergency:{emergency.id}:{emergency.step_index}", keys)
        self.assertFalse(self.Alert._cron_check_thresholds() & created)
        self.assertEqual(
            self.Alert.with_user(self.supervisor).search_count(
                [("id", "in", created.ids)]
            ),
            len(created),
        )
        self.assertFalse(
            self.Alert.with_user(self.other_supervisor).search(
                [("id", "in", created.ids)]
            )
        )


@tagged("post_install", "-at_install")
class TestWallboardAlertRace(CommittedCase):
    """Two cron runs at once (two workers): the occurrence is notified by
    one of them only."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            partner = env["res.partner"].create(
                {"name": "Serrurerie Concurrente", "is_company": True}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Serrurerie Concurrente",
                    "code": "CONCWB",
                    "partner_id": partner.id,
                    "state": "active",
                }
            )
            call = env["permanence.call"].create(
                {
                    "client_id": client.id,
                    "direction": "inbound",
                    "state": "ringing",
                    "date_start": fields.Datetime.now() - timedelta(minutes=2),
                }
            )
            return {"partner": partner.id, "client": client.id, "call": call.id}

        self.created = set()
        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        env["permanence.wallboard.alert"].browse(list(self.created)).exists().unlink()
        env["permanence.call"].browse(self.ids["call"]).unlink()
        env["permanence.client"].browse(self.ids["client"]).unlink()
        env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_two_runs_at_once_notify_once(self):
        key = f"wait:{self.ids['call']}"

        def run(env):
            created = env["permanence.wallboard.alert"]._cron_check_thresholds()
            self.created |= set(created.ids)
            return created.filtered(lambda a: a.key == key).ids

        first, second, blocked = self.race(run, run)
        self.assertNotIsInstance(first, Exception)
        self.assertNotIsInstance(second, Exception)
        self.assertTrue(blocked, "the second run waited on the first")
        self.assertEqual(len(first), 1, "the first run notified")
        self.assertEqual(second, [], "the second did not")

        def count(env):
            return env["permanence.wallboard.alert"].search_count([("key", "=", key)])

        self.assertEqual(self.run_in_new_transaction(count), 1)
