from odoo import _, api, fields, models

from ..tools import sms


class PermanenceSmsOutbox(models.Model):
    """An SMS that is not a client message (an appointment confirmation to a
    caller, say): sent after commit through the company's gateway, retried,
    at least once, with an idempotency key, and a failure noted on the record
    it is about."""

    _name = "permanence.sms.outbox"
    _inherit = ["permanence.outbox.mixin"]
    _description = "SMS to send"
    _outbox_cron = "permanence_telephonique.ir_cron_permanence_sms_outbox"
    _order = "id desc"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    gateway_id = fields.Many2one(
        comodel_name="permanence.sms.gateway",
        string="SMS gateway",
        help="Empty: the company's first gateway.",
    )
    number = fields.Char(required=True, help="In E.164.")
    body = fields.Text(required=True)
    res_model = fields.Char(string="About model", readonly=True)
    res_id = fields.Many2oneReference(
        string="About record", model_field="res_model", readonly=True
    )

    @api.model
    def _queue(self, number, body, record=None, gateway=None):
        """Queue one SMS about ``record`` and wake the cron; returns it, or
        an empty recordset when no gateway could send it."""
        company = record.company_id if record and "company_id" in record else None
        company = company or self.env.company
        gateway = gateway or self.env["permanence.sms.gateway"].sudo()._for_company(
            company
        )
        if not gateway or not number:
            return self.browse()
        outbox = self.sudo().create(
            {
                "company_id": company.id,
                "gateway_id": gateway.id,
                "number": number,
                "body": sms.shorten(body, gateway.max_length or 306),
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
            }
        )
        self._trigger()
        return outbox

    def _send_now(self):
        gateway = self.gateway_id or self.env[
            "permanence.sms.gateway"
        ].sudo()._for_company(self.company_id)
        if not gateway:
            return False, "", _("No SMS gateway is configured."), True
        return gateway._send(self.number, self.body, self.reference)

    def _on_failed(self):
        if not self.res_model or self.res_model not in self.env:
            return
        record = self.env[self.res_model].sudo().browse(self.res_id).exists()
        if record and hasattr(record, "message_post"):
            record.message_post(
                body=_(
                    "The SMS to %(number)s could not be sent: %(error)s",
                    number=self.number,
                    error=self.last_error,
                )
            )
