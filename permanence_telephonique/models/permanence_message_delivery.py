import json
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.tools import create_unique_index, email_normalize, html2plaintext

from ..tools import phone, routing, signing, sms

WEBHOOK_TIMEOUT = 10
CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("portal", "Client portal"),
    ("webhook", "Client webhook"),
]


class PermanenceMessageDelivery(models.Model):
    """One message to one recipient by one channel.

    The row is written in the operator's transaction and sent after it
    commits, by the delivery cron (triggered at once). A row is sent at most
    once: (message, channel, recipient) is unique and a sent row is never
    picked again; a failed try is retried with backoff, then falls back to
    the next channel, then is shown as failed with an activity.
    """

    _name = "permanence.message.delivery"
    _inherit = ["permanence.outbox.mixin"]
    _description = "Message delivery"
    _outbox_cron = "permanence_telephonique.ir_cron_permanence_delivery"
    _order = "id"

    message_id = fields.Many2one(
        comodel_name="permanence.message",
        required=True,
        ondelete="cascade",
        index=True,
    )
    client_id = fields.Many2one(related="message_id.client_id", store=True)
    company_id = fields.Many2one(
        related="message_id.company_id", store=True, index=True
    )
    interlocutor_id = fields.Many2one(
        comodel_name="permanence.interlocutor",
        string="Recipient",
        ondelete="set null",
    )
    channel = fields.Selection(selection=CHANNELS, required=True)
    destination = fields.Char(help="Email address, number or URL.")
    mail_id = fields.Many2one(
        comodel_name="mail.mail", ondelete="set null", readonly=True
    )
    attempt_ids = fields.One2many(
        comodel_name="permanence.message.attempt", inverse_name="delivery_id"
    )

    def init(self):
        res = super().init()
        create_unique_index(
            self.env.cr,
            "permanence_message_delivery_unique_idx",
            self._table,
            ["message_id", "channel", "COALESCE(interlocutor_id, 0)"],
        )
        return res

    # Planning --------------------------------------------------------------

    @api.model
    def _destination_for(self, channel, interlocutor, client):
        """Where ``channel`` reaches ``interlocutor``, or (False, reason)."""
        partner = interlocutor.partner_id
        if channel == "email":
            email = email_normalize(partner.email or "")
            if not email:
                return False, _("%s has no valid email address.", partner.name)
            return email, ""
        if channel == "sms":
            number = partner.mobile_e164 or partner.phone_e164
            if not number:
                return False, _("%s has no mobile number.", partner.name)
            if not phone.is_mobile(number):
                return False, _(
                    "%(name)s's number %(number)s is not a mobile: it cannot "
                    "receive SMS.",
                    name=partner.name,
                    number=number,
                )
            return number, ""
        if channel == "portal":
            if not partner.user_ids.filtered("share"):
                return False, _("%s has no portal access.", partner.name)
            return partner.email or partner.name, ""
        return False, _("Unknown channel %s", channel)

    @api.model
    def _plan(self, message, interlocutors, channel_of):
        """Create the deliveries of ``message`` to ``interlocutors``;
        ``channel_of(interlocutor)`` gives each one's channel. A recipient
        that the channel cannot reach gets the fallback channel at once."""
        existing = {(d.channel, d.interlocutor_id.id) for d in message.delivery_ids}
        vals_list, notes = [], []
        for interlocutor in interlocutors:
            channel = channel_of(interlocutor)
            destination, reason = self._destination_for(
                channel, interlocutor, message.client_id
            )
            if not destination:
                notes.append(reason)
                channel = routing.FALLBACK.get(channel)
                destination, reason = (
                    self._destination_for(channel, interlocutor, message.client_id)
                    if channel
                    else (False, "")
                )
                if not destination:
                    notes.append(reason)
                    continue
            if (channel, interlocutor.id) in existing:
                continue
            existing.add((channel, interlocutor.id))
            vals_list.append(
                {
                    "message_id": message.id,
                    "interlocutor_id": interlocutor.id,
                    "channel": channel,
                    "destination": destination,
                }
            )
        client = message.client_id.sudo()
        if client.webhook_url and ("webhook", False) not in existing:
            vals_list.append(
                {
                    "message_id": message.id,
                    "channel": "webhook",
                    "destination": client.webhook_url,
                }
            )
        return self.sudo().create(vals_list), notes

    # Sending ---------------------------------------------------------------

    def _send_now(self):
        return getattr(self, f"_send_{self.channel}")()

    def _record_attempt(self, ok, reference, error):
        self.env["permanence.message.attempt"].sudo().create(
            {
                "delivery_id": self.id,
                "ok": ok,
                "reference": reference,
                "error": error,
            }
        )

    def _on_failed(self):
        """Fall back to the next channel; without one, tell a person."""
        message = self.message_id
        fallback = routing.FALLBACK.get(self.channel)
        planned = self.browse()
        if fallback and self.interlocutor_id:
            planned, __ = self._plan(
                message, self.interlocutor_id, lambda interlocutor: fallback
            )
        message.message_post(
            body=_(
                "Sending by %(channel)s to %(to)s failed: %(error)s",
                channel=dict(CHANNELS)[self.channel],
                to=self.destination or "-",
                error=self.last_error,
            )
            + (_(" Falling back to %s.", dict(CHANNELS)[fallback]) if planned else "")
        )
        if planned:
            self._trigger()
            return
        message._mark_failed(self)

    def _message_text(self):
        message = self.message_id
        client = message.client_id
        parts = [
            f"[{client.name}]",
            message.subject or "",
            message.caller_phone or message.caller_email or "",
            html2plaintext(message.body or ""),
        ]
        return " ".join(part for part in parts if part)

    def _send_email(self):
        mail = self.mail_id
        if not mail:
            template = self.message_id._mail_template()
            mail_id = template.send_mail(
                self.message_id.id,
                email_values={
                    "recipient_ids": [(4, self.interlocutor_id.partner_id.id)],
                    "model": "permanence.message",
                    "res_id": self.message_id.id,
                },
            )
            mail = self.env["mail.mail"].sudo().browse(mail_id)
            self.mail_id = mail
        elif mail.state == "exception":
            mail.mark_outgoing()
        if mail.state == "outgoing":
            mail.send(raise_exception=False)
        if mail.state in ("sent", "received"):
            return True, mail.message_id or "", "", False
        return False, "", mail.failure_reason or _("Email not sent"), False

    def _send_sms(self):
        client = self.message_id.client_id.sudo()
        gateway = client.sms_gateway_id or self.env[
            "permanence.sms.gateway"
        ].sudo()._for_company(client.company_id)
        if not gateway:
            return False, "", _("No SMS gateway is configured."), True
        link = self.message_id._ack_url(self.interlocutor_id)
        text = sms.shorten(self._message_text(), gateway.max_length or 306, link)
        return gateway._send(self.destination, text, self.reference)

    def _send_portal(self):
        message = self.message_id
        message.message_notify(
            partner_ids=self.interlocutor_id.partner_id.ids,
            subject=message.mail_subject,
            body=_("A new message is waiting for you in your client portal."),
            email_layout_xmlid="mail.mail_notification_light",
        )
        return True, "", "", False

    def _send_webhook(self):
        message = self.message_id
        client = message.client_id.sudo()
        body = json.dumps(
            message._webhook_payload(), ensure_ascii=False, sort_keys=True
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Permanence-Event": "message",
            "X-Permanence-Delivery": self.reference,
            "X-Permanence-Signature": signing.sign(client.webhook_secret or "", body),
        }
        try:
            response = requests.post(
                self.destination, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT
            )
        except requests.RequestException as error:
            return False, "", _("Webhook unreachable: %s", error), False
        if 200 <= response.status_code < 300:
            return True, response.headers.get("X-Request-Id", ""), "", False
        return False, "", f"HTTP {response.status_code}: {response.text[:300]}", False

    @api.autovacuum
    def _gc_attempts(self):
        """Attempts of deliveries sent more than a year ago are history."""
        limit = fields.Datetime.now() - timedelta(days=365)
        self.env["permanence.message.attempt"].sudo().search(
            [("delivery_id.state", "=", "sent"), ("date", "<", limit)]
        ).unlink()
