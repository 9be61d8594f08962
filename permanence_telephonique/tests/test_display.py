from email import message_from_bytes, policy

from odoo.tests import tagged

from ..tools import phone
from .common import PermanenceCase
from .servers import RecordingSmtpServer, real_smtp
from .test_transmission import TransmissionCase

# One number typed the ways people type it.
FORMATS = (
    "+33759814263",
    "07 59 81 42 63",
    "0759814263",
    "07.59.81.42.63",
    "+33 7 59 81 42 63",
    "33759814263",
    "0033 7 59 81 42 63",
)


@tagged("post_install", "-at_install")
class TestEmailAcknowledgementLink(TransmissionCase):
    """Every email of a message carries the signed acknowledgement link, as
    the SMS does, whatever its urgency and whatever the client's template."""

    def _send_by_email(self, **vals):
        self.boss_interlocutor.write(
            {"message_channel": "email", "urgent_channel": "email"}
        )
        with RecordingSmtpServer() as smtp, real_smtp():
            self.env["ir.mail_server"].search([]).unlink()
            self.env["ir.mail_server"].create(
                {
                    "name": "SMTP local",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": smtp.port,
                    "smtp_encryption": "none",
                }
            )
            message = self._message(**vals)
            message.action_send()
            self.Delivery._process_due()
            self.assertEqual(len(smtp.envelopes), 1)
            mail = message_from_bytes(smtp.envelopes[0].content, policy=policy.default)
        return message, mail.get_body(("html",)).get_content()

    def test_every_urgency_carries_the_link(self):
        for urgency in ("normal", "urgent", "critical"):
            with self.subTest(urgency=urgency):
                message, html = self._send_by_email(urgency=urgency)
                link = message._ack_url(self.boss_interlocutor)
                self.assertIn(f'href="{link}"', html)
                token = link.rsplit("/", 1)[1]
                self.assertTrue(
                    message._check_ack_token(self.boss_interlocutor.id, token)
                )

    def test_client_template_without_the_link_still_gets_it(self):
        template = self.env["mail.template"].create(
            {
                "name": "Modèle du client",
                "model_id": self.env["ir.model"]._get_id("permanence.message"),
                "subject": "{{ object.mail_subject }}",
                "email_from": "permanence@example.com",
                "body_html": "<p>Bonjour, un message pour vous.</p>",
            }
        )
        self.client.message_template_id = template
        message, html = self._send_by_email(urgency="critical")
        self.assertIn("un message pour vous", html)
        self.assertIn(f'href="{message._ack_url(self.boss_interlocutor)}"', html)
        self.assertEqual(html.count("/permanence/ack/"), 1)

    def test_email_shows_the_caller_number_in_national_format(self):
        __, html = self._send_by_email()
        self.assertIn("06 12 34 56 78", html)
        self.assertNotIn("+33612345678", html)


