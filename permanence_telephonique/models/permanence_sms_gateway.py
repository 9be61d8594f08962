import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import sms
from ..tools.access import MANAGER, check_rights

TIMEOUT = 10


class PermanenceSmsGateway(models.Model):
    _name = "permanence.sms.gateway"
    _description = "SMS gateway"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    provider = fields.Selection(
        selection=[
            ("generic_json", "Generic HTTP (JSON)"),
            ("generic_form", "Generic HTTP (form)"),
            ("twilio", "Twilio"),
        ],
        default="generic_json",
        required=True,
    )
    url = fields.Char(
        string="URL",
        help="Generic: the URL that receives the POST. Twilio: the API base "
        "(https://api.twilio.com by default).",
    )
    auth_type = fields.Selection(
        selection=[
            ("none", "None"),
            ("basic", "HTTP basic"),
            ("bearer", "Bearer token"),
            ("header", "API key header"),
        ],
        default="none",
        required=True,
    )
    username = fields.Char()
    account = fields.Char(string="Account SID", help="Twilio account SID.")
    password = fields.Char(
        string="Password / token",
        groups="permanence_telephonique.group_permanence_manager",
    )
    header_name = fields.Char(default="X-Api-Key")
    sender = fields.Char(help="Sender name or number shown to the recipient.")
    to_field = fields.Char(string="Number field", default="to")
    text_field = fields.Char(default="text")
    sender_field = fields.Char(default="from")
    max_length = fields.Integer(
        default=306,
        help="Longer messages are cut on a word with a link to the full "
        "message (306 characters = 2 SMS).",
    )
    test_number = fields.Char(help="Number that receives the test SMS.")
    last_test_result = fields.Text(readonly=True)

    def _config(self):
        self.ensure_one()
        gateway = self.sudo()
        return {
            "provider": gateway.provider,
            "url": gateway.url,
            "auth_type": gateway.auth_type,
            "username": gateway.username,
            "password": gateway.password,
            "header_name": gateway.header_name,
            "sender": gateway.sender,
            "to_field": gateway.to_field,
            "text_field": gateway.text_field,
            "sender_field": gateway.sender_field,
            "account": gateway.account,
        }

    def _send(self, number, text, reference):
        """Send one SMS; return ``(ok, reference, error, permanent)``.

        Never raises on a gateway problem: the caller records the attempt.
        """
        self.ensure_one()
        config = self._config()
        if not config["url"] and config["provider"] != "twilio":
            return False, "", _("The SMS gateway %s has no URL.", self.name), True
        url, kwargs = sms.build_request(config, number, text, reference)
        try:
            response = requests.post(url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            return False, "", _("Gateway unreachable: %s", error), False
        return sms.read_response(
            config["provider"], response.status_code, response.text
        )

    def action_test(self):
        self.ensure_one()
        check_rights(self, "write", MANAGER)
        if not self.test_number:
            raise UserError(_("Enter the number that receives the test SMS."))
        number = self.env["permanence.client.number"]._normalize_any(self.test_number)
        if not number:
            raise UserError(_("The test number %s is not valid.", self.test_number))
        ok, reference, error, __ = self._send(
            number, _("Test SMS from your answering service."), f"test-{self.id}"
        )
        self.last_test_result = (
            _("Sent (gateway reference: %s)", reference or "-") if ok else error
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("SMS gateway test"),
                "message": self.last_test_result,
                "type": "success" if ok else "danger",
                "sticky": not ok,
            },
        }

    @api.model
    def _for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)
