from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import emergency as emergency_tools
from .common import BATCH_LOGGERS, REFUSED, PermanenceCase, refuse_rows

CONSOLE = "permanence_telephonique.permanence_call_view_form_console"


@tagged("post_install", "-at_install")
class TestEmergency(HttpCase, PermanenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Emergency = cls.env["permanence.emergency"]
        cls.client.write({"quiet_hours_start": 0.0, "quiet_hours_end": 0.0})
        tech = cls.env["res.partner"].create(
            {
                "name": "Théo Technicien",
                "parent_id": cls.plumber_partner.id,
                "mobile": "06 11 22 33 44",
                "email": "theo@plomberie.example.com",
            }
        )
        cls.tech = cls.env["permanence.interlocutor"].create(
            {"client_id": cls.client.id, "partner_id": tech.id}
        )
        cls.reason = cls.env["permanence.call.reason"].create(
            {
                "client_id": cls.client.id,
                "name": "Fuite d'eau",
                "action": "escalate",
                "urgency": "normal",
                "question_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Pouvez-vous couper l'eau ?",
                            "answer_type": "boolean",
                            "required": True,
                        },
                    )
                ],
            }
        )
        cls.question = cls.reason.question_ids
        cls.rota = cls.env["permanence.oncall.rota"].create(
            {
                "name": "Astreinte",
                "client_id": cls.client.id,
                "anchor_date": "2025-01-06",
                "handover_weekday": "0",
                "handover_hour": 8.0,
                "member_ids": [
                    (0, 0, {"sequence": 1, "interlocutor_id": cls.tech.id}),
                    (
                        0,
                        0,
                        {"sequence": 2, "interlocutor_id": cls.boss_interlocutor.id},
                    ),
                ],
            }
        )
        cls.protocol = cls.env["permanence.emergency.protocol"].create(
            {
                "name": "Fuite",
                "client_id": cls.client.id,
                "reason_id": cls.reason.id,
                "rota_id": cls.rota.id,
                "escalate_from": "urgent",
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "question_id": cls.question.id,
                            "value": "no",
                            "urgency": "critical",
                        },
                    )
                ],
                "step_ids": [
                    (0, 0, {"sequence": 1, "channel": "call", "wait_minutes": 5}),
                    (0, 0, {"sequence": 2, "channel": "sms", "wait_minutes": 10}),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "channel": "email",
                            "target": "backup",
                            "wait_minutes": 10,
                        },
                    ),
                ],
                "fallback_user_id": cls.supervisor.id,
                "fallback_number": "+33148000099",
                "fallback_instructions": "Appeler le gérant sur sa ligne fixe.",
            }
        )

    def _call(self, water="no"):
        call = self.new_call(
            self.client,
            reason_id=self.reason.id,
            caller_name="Mme Leroy",
            caller_number_raw="06 98 00 00 01",
            notes="Fuite sous l'évier, l'eau coule dans l'escalier.",
        )
        call.answer_ids.value_boolean = water
        return call

    def _cron(self):
        return self.Emergency._cron_advance()

    # The escalation ----------------------------------------------------------

    def test_escalation_runs_its_steps_on_schedule_until_the_fallback(self):
        # Wednesday 8 January, 21:00 in Paris: Théo is on call, Marc is next.
        with freeze_time("2025-01-08 20:00:00") as frozen:
            call = self._call()
            emergency = self.Emergency._start_for_calls(call)
            self.assertEqual(emergency.urgency, "critical")
            self.assertEqual(emergency.state, "running")
            self.assertEqual(call.outcome, "escalated")
            self.assertEqual(emergency.current_interlocutor_id, self.tech)
            self.assertEqual(emergency.current_destination, "+33611223344")
            self.assertEqual(emergency.remaining_seconds, 300)
            frozen.tick(timedelta(minutes=4))
            self.assertEqual(self._cron(), 0, "not due yet")
            self.assertEqual(len(emergency.attempt_ids), 1)
            # The operator closed the screen: the cron goes on by itself.
            frozen.tick(timedelta(minutes=1))
            self.assertEqual(self._cron(), 1)
            sms = emergency.current_attempt_id
            self.assertEqual(sms.channel, "sms")
            self.assertEqual(sms.message_id.urgency, "critical")
            self.assertEqual(sms.message_id.state, "sent")
            self.assertEqual(sms.message_id.recipient_ids, self.tech)
            self.assertEqual(sms.message_id.delivery_ids.channel, "sms")
            self.assertEqual(sms.message_id.delivery_ids.destination, "+33611223344")
            self.assertFalse(sms.message_id.escalation_due_at)
            frozen.tick(timedelta(minutes=10))
            self._cron()
            email = emergency.current_attempt_id
            self.assertEqual(email.channel, "email")
            self.assertEqual(email.interlocutor_id, self.boss_interlocutor, "backup")
            self.assertEqual(
                email.message_id.delivery_ids.destination, "marc@plomberie.example.com"
            )
            frozen.tick(timedelta(minutes=10))
            self._cron()
        self.assertEqual(emergency.state, "fallback")
        self.assertEqual(
            emergency.activity_ids.user_id, self.supervisor, "the supervisor is told"
        )
        timeline = emergency.attempt_ids
        self.assertEqual(
            timeline.mapped("channel"), ["call", "sms", "email", "fallback"]
        )
        self.assertEqual(
            timeline.mapped("result"), ["timeout", "timeout", "timeout", "pending"]
        )
        self.assertEqual(
            timeline.interlocutor_id.ids, [self.tech.id, self.boss_interlocutor.id]
        )
        self.assertEqual(
            [a.date_start.strftime("%H:%M") for a in timeline],
            ["20:00", "20:05", "20:15", "20:25"],
        )
        self.assertTrue(all(a.date_end for a in timeline[:3]))
        emergency.with_user(self.operator).action_fallback_done()
        self.assertEqual(emergency.state, "closed")
        self.assertEqual(call.state, "done")
        self.assertEqual(call.outcome, "escalated")

    def test_acknowledgement_by_the_signed_link_stops_the_escalation(self):
        with Form(
            self.env["permanence.call"].with_user(self.operator), view=CONSOLE
        ) as form:
            form.client_id = self.client
            form.caller_number_raw = "06 98 00 00 01"
            form.caller_name = "Mme Leroy"
            form.reason_id = self.reason
            with form.answer_ids.edit(0) as answer:
                answer.value_boolean = "no"
        call = form.record
        self.assertEqual(call.oncall_rota_ids, self.rota)
        action = self.env.ref(
            "permanence_telephonique.action_permanence_emergency_start"
        ).with_user(self.operator)
        action.with_context(
            active_model="permanence.call", active_id=call.id, active_ids=call.ids
        ).run()
        emergency = call.emergency_ids
        self.assertEqual(emergency.state, "running")
        emergency.with_user(self.operator).action_no_answer()
        message = emergency.current_attempt_id.message_id
        self.assertTrue(message)
        person = emergency.current_interlocutor_id
        # The person opens the link of the SMS and confirms.
        url = message._ack_url(person)
        path = url[url.index("/permanence/ack/") :]
        page = self.url_open(path)
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        self.url_open(path, data={"csrf_token": csrf})
        self.assertEqual(message.state, "acknowledged")
        self.assertEqual(emergency.state, "running", "until the cron sees it")
        self.assertEqual(self._cron(), 1)
        self.assertEqual(emergency.state, "reached")
        self.assertEqual(emergency.reached_interlocutor_id, person)
        self.assertEqual(emergency.current_attempt_id.result, "acknowledged")
        self.assertFalse(emergency.due_at)
        self.assertEqual(call.state, "done")
        self.assertEqual(call.outcome, "escalated")
        # Nothing more is sent afterwards, even once the step is long due.
        messages = self.env["permanence.message"].search([("call_id", "=", call.id)])
        emergency.write({"due_at": fields.Datetime.now() - timedelta(hours=1)})
        self.assertEqual(self._cron(), 0)
        self.assertEqual(
            self.env["permanence.message"].search([("call_id", "=", call.id)]),
            messages,
        )
        self.assertEqual(
            emergency.attempt_ids.mapped("result"), ["no_answer", "acknowledged"]
        )

    def test_operator_buttons(self):
        with freeze_time("2025-01-08 20:00:00") as frozen:
            call = self._call()
            emergency = self.Emergency.with_user(self.operator)._start_for_calls(call)
            self.assertEqual(
                emergency.voip_available, "permanence.voip.pbx" in self.env
            )
            if not emergency.voip_available:
                action = emergency.action_dial()
                self.assertIn("+33611223344", action["params"]["message"])
            frozen.tick(timedelta(seconds=40))
            emergency.action_refused()
            self.assertEqual(emergency.attempt_ids[0].result, "refused")
            self.assertEqual(emergency.current_channel, "sms")
            frozen.tick(timedelta(seconds=50))
            # Théo calls back the answering service and takes it.
            emergency.action_reached()
        self.assertEqual(emergency.state, "reached")
        self.assertEqual(emergency.reach_duration, 90)
        self.assertEqual(emergency.reached_interlocutor_id, self.tech)
        self.assertEqual(
            emergency.attempt_ids.mapped("result"), ["refused", "accepted"]
        )
        with self.assertRaisesRegex(UserError, "nothing left to do"):
            emergency.action_no_answer()
        report = self.Emergency._read_group(
            [("id", "=", emergency.id)], ["client_id"], ["reach_duration:avg"]
        )
        self.assertEqual(report[0][1], 90)

    def test_nobody_on_call_goes_straight_to_the_fallback(self):
        self.rota.override_ids = [
            (
                0,
                0,
                {
                    "kind": "absence",
                    "interlocutor_id": self.tech.id,
                    "date_from": "2025-01-06 00:00:00",
                    "date_to": "2025-01-13 00:00:00",
                },
            )
        ]
        with freeze_time("2025-01-08 20:00:00"):
            emergency = self.Emergency._start_for_calls(self._call())
        self.assertEqual(emergency.state, "fallback")
        self.assertEqual(
            emergency.attempt_ids.mapped("result"),
            ["failed", "failed", "failed", "pending"],
        )
        self.assertEqual(emergency.attempt_ids[0].note, "Nobody is on call.")

    def test_urgency_from_the_answers(self):
        with self.assertRaisesRegex(UserError, "not an emergency"):
            self.Emergency._start_for_calls(self._call(water="yes"))
        other = self.env["permanence.call.reason"].create(
            {"client_id": self.client.id, "name": "Autre", "action": "escalate"}
        )
        call = self.new_call(self.client, reason_id=other.id)
        with self.assertRaisesRegex(UserError, "no emergency protocol"):
            self.Emergency._start_for_calls(call)
        rules = [
            {
                "id": 1,
                "question_id": 7,
                "value": "Urgence vitale",
                "urgency": "critical",
            },
            {"id": 2, "question_id": 7, "value": "Non urgent", "urgency": "normal"},
        ]
        self.assertEqual(
            emergency_tools.urgency_from_answers(
                rules, {7: ["  urgence VITALE. "]}, "urgent"
            ),
            ("critical", [1]),
        )
        self.assertEqual(
            emergency_tools.urgency_from_answers(rules, {7: ["Non urgent"]}, "urgent"),
            ("normal", [2]),
        )
        self.assertEqual(
            emergency_tools.urgency_from_answers(rules, {}, "urgent"), ("urgent", [])
        )
        self.assertEqual(
            emergency_tools.next_position(3, 2, "timeout"), ("fallback", None)
        )

    def test_configuration_errors_before_the_account_goes_active(self):
        self.assertEqual(self.protocol._emergency_config_errors(), [])
        self.protocol.write(
            {
                "fallback_user_id": False,
                "fallback_number": False,
                "fallback_instructions": False,
            }
        )
        nobody = self.env["permanence.interlocutor"].create(
            {
                "client_id": self.client.id,
                "partner_id": self.env["res.partner"]
                .create({"name": "Sans Numéro"})
                .id,
            }
        )
        self.protocol.step_ids = [
            (
                0,
                0,
                {
                    "channel": "sms",
                    "target": "interlocutor",
                    "interlocutor_id": nobody.id,
                },
            )
        ]
        errors = self.protocol._emergency_config_errors()
        self.assertEqual(len(errors), 2, errors)
        self.assertIn("it has no fallback", errors[0])
        self.assertIn("Sans Numéro cannot be reached by SMS", errors[1])
        self.assertIn("no fallback", self.protocol.config_errors)
        # The account cannot go active (nor into test) with these errors.
        self.client.state = "suspended"
        with self.assertRaisesRegex(UserError, "Sans Numéro cannot be reached"):
            self.client.action_activate()
        self.assertEqual(self.client.state, "suspended")
        self.protocol.write({"fallback_instructions": "Appeler le 18."})
        self.protocol.step_ids.filtered("interlocutor_id").unlink()
        self.client.action_activate()
        self.assertEqual(self.client.state, "active")

    # Access ----------------------------------------------------------------

    def test_client_sees_its_emergencies_in_the_portal_and_nobody_else(self):
        emergency = self.Emergency._start_for_calls(self._call())
        emergency.action_reached()
        own = new_test_user(self.env, "pt_portal_plumber", groups="base.group_portal")
        own.partner_id.parent_id = self.plumber_partner
        stranger = new_test_user(
            self.env, "pt_portal_other", groups="base.group_portal"
        )
        stranger.partner_id.parent_id = self.practice_partner
        self.assertEqual(self.Emergency.with_user(own).search([]), emergency)
        self.assertFalse(self.Emergency.with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            emergency.with_user(stranger).check_access("read")
        with self.assertRaises(AccessError):
            emergency.with_user(own).write({"state": "cancelled"})
        self.authenticate("pt_portal_plumber", "pt_portal_plumber")
        page = self.url_open("/my/permanence/emergencies")
        self.assertIn("o_permanence_emergency_row", page.text)
        page = self.url_open(f"/my/permanence/emergencies/{emergency.id}")
        self.assertIn("o_permanence_emergency_timeline", page.text)
        self.assertIn(emergency.reached_interlocutor_id.name, page.text)
        self.authenticate("pt_portal_other", "pt_portal_other")
        page = self.url_open("/my/permanence/emergencies")
        self.assertIn("No emergency so far", page.text)
        page = self.url_open(f"/my/permanence/emergencies/{emergency.id}")
        self.assertNotIn("o_permanence_emergency_timeline", page.text)
        self.assertTrue(page.url.endswith("/my"), page.url)

    def test_operators_do_not_see_confidential_clients_emergencies(self):
        self.assertFalse(
            self.env["permanence.emergency.protocol"]
            .with_user(self.operator)
            .search([("client_id", "=", self.medical.id)])
        )
        protocol = self.env["permanence.emergency.protocol"].create(
            {"name": "Urgence", "client_id": self.medical.id}
        )
        with self.assertRaises(AccessError):
            protocol.with_user(self.operator).check_access("read")
        protocol.with_user(self.allowed_operator).check_access("read")

    def test_cron_goes_past_an_emergency_the_database_refuses(self):
        """One emergency whose next step cannot be written does not stop the
        others: it keeps its step, stops escalating by itself, and the
        fallback person is told to carry on by hand."""
        with freeze_time("2025-01-08 20:00:00") as frozen:
            emergencies = self.Emergency._start_for_calls(self._call() | self._call())
            self.assertEqual(len(emergencies), 2)
            bad, good = emergencies.sorted("id")
            refuse_rows(
                self.env.cr,
                "permanence_emergency",
                "UPDATE",
                "NEW.id = %s AND NEW.step_index IS DISTINCT FROM OLD.step_index",
                bad.id,
            )
            frozen.tick(timedelta(minutes=5))
            with mute_logger(*BATCH_LOGGERS):
                self.assertEqual(self._cron(), 1)
            self.assertEqual(good.current_attempt_id.channel, "sms")
            self.assertEqual(bad.current_attempt_id.channel, "call")
            self.assertEqual(bad.state, "running", "still open for the operators")
            self.assertFalse(bad.due_at, "out of the way")
            self.assertEqual(bad.activity_ids.user_id, self.supervisor)
            self.assertIn(REFUSED, bad.activity_ids.note)
            frozen.tick(timedelta(minutes=10))
            self.assertEqual(self._cron(), 1, "only the good one goes on")
            self.assertEqual(good.current_attempt_id.channel, "email")
