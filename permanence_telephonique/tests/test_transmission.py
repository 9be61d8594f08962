import json
from datetime import timedelta
from email import message_from_bytes, policy

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import routing, signing, sms
from .common import PermanenceCase
from .servers import RecordingHttpServer, RecordingSmtpServer, real_smtp


class TransmissionCase(PermanenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Delivery = cls.env["permanence.message.delivery"]
        # Messages leave whatever the hour unless a test says otherwise.
        cls.client.write({"quiet_hours_start": 0.0, "quiet_hours_end": 0.0})
        cls.boss_interlocutor.write(
            {"message_channel": "email", "urgent_channel": "sms"}
        )

    def _message(self, **vals):
        values = {
            "client_id": self.client.id,
            "recipient_ids": [(6, 0, self.boss_interlocutor.ids)],
            "caller_name": "M. Dupont",
            "caller_phone": "+33612345678",
            "subject": "Fuite sous l'évier",
            "body": "<p>Merci de rappeler au plus vite.</p>",
        }
        values.update(vals)
        return self.env["permanence.message"].create(values)

    def _gateway(self, url, **vals):
        return self.env["permanence.sms.gateway"].create(
            dict(
                {
                    "name": "Passerelle locale",
                    "provider": "generic_json",
                    "url": url,
                    "sender": "PERMANENCE",
                    "auth_type": "bearer",
                    "password": "s3cret",
                },
                **vals,
            )
        )

    def _make_due(self, deliveries):
        deliveries.write(
            {"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)}
        )


@tagged("post_install", "-at_install")
class TestTransmission(TransmissionCase):
    def test_email_reaches_a_real_smtp_server_after_validation(self):
        with RecordingSmtpServer() as smtp, real_smtp():
            self.env["ir.mail_server"].create(
                {
                    "name": "SMTP local",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": smtp.port,
                    "smtp_encryption": "none",
                }
            )
            message = self._message()
            message.action_send()
            # Nothing left inside the operator's transaction.
            self.assertEqual(smtp.envelopes, [])
            delivery = message.delivery_ids
            self.assertEqual(
                (delivery.channel, delivery.state, delivery.destination),
                ("email", "pending", "marc@plomberie.example.com"),
            )
            self.assertEqual(self.Delivery._process_due(), 1)
            self.assertEqual(len(smtp.envelopes), 1)
            envelope = smtp.envelopes[0]
            self.assertEqual(envelope.rcpt_tos, ["marc@plomberie.example.com"])
            mail = message_from_bytes(envelope.content, policy=policy.default)
            self.assertEqual(mail["Subject"], "[Plomberie Test] Fuite sous l'évier")
            self.assertIn("Merci de rappeler", mail.get_body(("html",)).get_content())
            self.assertEqual(delivery.state, "sent")
            self.assertEqual(delivery.attempt_ids.ok, True)
            self.assertEqual(message.delivery_summary, "1 of 1 delivered")
            # Processing again sends nothing more.
            self.assertEqual(self.Delivery._process_due(), 0)
            self.assertEqual(len(smtp.envelopes), 1)

    def test_smtp_down_retries_then_sends_once(self):
        with RecordingSmtpServer() as smtp, real_smtp():
            server = self.env["ir.mail_server"].create(
                {
                    "name": "SMTP local",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": 1,  # nothing listens there
                    "smtp_encryption": "none",
                }
            )
            message = self._message()
            message.action_send()
            with mute_logger("odoo.addons.mail.models.mail_mail"):
                self.Delivery._process_due()
            delivery = message.delivery_ids
            self.assertEqual((delivery.state, delivery.attempt_count), ("pending", 1))
            self.assertTrue(delivery.last_error)
            self.assertGreater(delivery.next_attempt_at, fields.Datetime.now())
            server.smtp_port = smtp.port
            self._make_due(delivery)
            self.Delivery._process_due()
            self.assertEqual(delivery.state, "sent")
            self.assertEqual(len(smtp.envelopes), 1)
            self.assertEqual(len(delivery.attempt_ids), 2)

    def test_sms_through_generic_gateway(self):
        with RecordingHttpServer([(200, {"id": "sms-42"})]) as gateway_server:
            self._gateway(gateway_server.url + "/send")
            message = self._message(
                urgency="urgent", body="<p>" + "Fuite " * 80 + "</p>"
            )
            message.action_send()
            self.assertEqual(message.delivery_ids.channel, "sms")
            self.assertEqual(gateway_server.requests, [])
            self.Delivery._process_due()
            self.assertEqual(len(gateway_server.requests), 1)
            request = gateway_server.requests[0]
            payload = json.loads(request["body"])
            self.assertEqual(payload["to"], "+33601020304")
            self.assertEqual(payload["from"], "PERMANENCE")
            self.assertTrue(payload["text"].startswith("[Plomberie Test] Fuite sous"))
            self.assertLessEqual(len(payload["text"]), 306)
            self.assertEqual(sms.segments(payload["text"]), 2, "GSM-7, 2 SMS")
            self.assertIn("/permanence/ack/", payload["text"], "cut with a link")
            self.assertEqual(request["headers"]["Authorization"], "Bearer s3cret")
            delivery = message.delivery_ids
            self.assertEqual(delivery.gateway_reference, "sms-42")
            self.assertEqual(
                request["headers"]["X-Permanence-Reference"], delivery.reference
            )

    def test_twilio_request(self):
        with RecordingHttpServer([(201, {"sid": "SM123"})]) as twilio:
            self._gateway(twilio.url, provider="twilio", account="AC42", password="tok")
            message = self._message(urgency="urgent")
            message.action_send()
            self.Delivery._process_due()
            request = twilio.requests[0]
            self.assertEqual(request["path"], "/2010-04-01/Accounts/AC42/Messages.json")
            self.assertIn(b"To=%2B33601020304", request["body"])
            self.assertTrue(request["headers"]["Authorization"].startswith("Basic "))
            self.assertEqual(message.delivery_ids.gateway_reference, "SM123")

    def test_gateway_error_retries_without_sending_twice(self):
        with RecordingHttpServer([(503, {"error": "busy"}), (200, {"id": "x"})]) as srv:
            self._gateway(srv.url)
            message = self._message(urgency="urgent")
            message.action_send()
            self.Delivery._process_due()
            delivery = message.delivery_ids
            self.assertEqual((delivery.state, delivery.attempt_count), ("pending", 1))
            self.assertIn("503", delivery.last_error)
            # Not due yet: nothing is sent.
            self.assertEqual(self.Delivery._process_due(), 0)
            self._make_due(delivery)
            self.Delivery._process_due()
            self.assertEqual(delivery.state, "sent")
            self._make_due(delivery)
            self.assertEqual(self.Delivery._process_due(), 0)
            self.assertEqual(len(srv.requests), 2)
            self.assertEqual(
                [a.ok for a in delivery.attempt_ids.sorted("id")], [False, True]
            )
            # Sending the message again plans nothing new.
            message.action_send()
            self.assertEqual(len(message.delivery_ids), 1)

    def test_refused_sms_falls_back_to_email(self):
        with RecordingHttpServer([(400, {"message": "not a mobile"})]) as srv:
            self._gateway(srv.url)
            message = self._message(urgency="urgent")
            message.action_send()
            self.Delivery._process_due()
            sms_delivery = message.delivery_ids.filtered(lambda d: d.channel == "sms")
            self.assertEqual(sms_delivery.state, "failed")
            self.assertIn("not a mobile", sms_delivery.last_error)
            email = message.delivery_ids.filtered(lambda d: d.channel == "email")
            self.assertEqual(email.state, "sent")
            self.assertEqual(len(srv.requests), 1)
            self.assertIn(
                "Falling back to Email", " ".join(message.message_ids.mapped("body"))
            )
            self.assertEqual(message.state, "sent")

    def test_bounced_email_falls_back_to_sms(self):
        with RecordingHttpServer([(200, {"id": "sms-1"})]) as srv:
            self._gateway(srv.url)
            message = self._message()
            message.action_send()
            self.Delivery._process_due()
            email = message.delivery_ids
            self.assertEqual(email.state, "sent")
            # What Odoo's mail gateway calls when the bounce comes back.
            message._message_receive_bounce("Marc@Plomberie.example.com", self.boss)
            self.assertEqual(email.state, "failed")
            self.assertIn("Bounced", email.last_error)
            self.Delivery._process_due()
            sms_delivery = message.delivery_ids - email
            self.assertEqual(
                (sms_delivery.channel, sms_delivery.state), ("sms", "sent")
            )
            self.assertEqual(len(srv.requests), 1)

    def test_landline_gets_email_and_a_note(self):
        self.boss.write({"mobile": False, "phone": "01 48 00 99 99"})
        message = self._message(urgency="urgent")
        message.action_send()
        self.assertEqual(message.delivery_ids.channel, "email")
        self.assertIn("not a mobile", message.message_ids[0].body)

    def test_unreachable_recipient_is_refused(self):
        self.boss.write({"email": False, "mobile": False})
        message = self._message()
        with self.assertRaisesRegex(UserError, "none of its recipients"):
            message.action_send()
        self.assertEqual(message.state, "draft")

    def test_everything_fails_someone_is_told(self):
        self.boss.write({"email": "not-an-email"})
        self.client.user_id = self.supervisor
        with RecordingHttpServer([(500, {"error": "down"})]) as srv:
            self._gateway(srv.url)
            message = self._message(urgency="urgent")
            message.action_send()
            delivery = message.delivery_ids
            for __ in range(routing.MAX_ATTEMPTS):
                self._make_due(delivery)
                self.Delivery._process_due()
            self.assertEqual(delivery.state, "failed")
            self.assertEqual(len(srv.requests), routing.MAX_ATTEMPTS)
            self.assertEqual(message.state, "failed")
            activity = message.activity_ids
            self.assertEqual(activity.user_id, self.supervisor)
            self.assertIn("not delivered", activity.summary)

    def test_quiet_hours_no_sms_except_critical(self):
        self.client.write({"quiet_hours_start": 0.0, "quiet_hours_end": 23.99})
        message = self._message(urgency="urgent")
        message.action_send()
        self.assertEqual(message.delivery_ids.channel, "email")
        message = self._message(urgency="critical")
        message.action_send()
        self.assertEqual(message.delivery_ids.channel, "sms")

    def test_client_webhook_signed_and_documented_payload(self):
        with RecordingHttpServer([(500, {}), (204, {})]) as receiver:
            self.client.write(
                {"webhook_url": receiver.url + "/hook", "webhook_secret": "topsecret"}
            )
            call = self.new_call(self.client, caller_number_raw="0612345678")
            message = self._message(call_id=call.id)
            message.action_send()
            webhook = message.delivery_ids.filtered(lambda d: d.channel == "webhook")
            self.assertEqual(receiver.requests, [], "the operator never waits for it")
            self.Delivery._process_due()
            self.assertEqual(webhook.state, "pending", "a 500 is retried")
            self._make_due(webhook)
            self.Delivery._process_due()
            self.assertEqual(webhook.state, "sent")
            self.assertEqual(len(receiver.requests), 2)
            request = receiver.requests[-1]
            self.assertTrue(
                signing.verify(
                    "topsecret",
                    request["body"],
                    request["headers"]["X-Permanence-Signature"],
                )
            )
            self.assertFalse(
                signing.verify(
                    "wrong",
                    request["body"],
                    request["headers"]["X-Permanence-Signature"],
                )
            )
            payload = json.loads(request["body"])
            self.assertEqual(payload["event"], "message")
            self.assertEqual(payload["client"]["code"], "PLOMB")
            self.assertEqual(payload["subject"], "Fuite sous l'évier")
            self.assertEqual(payload["caller"]["phone"], "+33612345678")
            self.assertEqual(payload["call"]["reference"], call.name)
            self.assertEqual(
                request["headers"]["X-Permanence-Delivery"], webhook.reference
            )

    def test_sms_outbox_after_commit_retried_and_reported(self):
        Outbox = self.env["permanence.sms.outbox"]
        call = self.new_call(self.client, caller_name="Jean")
        self.assertFalse(Outbox._queue("+33612345678", "Bonjour", record=call))
        with RecordingHttpServer([(503, {}), (200, {"id": "o-1"})]) as srv:
            self._gateway(srv.url)
            outbox = Outbox._queue("+33612345678", "Rendez-vous confirmé", record=call)
            self.assertEqual(srv.requests, [])
            Outbox._process_due()
            self.assertEqual((outbox.state, outbox.attempt_count), ("pending", 1))
            self._make_due(outbox)
            Outbox._process_due()
            self.assertEqual(outbox.state, "sent")
            self._make_due(outbox)
            self.assertEqual(Outbox._process_due(), 0)
            self.assertEqual(len(srv.requests), 2)
            self.assertEqual(
                {r["headers"]["X-Permanence-Reference"] for r in srv.requests},
                {outbox.reference},
            )
        with RecordingHttpServer([(400, {"error": "invalid number"})]) as srv:
            self.env["permanence.sms.gateway"].search([]).url = srv.url
            outbox = Outbox._queue("+33612345678", "Bonjour", record=call)
            Outbox._process_due()
            self.assertEqual(outbox.state, "failed")
            self.assertIn("could not be sent", call.message_ids[0].body)

    def test_gateway_test_button(self):
        with RecordingHttpServer([(200, {"id": "t-1"})]) as srv:
            gateway = self._gateway(srv.url, test_number="06 11 22 33 44")
            action = gateway.action_test()
            self.assertEqual(action["params"]["type"], "success")
            self.assertIn("t-1", gateway.last_test_result)
            self.assertEqual(json.loads(srv.requests[0]["body"])["to"], "+33611223344")
        with RecordingHttpServer([(401, {"error": "bad key"})]) as srv:
            gateway.url = srv.url
            action = gateway.action_test()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertIn("bad key", gateway.last_test_result)

    def test_escalation_until_someone_acknowledges(self):
        second_partner = self.env["res.partner"].create(
            {"name": "Julien Technicien", "email": "julien@plomberie.example.com"}
        )
        second = self.env["permanence.interlocutor"].create(
            {
                "client_id": self.client.id,
                "partner_id": second_partner.id,
                "sequence": 20,
                "urgent_channel": "email",
            }
        )
        self.client.user_id = self.supervisor
        self.boss_interlocutor.urgent_channel = "email"
        message = self._message(urgency="critical")
        before = fields.Datetime.now()
        message.action_send()
        self.assertGreaterEqual(
            message.escalation_due_at, before + timedelta(minutes=10)
        )
        # Not due: nothing happens.
        self.assertEqual(self.env["permanence.message"]._cron_escalate(), 0)
        # Step 1: the next channel for the same recipient.
        message.escalation_due_at = before
        self.env["permanence.message"]._cron_escalate()
        self.assertEqual(message.escalation_level, 1)
        self.assertEqual(set(message.delivery_ids.mapped("channel")), {"email", "sms"})
        # Step 2: the next interlocutor in the client's order.
        message.escalation_due_at = before
        self.env["permanence.message"]._cron_escalate()
        self.assertIn(second, message.recipient_ids)
        self.assertIn(second, message.delivery_ids.interlocutor_id)
        # Step 3: the supervisor.
        message.escalation_due_at = before
        self.env["permanence.message"]._cron_escalate()
        self.assertEqual(message.activity_ids.user_id, self.supervisor)
        self.assertFalse(message.escalation_due_at)
        bodies = " ".join(message.message_ids.mapped("body"))
        self.assertIn("another channel", bodies)
        self.assertIn("Julien Technicien", bodies)

    def test_acknowledgement_stops_escalation_and_normal_does_not_escalate(self):
        message = self._message(urgency="urgent")
        message.action_send()
        self.assertTrue(message.escalation_due_at)
        message.action_acknowledge(by="Marc")
        self.assertFalse(message.escalation_due_at)
        normal = self._message()
        normal.action_send()
        self.assertFalse(normal.escalation_due_at)

    def test_daily_digest(self):
        self.client.daily_digest = True
        self.new_call(self.client, caller_name="Mme Lenoir")
        self._message().action_send()
        self.medical.daily_digest = True  # nothing today: no email
        self.env["permanence.client"]._cron_send_digest()
        # (the demo clients' own mails are not this test's)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "permanence.client"),
                ("res_id", "in", (self.client | self.medical).ids),
            ]
        )
        self.assertEqual(mails.mapped("res_id"), [self.client.id])
        self.assertIn("Mme Lenoir", mails.body_html)
        self.assertIn("Fuite sous", mails.body_html)
        self.assertIn(self.boss, mails.recipient_ids)


