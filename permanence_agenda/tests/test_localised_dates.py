from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import NOW, AgendaCase

# Monday 23 March 2026, 10:00 in Paris.
SLOT = datetime(2026, 3, 23, 9)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLocalisedDates(AgendaCase):
    """Weekdays and dates of slots, SMS and notifications in the reader's
    language (Babel through Odoo's format_datetime), never strftime's English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")

    def test_slot_label_in_each_language(self):
        Event = self.env["calendar.event"]
        french = Event._format_local(SLOT, self.doctor_agenda, lang="fr_FR")
        english = Event._format_local(SLOT, self.doctor_agenda, lang="en_US")
        self.assertTrue(french.startswith("lun."), french)
        self.assertIn("mars 2026", french)
        self.assertTrue(french.endswith("10:00"), french)
        self.assertTrue(english.startswith("Mon"), english)
        self.assertIn("Mar 2026", english)
        self.assertNotIn("Mon", french)

    def test_console_slots_in_the_operator_language(self):
        self.allowed_operator.lang = "fr_FR"
        call = self.new_call(
            self.medical, caller_number_raw="06 11 22 33 44", caller_name="Marie"
        )
        operator_env = call.with_user(self.allowed_operator).with_context(lang="fr_FR")
        action = operator_env.action_book_appointment()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertTrue(wizard.slot_ids)
        for label in wizard.slot_ids.mapped("label"):
            self.assertNotRegex(label, r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")
        self.assertTrue(wizard.slot_ids[0].label.startswith("lun."))

    def test_caller_sms_in_the_client_language(self):
        self.env["permanence.sms.gateway"].create(
            {"name": "Local", "provider": "generic_json", "url": "http://127.0.0.1:9"}
        )
        for lang, weekday in (("fr_FR", "lun."), ("en_US", "Mon")):
            with self.subTest(lang=lang):
                self.medical.lang = lang
                call = self.new_call(
                    self.medical,
                    caller_number_raw="06 11 22 33 44",
                    caller_name="Marie",
                )
                action = call.with_user(self.allowed_operator).action_book_appointment()
                wizard = self.env[action["res_model"]].browse(action["res_id"])
                wizard.slot_ids[0].action_book()
                event = call.appointment_ids
                outbox = self.env["permanence.sms.outbox"].search(
                    [("res_model", "=", "calendar.event"), ("res_id", "=", event.id)]
                )
                self.assertIn(weekday, outbox.body)