@tagged("post_install", "-at_install")
class TestPhoneSearch(PermanenceCase):
    """Every number search accepts any format, through one ``_search`` hook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls.new_call(cls.client, caller_number_raw="+33759814263")
        cls.other_call = cls.new_call(cls.client, caller_number_raw="0611111111")
        Message = cls.env["permanence.message"]
        cls.message = Message.create(
            {
                "client_id": cls.client.id,
                "caller_name": "M. Dupont",
                "caller_phone": "+33759814263",
            }
        )
        cls.other_message = Message.create(
            {"client_id": cls.client.id, "caller_phone": "+33611111111"}
        )
        cls.caller = cls.env["res.partner"].create(
            {"name": "Jeanne Appelante", "mobile": "+33 7 59 81 42 63"}
        )

    def test_calls_by_caller_number(self):
        Call = self.env["permanence.call"]
        for typed in FORMATS:
            with self.subTest(typed=typed):
                for field in ("caller_number", "caller_number_raw"):
                    self.assertEqual(
                        Call.search([("caller_number", "ilike", typed)]), self.call
                    )
                    found = Call.search([(field, "ilike", typed)])
                    self.assertEqual(found, self.call)
                self.assertEqual(
                    Call.search([("caller_number", "=", typed)]), self.call
                )
        self.assertEqual(
            Call.search([("caller_number", "ilike", "07 59 81")]), self.call
        )
        self.assertFalse(Call.search([("caller_number", "ilike", "07 59 00 00 00")]))
        for operator in ("not ilike", "!="):
            self.assertEqual(
                Call.search(
                    [
                        ("client_id", "=", self.client.id),
                        ("caller_number", operator, "07 59 81 42 63"),
                    ]
                ),
                self.other_call,
                operator,
            )

    def test_messages_by_caller_phone(self):
        Message = self.env["permanence.message"]
        for typed in FORMATS:
            with self.subTest(typed=typed):
                self.assertEqual(
                    Message.search(
                        [
                            ("client_id", "=", self.client.id),
                            ("caller_phone", "ilike", typed),
                        ]
                    ),
                    self.message,
                )
        # The search view's caller filter, as the browser sends it.
        self.assertEqual(
            Message.search(
                [
                    "|",
                    "|",
                    ("caller_name", "ilike", "07 59 81 42 63"),
                    ("caller_company", "ilike", "07 59 81 42 63"),
                    ("caller_phone", "ilike", "07 59 81 42 63"),
                ]
            ),
            self.message,
        )

    def test_clients_and_numbers(self):
        for typed in ("01 48 00 00 01", "0148000001", "+33 1 48 00 00 01"):
            with self.subTest(typed=typed):
                self.assertEqual(
                    self.env["permanence.client"].search(
                        [("number_ids.number", "ilike", typed)]
                    ),
                    self.client,
                )
                self.assertEqual(
                    self.env["permanence.client.number"].name_search(typed)[0][0],
                    self.client.number_ids.id,
                )

    def test_contacts_and_interlocutors(self):
        Partner = self.env["res.partner"]
        for typed in FORMATS:
            with self.subTest(typed=typed):
                self.assertEqual(
                    Partner.search([("mobile", "ilike", typed)]), self.caller
                )
        for typed in ("06 01 02 03 04", "+33601020304", "0601020304"):
            with self.subTest(typed=typed):
                self.assertEqual(
                    self.env["permanence.interlocutor"].search(
                        [("client_id", "=", self.client.id), ("mobile", "ilike", typed)]
                    ),
                    self.boss_interlocutor,
                )

    def test_search_patterns(self):
        self.assertEqual(phone.search_pattern("06 98"), ("ilike", "698"))
        self.assertEqual(phone.search_pattern("+336987"), ("=like", "+336987%"))
        self.assertIsNone(phone.search_pattern("12"))
        self.assertIsNone(phone.search_pattern("Dupont"))


@tagged("post_install", "-at_install")
class TestCallerDisplay(PermanenceCase):
    """A recognised caller fills the call; numbers read in national format."""

    def test_recognised_caller_fills_name_and_company(self):
        call = self.new_call(self.client, caller_number_raw="+33601020304")
        self.assertEqual(call.partner_id, self.boss)
        self.assertEqual(call.caller_name, "Marc Plombier")
        self.assertEqual(call.caller_company, "Plomberie Test")
        self.assertEqual(call.caller_email, "marc@plomberie.example.com")
        self.assertEqual(call.caller_number_display, "06 01 02 03 04")
        self.assertEqual(call.caller_number, "+33601020304", "E.164 in the DB")
        # What the operator typed is kept.
        typed = self.new_call(
            self.client, caller_number_raw="0601020304", caller_name="Sa secrétaire"
        )
        self.assertEqual(typed.caller_name, "Sa secrétaire")
        self.assertEqual(typed.caller_company, "Plomberie Test")

    def test_numbers_in_national_format(self):
        cases = {
            "+33611223355": "06 11 22 33 55",
            "0145000001": "01 45 00 00 01",
            "+442079460958": "+44 20 7946 0958",
        }
        for raw, shown in cases.items():
            with self.subTest(raw=raw):
                call = self.new_call(self.client, caller_number_raw=raw)
                self.assertEqual(call.caller_number_display, shown)
        withheld = self.new_call(self.client, caller_number_raw="anonymous")
        self.assertEqual(withheld.caller_number_display, "Withheld number")
        message = self.env["permanence.message"].create(
            {"client_id": self.client.id, "caller_phone": "+33611223355"}
        )
        self.assertEqual(message.caller_phone_display, "06 11 22 33 55")
        self.assertEqual(phone.display("+33611223355", "BE"), "+33 6 11 22 33 55")

    def test_oncall_number_in_national_format(self):
        rota = self.env["permanence.oncall.rota"].create(
            {
                "name": "Astreinte",
                "client_id": self.client.id,
                "anchor_date": "2025-01-06",
                "handover_weekday": "0",
                "handover_hour": 8.0,
                "member_ids": [(0, 0, {"interlocutor_id": self.boss_interlocutor.id})],
            }
        )
        self.assertEqual(rota.current_number, "+33601020304")
        self.assertEqual(rota.current_number_display, "06 01 02 03 04")

    def test_sms_text_in_national_format(self):
        message = self.env["permanence.message"].create(
            {
                "client_id": self.client.id,
                "caller_phone": "+33611223355",
                "subject": "Rappel",
            }
        )
        delivery = self.env["permanence.message.delivery"].new(
            {"message_id": message.id}
        )
        self.assertIn("06 11 22 33 55", delivery._message_text())


@tagged("post_install", "-at_install")
class TestAnswersInTheReaderLanguage(PermanenceCase):
    def test_date_answer_in_the_recipient_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        reason = self.env["permanence.call.reason"].create(
            {
                "client_id": self.client.id,
                "name": "Devis",
                "question_ids": [
                    (0, 0, {"name": "Date souhaitée", "answer_type": "date"})
                ],
            }
        )
        call = self.new_call(self.client, reason_id=reason.id, caller_name="Jean")
        call.answer_ids.value_date = "2026-03-26"
        message = self.env["permanence.message"].create(
            {"client_id": self.client.id, "call_id": call.id}
        )
        french = message.with_context(lang="fr_FR").answers_html
        english = message.with_context(lang="en_US").answers_html
        self.assertIn("26/03/2026", french)
        self.assertIn("03/26/2026", english)


@tagged("post_install", "-at_install")
class TestClosingScript(PermanenceCase):
    """After *Send*, the operator sees the client's closing script."""

    def test_send_shows_the_closing_script(self):
        self.client.closing_script = "Merci de votre appel, bonne journée !"
        call = self.new_call(
            self.client, caller_number_raw="0612345678", caller_name="Jean"
        )
        action = call.with_user(self.operator).action_take_message()
        message = self.env["permanence.message"].browse(action["res_id"])
        message.body = "<p>Rappeler</p>"
        result = message.with_user(self.operator).action_send_and_close()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["message"], "Merci de votre appel, bonne journée !"
        )
        self.assertTrue(result["params"]["sticky"])
        self.assertEqual(
            result["params"]["next"], {"type": "ir.actions.act_window_close"}
        )
        self.assertEqual(call.state, "done")

    def test_information_given_shows_it_too_and_nothing_without_script(self):
        self.client.closing_script = "Au revoir."
        call = self.new_call(self.client, caller_name="Jean")
        result = call.with_user(self.operator).action_information_given()
        self.assertEqual(result["params"]["message"], "Au revoir.")
        self.client.closing_script = False
        call = self.new_call(self.client, caller_name="Jean")
        action = call.with_user(self.operator).action_take_message()
        message = self.env["permanence.message"].browse(action["res_id"])
        message.write({"body": "<p>x</p>", "caller_phone": "0612345678"})
        self.assertEqual(
            message.with_user(self.operator).action_send_and_close(),
            {"type": "ir.actions.act_window_close"},
        )