@tagged("post_install", "-at_install")
class TestAcknowledgeLink(HttpCase, TransmissionCase):
    def test_one_click_acknowledgement_without_login(self):
        message = self._message()
        message.action_send()
        url = message._ack_url(self.boss_interlocutor)
        path = url[url.index("/permanence/ack/") :]
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("permanence_ack_form", page.text)
        self.assertEqual(
            message.state, "sent", "opening the page alone changes nothing"
        )
        # The page posts its form by itself: do what the browser does.
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(path, data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(message.state, "acknowledged")
        self.assertEqual(message.acknowledged_by, "Marc Plombier")
        first = message.date_acknowledged
        # Twice is the same as once.
        self.url_open(path, data={"csrf_token": csrf})
        self.assertEqual(message.date_acknowledged, first)
        self.assertIn("acknowledged", self.url_open(path).text)

    def test_forged_or_foreign_token_is_refused(self):
        message = self._message()
        message.action_send()
        other = self._message()
        other.action_send()
        good = message._ack_token(self.boss_interlocutor)
        url = message._ack_url(self.boss_interlocutor)
        page = self.url_open(url[url.index("/permanence/ack/") :])
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        for path in (
            f"/permanence/ack/{message.id}/{self.boss_interlocutor.id}/{'0' * 64}",
            f"/permanence/ack/{other.id}/{self.boss_interlocutor.id}/{good}",
            f"/permanence/ack/{message.id}/{self.doctor_interlocutor.id}/{good}",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path).status_code, 404)
                response = self.url_open(path, data={"csrf_token": csrf})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(message.state, "sent")
        self.assertEqual(other.state, "sent")
