from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PermanenceCase


@tagged("post_install", "-at_install")
class TestMessage(PermanenceCase):
    def _message(self, **vals):
        values = {
            "client_id": self.client.id,
            "recipient_ids": [(6, 0, self.boss_interlocutor.ids)],
            "caller_name": "M. Dupont",
            "caller_phone": "+33612345678",
            "body": "<p>Merci de rappeler pour le devis de la salle de bains.</p>",
        }
        values.update(vals)
        return self.env["permanence.message"].create(values)

    def test_default_subject_follows_the_caller(self):
        message = self._message()
        self.assertEqual(message.subject, "Message from M. Dupont")
        message.callback_requested = True
        self.assertEqual(message.subject, "Message from M. Dupont — callback requested")
        message.subject = "Devis salle de bains"
        message.caller_name = "Mme Durand"
        self.assertEqual(message.subject, "Devis salle de bains")
        self.assertEqual(message.mail_subject, "[Plomberie Test] Devis salle de bains")

    def test_cannot_send_without_what_is_needed(self):
        cases = [
            ({"recipient_ids": [(5, 0, 0)]}, "a recipient"),
            (
                {"caller_phone": False, "caller_email": False},
                "phone number or an email",
            ),
        ]
        for vals, reason in cases:
            with self.subTest(reason=reason):
                message = self._message(**vals)
                with self.assertRaisesRegex(UserError, reason):
                    message.action_send()
                self.assertEqual(message.state, "draft")
        message = self._message()
        message.subject = " "
        with self.assertRaisesRegex(UserError, "a subject"):
            message.action_send()
        # All that is missing is said at once.
        message = self._message(recipient_ids=[(5, 0, 0)], caller_phone=False)
        with self.assertRaisesRegex(UserError, "a recipient, .*reach the caller"):
            message.action_send()

    def test_email_to_each_recipient(self):
        second = self.env["permanence.interlocutor"].create(
            {"client_id": self.client.id, "partner_id": self.doctor.id}
        )
        message = self._message(
            recipient_ids=[(6, 0, (self.boss_interlocutor | second).ids)],
            urgency="urgent",
            callback_requested=True,
            caller_company="Dupont SARL",
        )
        message.action_send()
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.date_sent)
        self.env["permanence.message.delivery"]._process_due()
        mails = self.env["mail.mail"].search(
            [("model", "=", "permanence.message"), ("res_id", "=", message.id)]
        )
        self.assertEqual(len(mails), 2)
        self.assertEqual(
            mails.recipient_ids, self.boss | self.doctor, "one email per recipient"
        )
        for mail in mails:
            self.assertEqual(len(mail.recipient_ids), 1)
            self.assertEqual(
                mail.subject,
                "[Plomberie Test] Message from M. Dupont — callback requested",
            )
            self.assertIn("Dupont SARL", mail.body_html)
            self.assertIn("06 12 34 56 78", mail.body_html, "national format")
            self.assertIn("devis de la salle de bains", mail.body_html)
            self.assertIn("Urgent", mail.body_html)
        # Sending again does not send twice.
        message.action_send()
        self.env["permanence.message.delivery"]._process_due()
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "permanence.message"), ("res_id", "=", message.id)]
            ),
            2,
        )

    def test_french_client_gets_french_email(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["permanence_telephonique"], ["fr_FR"], overwrite=True
        )
        self.client.lang = "fr_FR"
        message = self._message(callback_requested=True)
        self.assertEqual(message.subject, "Message de M. Dupont — rappel souhaité")
        message.action_send()
        self.env["permanence.message.delivery"]._process_due()
        mail = self.env["mail.mail"].search(
            [("model", "=", "permanence.message"), ("res_id", "=", message.id)]
        )
        self.assertEqual(
            mail.subject, "[Plomberie Test] Message de M. Dupont — rappel souhaité"
        )
        self.assertIn("Appelant", mail.body_html)

    def test_acknowledge_and_done(self):
        message = self._message()
        message.action_acknowledge()
        self.assertEqual(message.state, "draft", "a draft cannot be acknowledged")
        message.action_send()
        message.action_acknowledge(by="Marc Plombier")
        self.assertEqual(message.state, "acknowledged")
        self.assertEqual(message.acknowledged_by, "Marc Plombier")
        self.assertTrue(message.date_acknowledged)
        message.action_done()
        self.assertEqual(message.state, "done")
        self.assertTrue(message.date_done)

    def test_no_message_for_suspended_account(self):
        self.client.state = "suspended"
        message = self._message()
        with self.assertRaisesRegex(UserError, "test or active"):
            message.action_send()
