from datetime import datetime, time, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import availability
from .common import PermanenceCase

PARIS = "Europe/Paris"


class AvailabilityFixtures(PermanenceCase):
    """The plumber's boss (Marc) and his technician (Théo, who takes Marc's
    emergencies), and the practice's doctor, another client's interlocutor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.client.tz = PARIS
        tech = cls.env["res.partner"].create(
            {
                "name": "Théo Technicien",
                "parent_id": cls.plumber_partner.id,
                "mobile": "06 11 22 33 44",
                "email": "theo@plomberie.example.com",
            }
        )
        cls.tech = cls.env["permanence.interlocutor"].create(
            {
                "client_id": cls.client.id,
                "partner_id": tech.id,
                "transfer_allowed": True,
                "receives_messages": False,
            }
        )
        cls.Status = cls.env["permanence.interlocutor.status"]

    @classmethod
    def _status(cls, interlocutor, start, end, **vals):
        return cls.Status.create(
            dict(
                interlocutor_id=interlocutor.id,
                date_from=start,
                date_to=end,
                **vals,
            )
        )

    def _now_status(self, interlocutor=None, hours=2, **vals):
        now = fields.Datetime.now()
        return self._status(
            interlocutor or self.boss_interlocutor,
            now - timedelta(minutes=10),
            now + timedelta(hours=hours),
            **vals,
        )


@tagged("post_install", "-at_install")
class TestAvailabilityTimes(AvailabilityFixtures):
    # Time zone and daylight saving ------------------------------------------

    def test_until_15_00_on_the_day_clocks_go_forward(self):
        # Sunday 29 March 2026, 01:30 in Paris (still winter time, UTC+1):
        # at 02:00 clocks go to 03:00; 15:00 that day is summer time (UTC+2).
        now = datetime(2026, 3, 29, 0, 30)
        end = availability.until_local_time(now, PARIS, time(15, 0))
        self.assertEqual(end, datetime(2026, 3, 29, 13, 0))
        # Midnight after that 23-hour day.
        self.assertEqual(
            availability.local_midnight_after(now, PARIS), datetime(2026, 3, 29, 22, 0)
        )

    def test_until_15_00_on_the_day_clocks_go_back(self):
        # Sunday 25 October 2026, 02:30 in Paris, summer time (UTC+2): at
        # 03:00 clocks go back to 02:00; 15:00 is winter time (UTC+1).
        now = datetime(2026, 10, 25, 0, 30)
        end = availability.until_local_time(now, PARIS, time(15, 0))
        self.assertEqual(end, datetime(2026, 10, 25, 14, 0))
        self.assertEqual(
            availability.local_midnight_after(now, PARIS), datetime(2026, 10, 25, 23, 0)
        )
        # 02:30 happens twice that night; 02:30 in the hour skipped in March
        # does not exist: both still give a time.
        self.assertEqual(
            availability.to_utc(datetime(2026, 10, 25, 2, 30), PARIS),
            datetime(2026, 10, 25, 0, 30),
        )
        self.assertEqual(
            availability.to_utc(datetime(2026, 3, 29, 2, 30), PARIS),
            datetime(2026, 3, 29, 1, 30),
        )

    def test_time_already_passed_today(self):
        now = datetime(2026, 3, 29, 14, 0)  # 16:00 in Paris
        self.assertIsNone(availability.until_local_time(now, PARIS, time(15, 0)))

    def test_status_expires_by_itself_across_the_clock_change(self):
        # Set at 09:00 (Paris) on 29 March, "until 15:00": 13:00 UTC.
        start = datetime(2026, 3, 29, 7, 0)
        end = availability.until_local_time(start, PARIS, time(15, 0))
        status = self._status(self.boss_interlocutor, start, end, kind="meeting")
        boss = self.boss_interlocutor
        self.assertEqual(boss._status_at(datetime(2026, 3, 29, 12, 59)), status)
        self.assertFalse(boss._status_at(datetime(2026, 3, 29, 13, 0)))
        self.assertFalse(boss._status_at(datetime(2026, 3, 29, 6, 59)))
        with freeze_time("2026-03-29 12:00:00"):
            self.env.invalidate_all()
            self.assertTrue(boss.is_absent)
            self.assertFalse(boss.is_available)
            self.assertEqual(boss.current_status_id, status)
            self.assertEqual(boss.current_status_label, "In a meeting until 3:00 PM")
        with freeze_time("2026-03-29 13:00:01"):
            self.env.invalidate_all()
            self.assertFalse(boss.is_absent)
            self.assertTrue(boss.is_available)
            self.assertFalse(boss.current_status_label)

    # Labels -----------------------------------------------------------------

    def _label(self, lang, kind, start, end, now, replacement=None):
        env = self.env(context=dict(self.env.context, lang=lang))
        return availability.label(env, kind, start, end, now, PARIS, replacement)

    def test_labels_in_english_and_french(self):
        now = datetime(2026, 3, 29, 7, 0)
        end = datetime(2026, 3, 29, 13, 0)  # 15:00 in Paris (summer time)
        self.assertEqual(
            self._label("en_US", "meeting", now, end, now, "Paul Martin"),
            "In a meeting until 3:00 PM (emergencies to Paul Martin)",
        )
        french = self._label("fr_FR", "meeting", now, end, now, "Paul Martin")
        # French time format: 15:00, whatever the translation of the words.
        self.assertIn("15:00", french)
        self.assertNotIn("PM", french)
        self.assertIn("Paul Martin", french)

    def test_leave_label_whole_days(self):
        # Leave from 12 to 19 August (both included), in Paris.
        start = availability.to_utc(datetime(2026, 8, 12), PARIS)
        end = availability.to_utc(datetime(2026, 8, 20), PARIS)
        now = datetime(2026, 8, 1, 10, 0)
        self.assertEqual(
            self._label("en_US", "leave", start, end, now),
            "On leave from 08/12/2026 to 08/19/2026",
        )
        self.assertIn("12/08/2026", self._label("fr_FR", "leave", start, end, now))
        self.assertIn("19/08/2026", self._label("fr_FR", "leave", start, end, now))
        # Away today (ends at midnight), said as such.
        today = datetime(2026, 8, 13, 9, 0)
        __, day_start, day_end = availability.quick_window("absent_today", today, PARIS)
        self.assertEqual(
            self._label("en_US", "absent", day_start, day_end, today), "Absent today"
        )


@tagged("post_install", "-at_install")
class TestAvailabilityStatus(AvailabilityFixtures):
    def test_replacement_of_the_same_client_only(self):
        with self.assertRaises(ValidationError):
            self._now_status(replacement_id=self.doctor_interlocutor.id)
        with self.assertRaises(ValidationError):
            self._now_status(replacement_id=self.boss_interlocutor.id)
        status = self._now_status(replacement_id=self.tech.id)
        self.assertEqual(status.client_id, self.client)

    def test_an_end_is_required_after_the_start(self):
        now = fields.Datetime.now()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self._status(self.boss_interlocutor, now, now - timedelta(hours=1))
        self.assertTrue(self.Status._fields["date_to"].required)

    def test_every_change_is_in_the_client_chatter(self):
        status = self._now_status(replacement_id=self.tech.id, set_by="Marc")
        bodies = self.client.message_ids.mapped("body")
        self.assertTrue(
            any("Marc Plombier" in b and "Théo Technicien" in b for b in bodies),
            bodies,
        )
        status.write({"date_to": status.date_to + timedelta(hours=1)})
        self.assertIn("status changed", self.client.message_ids[0].body)
        count = len(self.client.message_ids)
        status._end(who="Marc")
        self.client.invalidate_recordset(["message_ids"])
        self.assertEqual(len(self.client.message_ids), count + 1)
        self.assertIn("ended early", self.client.message_ids[0].body)
        self.assertFalse(self.boss_interlocutor.is_absent)
        # A coming status is withdrawn, not shortened.
        now = fields.Datetime.now()
        coming = self._status(
            self.boss_interlocutor, now + timedelta(days=1), now + timedelta(days=2)
        )
        coming._end()
        self.assertFalse(coming.active)

    def test_operators_read_but_do_not_write_statuses(self):
        status = self._now_status()
        status.with_user(self.operator).check_access("read")
        with self.assertRaises(AccessError):
            status.with_user(self.operator).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.Status.with_user(self.other_operator).browse(status.id).check_access(
                "read"
            )
        medical = self._now_status(self.doctor_interlocutor)
        with self.assertRaises(AccessError):
            medical.with_user(self.operator).check_access("read")


@tagged("post_install", "-at_install")
class TestAvailabilityEffects(AvailabilityFixtures):
    def test_transfer_to_an_away_interlocutor_is_refused(self):
        self._now_status(replacement_id=self.tech.id, kind="meeting")
        call = self.new_call(
            self.client, transfer_interlocutor_id=self.boss_interlocutor.id
        )
        with self.assertRaisesRegex(UserError, "Marc Plombier") as caught:
            call.action_transfer()
        self.assertIn("In a meeting until", str(caught.exception))
        self.assertIn("emergencies to Théo Technicien", str(caught.exception))
        self.assertIn("Take a message", str(caught.exception))
        self.assertNotEqual(call.outcome, "transferred")
        # The replacement takes the call.
        call.transfer_interlocutor_id = self.tech
        call.action_transfer()
        self.assertEqual(call.outcome, "transferred")

    def test_transfer_after_the_status_ended(self):
        status = self._now_status()
        call = self.new_call(
            self.client, transfer_interlocutor_id=self.boss_interlocutor.id
        )
        with self.assertRaises(UserError):
            call.action_transfer()
        status._end()
        self.boss_interlocutor.invalidate_recordset()
        call.action_transfer()
        self.assertEqual(call.outcome, "transferred")

    def test_message_goes_to_the_replacement(self):
        call = self.new_call(self.client, caller_name="Mme Leroy")
        self.assertEqual(call._default_recipients(), self.boss_interlocutor)
        self._now_status(replacement_id=self.tech.id)
        call.action_take_message()
        message = call.permanence_message_ids
        self.assertEqual(message.recipient_ids, self.tech)
        note = message.message_ids.filtered(lambda m: "goes to" in (m.body or ""))
        self.assertTrue(note, message.message_ids.mapped("body"))
        self.assertIn("Marc Plombier", note.body)
        self.assertIn("Théo Technicien", note.body)

    def test_message_without_replacement_stays_with_the_interlocutor(self):
        self._now_status()
        call = self.new_call(self.client, caller_name="Mme Leroy")
        self.assertEqual(call._default_recipients(), self.boss_interlocutor)

    def test_replacement_away_too_keeps_the_original(self):
        self._now_status(replacement_id=self.tech.id)
        self._now_status(self.tech)
        call = self.new_call(self.client, caller_name="Mme Leroy")
        self.assertEqual(call._default_recipients(), self.boss_interlocutor)

    def _protocol(self):
        self.client.write({"quiet_hours_start": 0.0, "quiet_hours_end": 0.0})
        reason = self.env["permanence.call.reason"].create(
            {
                "client_id": self.client.id,
                "name": "Fuite d'eau",
                "action": "escalate",
                "urgency": "urgent",
            }
        )
        self.env["permanence.emergency.protocol"].create(
            {
                "name": "Fuite",
                "client_id": self.client.id,
                "reason_id": reason.id,
                "escalate_from": "urgent",
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "channel": "call",
                            "target": "interlocutor",
                            "interlocutor_id": self.boss_interlocutor.id,
                            "wait_minutes": 5,
                        },
                    ),
                ],
                "fallback_user_id": self.supervisor.id,
                "fallback_number": "+33148000099",
                "fallback_instructions": "Appeler le gérant sur sa ligne fixe.",
            }
        )
        return self.new_call(self.client, reason_id=reason.id, caller_name="Mme Leroy")

    def test_escalation_reaches_the_replacement(self):
        self._now_status(replacement_id=self.tech.id)
        emergency = self.env["permanence.emergency"]._start_for_calls(self._protocol())
        attempt = emergency.attempt_ids
        self.assertEqual(attempt.interlocutor_id, self.tech)
        self.assertEqual(attempt.destination, "+33611223344")
        self.assertIn("Marc Plombier", attempt.note)
        self.assertEqual(attempt.result, "pending")

    def test_escalation_skips_an_away_interlocutor_without_replacement(self):
        self._now_status()
        emergency = self.env["permanence.emergency"]._start_for_calls(self._protocol())
        attempt = emergency.attempt_ids[:1]
        self.assertEqual(attempt.result, "failed")
        self.assertIn("away", attempt.note)
        self.assertEqual(emergency.state, "fallback")


@tagged("post_install", "-at_install")
class TestAvailabilityLink(AvailabilityFixtures):
    def test_token_is_bound_signed_and_expires(self):
        boss = self.boss_interlocutor
        token = boss._availability_token()
        Interlocutor = self.env["permanence.interlocutor"]
        self.assertEqual(Interlocutor._from_availability_token(token), boss)
        self.assertNotEqual(self.tech._availability_token(), token)
        # Forged: one character changed, or garbage.
        forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        self.assertFalse(Interlocutor._from_availability_token(forged))
        self.assertFalse(Interlocutor._from_availability_token("not-a-token"))
        self.assertFalse(Interlocutor._from_availability_token(""))
        # Expired.
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.assertFalse(Interlocutor._from_availability_token(token))
        with freeze_time(fields.Datetime.now() + timedelta(days=29)):
            self.assertEqual(Interlocutor._from_availability_token(token), boss)
        # No longer that person (the contact changed): the link is dead.
        boss.partner_id = self.env["res.partner"].create(
            {"name": "Nouveau gérant", "mobile": "06 01 02 03 05"}
        )
        self.assertFalse(Interlocutor._from_availability_token(token))

    def test_send_link_by_email_and_sms(self):
        self.env["permanence.sms.gateway"].create(
            {
                "name": "Passerelle",
                "company_id": self.company.id,
                "url": "https://sms.example.com/send",
            }
        )
        boss = self.boss_interlocutor
        before = self.env["mail.mail"].search([]).ids
        sms_before = self.env["permanence.sms.outbox"].search([]).ids
        result = boss.with_user(self.operator).action_send_availability_link()
        self.assertEqual(result["params"]["type"], "success")
        mail = self.env["mail.mail"].search([("id", "not in", before)])
        self.assertEqual(len(mail), 1)
        self.assertIn("/permanence/availability/", mail.body_html)
        self.assertEqual(mail.recipient_ids, boss.partner_id)
        self.assertFalse(mail.model)
        sms = self.env["permanence.sms.outbox"].search([("id", "not in", sms_before)])
        self.assertEqual(sms.number, "+33601020304")
        self.assertIn("/permanence/availability/", sms.body)
        self.assertIn("Availability link sent", self.client.message_ids[0].body)
        # A portal user cannot send it.
        with self.assertRaises(AccessError):
            boss.with_user(
                self.env["res.users"].create(
                    {
                        "name": "Portail",
                        "login": "pt_avail_portal_send",
                        "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
                    }
                )
            ).action_send_availability_link()


@tagged("post_install", "-at_install")
class TestAvailabilityDemo(PermanenceCase):
    """The demo (when installed) has someone in a meeting for a few hours
    from the install, with a replacement of the same account."""

    def test_demo_meeting_with_replacement(self):
        status = self.env.ref(
            "permanence_telephonique.status_lefevre_benoit_meeting",
            raise_if_not_found=False,
        )
        if not status:
            self.skipTest("installed without demo data")
        self.assertEqual(status.kind, "meeting")
        self.assertAlmostEqual(
            status.date_to - status.date_from,
            timedelta(hours=3.5),
            delta=timedelta(seconds=2),
        )
        self.assertEqual(
            status.replacement_id,
            self.env.ref("permanence_telephonique.interlocutor_lefevre_anne"),
        )
        self.assertEqual(status.client_id, status.replacement_id.client_id)
        self.assertEqual(
            status.client_id.partner_id.lang, "fr_FR", "the demo speaks French"
        )
