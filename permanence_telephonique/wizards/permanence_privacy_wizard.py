import base64

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..tools import phone, retention
from ..tools.access import MANAGER, check_rights


class PermanencePrivacyWizard(models.TransientModel):
    """Everything about one person (a phone number or an email), across the
    clients the manager may see: found, exported, erased; each action
    logged in ``permanence.privacy.request``."""

    _name = "permanence.privacy.wizard"
    _description = "Find, export or erase one person's data"

    subject = fields.Char(
        string="Phone number or email",
        required=True,
        help="The caller's number (any format) or email address.",
    )
    call_ids = fields.Many2many(
        comodel_name="permanence.call", string="Call sheets", readonly=True
    )
    message_ids = fields.Many2many(
        comodel_name="permanence.message", string="Messages", readonly=True
    )
    contact_ids = fields.Many2many(
        comodel_name="res.partner", string="Contacts", readonly=True
    )
    searched = fields.Boolean(readonly=True)
    request_ids = fields.Many2many(
        comodel_name="permanence.privacy.request", string="Log", readonly=True
    )

    def _subject_terms(self):
        """``(numbers, email)`` of the subject typed, or a clear error."""
        self.ensure_one()
        text = (self.subject or "").strip()
        if "@" in text:
            email = email_normalize(text)
            if not email:
                raise UserError(_("“%s” is not a valid email address.", text))
            return [], email
        country = self.env.company.country_id or self.env.ref("base.fr")
        e164 = phone.try_e164(text, country.code, country.phone_code)
        if not e164:
            raise UserError(
                _("Type a phone number or an email address (not “%s”).", text)
            )
        return sorted({e164, text}), False

    def _collect(self):
        numbers, email = self._subject_terms()
        return self.env["permanence.retention"]._privacy_collect(numbers, email)

    def _log(self, action, counts, attachment=None):
        request = (
            self.env["permanence.privacy.request"]
            .sudo()
            .create(
                {
                    "name": self.subject.strip(),
                    "user_id": self.env.uid,
                    "company_id": self.env.company.id,
                    "action": action,
                    "counts": counts,
                    "attachment_id": attachment.id if attachment else False,
                }
            )
        )
        self.request_ids = [fields.Command.link(request.id)]
        return request

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_search(self):
        self.ensure_one()
        check_rights(self, "write", MANAGER)
        found = self._collect()
        self.write(
            {
                "call_ids": [fields.Command.set(found["calls"].ids)],
                "message_ids": [fields.Command.set(found["messages"].ids)],
                "contact_ids": [fields.Command.set(found["contacts"].ids)],
                "searched": True,
            }
        )
        self._log("search", {key: len(records) for key, records in found.items()})
        return self._reopen()

    def action_export(self):
        """A zip (JSON and CSV) of everything found, attached to the log."""
        self.ensure_one()
        check_rights(self, "write", MANAGER)
        found = self._collect()
        engine = self.env["permanence.retention"]
        data = retention.export_zip(
            self.subject.strip(), engine._privacy_rows(found), fields.Datetime.now()
        )
        request = self._log(
            "export", {key: len(records) for key, records in found.items()}
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"personal-data-{request.id}.zip",
                    "datas": base64.b64encode(data),
                    "mimetype": "application/zip",
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
        )
        request.attachment_id = attachment
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_erase(self):
        """Anonymise everything found (except what is under legal hold)."""
        self.ensure_one()
        check_rights(self, "write", MANAGER)
        found = self._collect()
        if not any(found.values()):
            raise UserError(_("Nothing was found about %s.", self.subject.strip()))
        counts = self.env["permanence.retention"]._privacy_erase(found)
        self._log("erase", counts)
        self.write({"searched": False})
        return self._reopen()
