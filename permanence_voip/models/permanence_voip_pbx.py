import secrets

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import ari, cdr, lookup

PROVIDERS = [
    ("generic", "Generic (URL template)"),
    ("asterisk_ari", "Asterisk ARI"),
]
WEBHOOK_PATH = "/permanence/voip/event"


def _new_secret():
    return secrets.token_hex(32)


class PermanenceVoipPbx(models.Model):
    _name = "permanence.voip.pbx"
    _description = "Telephony platform (PBX)"
    _order = "company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        help="Identifies the PBX in its events: the `pbx` field of the webhook body.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
        help="Calls received through this PBX belong to this company.",
    )
    country_id = fields.Many2one(
        comodel_name="res.country",
        string="Default country",
        required=True,
        default=lambda self: self.env.company.country_id or self.env.ref("base.fr"),
        ondelete="restrict",
        help="Country used to read national numbers (06 12 34 56 78) sent by the PBX.",
    )
    tz = fields.Selection(
        selection="_get_tz_selection",
        string="Time zone",
        default="Europe/Paris",
        required=True,
        help="Time zone of the times without offset in imported call records.",
    )
    secret = fields.Char(
        groups="permanence_telephonique.group_permanence_manager",
        copy=False,
        default=lambda self: _new_secret(),
        help="Shared secret the PBX signs its events with (HMAC-SHA256).",
    )
    provider = fields.Selection(selection=PROVIDERS, default="generic", required=True)
    timeout = fields.Integer(
        string="Timeout (s)",
        default=5,
        help="How long to wait for the PBX before telling the operator it "
        "does not answer.",
    )
    # Asterisk ARI
    ari_url = fields.Char(string="ARI URL", help="e.g. http://pbx.example.com:8088/ari")
    ari_user = fields.Char(string="ARI user")
    ari_password = fields.Char(
        string="ARI password",
        groups="permanence_telephonique.group_permanence_manager",
        copy=False,
    )
    ari_context = fields.Char(
        string="Dialplan context",
        default="from-internal",
        help="Context in which dialled numbers and extensions are reached.",
    )
    ari_operator_endpoint = fields.Char(
        string="Operator endpoint",
        default="PJSIP/{extension}",
        help="Channel that rings the operator's phone; {extension} is the "
        "operator's PBX extension.",
    )
    ari_external_endpoint = fields.Char(
        string="External endpoint",
        default="Local/{number}@from-internal",
        help="Channel that rings an outside number; {number} is in E.164.",
    )
    # Generic provider
    http_method = fields.Selection(
        selection=[("POST", "POST"), ("GET", "GET")],
        string="HTTP method",
        default="POST",
        required=True,
    )
    dial_url_template = fields.Char(
        string="Click-to-dial URL",
        help="Called to dial a number, e.g. "
        "https://pbx.example.com/api/dial?from={extension}&to={number}",
    )
    transfer_url_template = fields.Char(
        string="Transfer URL",
        help="Called for an announced transfer, e.g. https://pbx.example.com/api/"
        "transfer?call={call_id}&to={number}&step={step}&from={extension}; "
        "step is announce, accept or refuse.",
    )
    pickup_url_template = fields.Char(
        string="Pick-up URL",
        help="Called when an operator takes a ringing call from the queue, "
        "to put it through to the operator's phone, e.g. https://pbx.example."
        "com/api/pickup?call={call_id}&extension={extension}. Empty: the "
        "operator picks the call up on the phone.",
    )
    # CDR import: the column of the CSV holding each value
    cdr_delimiter = fields.Char(string="CSV delimiter", default=",", size=1)
    cdr_column_call_id = fields.Char(
        string="Call id column", default=cdr.DEFAULT_MAPPING["call_id"]
    )
    cdr_column_from = fields.Char(
        string="Caller column", default=cdr.DEFAULT_MAPPING["from"]
    )
    cdr_column_to = fields.Char(
        string="Called number column", default=cdr.DEFAULT_MAPPING["to"]
    )
    cdr_column_start = fields.Char(
        string="Start column", default=cdr.DEFAULT_MAPPING["start"]
    )
    cdr_column_answer = fields.Char(
        string="Answer column", default=cdr.DEFAULT_MAPPING["answer"]
    )
    cdr_column_end = fields.Char(
        string="End column", default=cdr.DEFAULT_MAPPING["end"]
    )
    webhook_url = fields.Char(string="Events URL", compute="_compute_webhook_url")
    event_ids = fields.One2many(
        comodel_name="permanence.voip.event", inverse_name="pbx_id", string="Events"
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "The PBX code must be unique per company.",
        ),
    ]

    @api.model
    def _get_tz_selection(self):
        return [(tz, tz) for tz in pytz.common_timezones]

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for pbx in self:
            pbx.webhook_url = base.rstrip("/") + WEBHOOK_PATH

    def action_regenerate_secret(self):
        for pbx in self:
            pbx.secret = _new_secret()
        return True

    # Numbers ---------------------------------------------------------------

    def _e164(self, raw):
        """``raw`` in E.164, read with the PBX's country, or False."""
        self.ensure_one()
        return lookup.normalize(raw, self.country_id.code, self.country_id.phone_code)

    def _find_client_number(self, e164):
        """The active client number (DID) ``e164`` in the PBX's company."""
        self.ensure_one()
        if not e164:
            return self.env["permanence.client.number"]
        return self.env["permanence.client.number"].search(
            [
                ("number", "=", e164),
                ("company_id", "=", self.company_id.id),
                ("active", "=", True),
            ],
            limit=1,
        )

    def _cdr_mapping(self):
        self.ensure_one()
        return {
            "call_id": self.cdr_column_call_id,
            "from": self.cdr_column_from,
            "to": self.cdr_column_to,
            "start": self.cdr_column_start,
            "answer": self.cdr_column_answer,
            "end": self.cdr_column_end,
        }

    # Outgoing requests -----------------------------------------------------

    def _ari(self):
        self.ensure_one()
        pbx = self.sudo()
        return ari.AriClient(
            pbx.ari_url, pbx.ari_user, pbx.ari_password, timeout=pbx.timeout or 5
        )

    @api.model
    def _for_company(self, company):
        pbx = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not pbx:
            raise UserError(
                _("No telephony platform is set up for %s.", company.display_name)
            )
        return pbx

    def _raise(self, error):
        raise UserError(
            _(
                "The telephony platform %(pbx)s did not do it: %(reason)s. "
                "Nothing was changed; try again or dial by hand.",
                pbx=self.name,
                reason=error,
            )
        ) from error

    @staticmethod
    def _extension_of(user):
        extension = user.sudo().permanence_extension
        if not extension:
            raise UserError(
                user.env._(
                    "%s has no PBX extension: set it in the user's preferences.",
                    user.name,
                )
            )
        return extension

    def _dial(self, number, user):
        """Ring ``user``'s phone, then dial ``number`` (E.164)."""
        self.ensure_one()
        extension = self._extension_of(user)
        try:
            if self.provider == "asterisk_ari":
                self._ari().originate(
                    endpoint=(self.ari_operator_endpoint or "").format(
                        extension=extension
                    ),
                    extension=number,
                    context=self.ari_context,
                    caller_id=number,
                )
            else:
                ari.call_template(
                    self.dial_url_template,
                    {"extension": extension, "number": number},
                    method=self.http_method,
                    timeout=self.timeout or 5,
                )
        except ari.PbxError as error:
            self._raise(error)
        return True

    def _transfer(self, step, call, number=None, user=None, consult_id=None):
        """One step of an announced transfer of ``call``; returns the
        interlocutor's channel id on ``announce`` (ARI)."""
        self.ensure_one()
        try:
            if self.provider == "asterisk_ari":
                client = self._ari()
                if step == "announce":
                    extension = self._extension_of(user)
                    client.hold(call.external_id)
                    return client.originate(
                        endpoint=(self.ari_external_endpoint or "").format(
                            number=number
                        ),
                        extension=extension,
                        context=self.ari_context,
                        caller_id=call.caller_number or None,
                    )
                if step == "accept":
                    client.bridge([call.external_id, consult_id])
                    client.unhold(call.external_id)
                elif step == "refuse":
                    if consult_id:
                        client.hangup(consult_id)
                    client.unhold(call.external_id)
                return ""
            ari.call_template(
                self.transfer_url_template,
                {
                    "call_id": call.external_id,
                    "number": number or call.transfer_number or "",
                    "step": step,
                    "extension": user.sudo().permanence_extension if user else "",
                },
                method=self.http_method,
                timeout=self.timeout or 5,
            )
        except ari.PbxError as error:
            self._raise(error)
        return ""

    def _pickup(self, call, user):
        """Put the ringing ``call`` through to ``user``'s phone: ARI
        redirects the caller's channel to the operator's endpoint; the
        generic provider calls its pick-up URL when one is set."""
        self.ensure_one()
        if self.provider != "asterisk_ari" and not self.pickup_url_template:
            return False
        extension = self._extension_of(user)
        try:
            if self.provider == "asterisk_ari":
                self._ari().redirect(
                    call.external_id,
                    (self.ari_operator_endpoint or "").format(extension=extension),
                )
            else:
                ari.call_template(
                    self.pickup_url_template,
                    {"call_id": call.external_id, "extension": extension},
                    method=self.http_method,
                    timeout=self.timeout or 5,
                )
        except ari.PbxError as error:
            self._raise(error)
        return True

    @api.model
    def _dial_for_user(self, raw):
        """Click-to-dial ``raw`` from the current operator's phone through
        the PBX of the current company."""
        if not self.env.user.has_group(
            "permanence_telephonique.group_permanence_operator"
        ):
            raise UserError(_("Only operators dial through the PBX."))
        pbx = self._for_company(self.env.company)
        number = pbx._e164(raw)
        if not number:
            raise UserError(_("%s is not a number that can be dialled.", raw))
        return pbx._dial(number, self.env.user)
