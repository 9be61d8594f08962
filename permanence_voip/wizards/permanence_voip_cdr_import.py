import base64

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools.access import SUPERVISOR, check_rights

from ..models.permanence_call import MACHINE_CONTEXT
from ..tools import cdr


class PermanenceVoipCdrImport(models.TransientModel):
    _name = "permanence.voip.cdr.import"
    _description = "Import call detail records"

    pbx_id = fields.Many2one(
        comodel_name="permanence.voip.pbx",
        string="PBX",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env["permanence.voip.pbx"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    # The mapping is the PBX's: changed here, it is saved for the next import.
    cdr_delimiter = fields.Char(related="pbx_id.cdr_delimiter", readonly=False)
    cdr_column_call_id = fields.Char(
        related="pbx_id.cdr_column_call_id", readonly=False
    )
    cdr_column_from = fields.Char(related="pbx_id.cdr_column_from", readonly=False)
    cdr_column_to = fields.Char(related="pbx_id.cdr_column_to", readonly=False)
    cdr_column_start = fields.Char(related="pbx_id.cdr_column_start", readonly=False)
    cdr_column_answer = fields.Char(related="pbx_id.cdr_column_answer", readonly=False)
    cdr_column_end = fields.Char(related="pbx_id.cdr_column_end", readonly=False)
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")], default="draft"
    )
    created_count = fields.Integer(string="Calls created", readonly=True)
    updated_count = fields.Integer(string="Calls completed", readonly=True)
    unchanged_count = fields.Integer(string="Calls already up to date", readonly=True)
    rejected_count = fields.Integer(string="Rows rejected", readonly=True)
    report = fields.Html(readonly=True, sanitize=True)

    @api.model
    def _import_rows(self, pbx, rows):
        """Create or complete the calls of ``rows``; counts per result."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        Call = (
            self.env["permanence.call"]
            .sudo()
            .with_company(pbx.company_id)
            .with_context(**MACHINE_CONTEXT)
        )
        existing = {
            call.external_id: call
            for call in Call.search(
                [
                    ("company_id", "=", pbx.company_id.id),
                    ("external_id", "in", [row[1] for row in rows]),
                ]
            )
        }
        to_create = []
        for __, external_id, __from, __to, call_events in rows:
            call = existing.get(external_id)
            if call:
                changes = cdr.replay(call._voip_values(), call_events)
                changes = {key: (value or False) for key, value in changes.items()}
                if changes:
                    call.write(changes)
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                continue
            values = {
                key: (value or False)
                for key, value in cdr.replay(None, call_events).items()
            }
            event = dict(call_events[0], operator="")
            to_create.append(Call._voip_create_values(pbx, event, values))
        if to_create:
            Call.create(to_create)
            counts["created"] = len(to_create)
        return counts

    def _reason(self, code, value):
        """The user's words for a rejected row (codes of ``cdr.REASONS``)."""
        if code == "missing_column":
            return self.env._("missing column %s", value)
        if code == "no_call_id":
            return self.env._("no call id")
        if code == "repeated":
            return self.env._("call id %s appears twice in the file", value)
        if code == "bad_time":
            return self.env._("unreadable time “%s”", value)
        if code == "no_start":
            return self.env._("no start time")
        return self.env._("answer or end before the start")

    def action_import(self):
        self.ensure_one()
        check_rights(self, "write", SUPERVISOR)
        check_rights(self.pbx_id, "read")
        pbx = self.pbx_id
        if not self.file:
            raise UserError(_("Choose the CSV file to import."))
        text = cdr.decode(base64.b64decode(self.file))
        rows, rejected = cdr.read(
            text, pbx._cdr_mapping(), pbx.tz, pbx.cdr_delimiter or ","
        )
        counts = self._import_rows(pbx, rows)
        report = Markup()
        if rejected:
            items = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "Line %(line)s: %(reason)s",
                    line=line,
                    reason=self._reason(code, value),
                )
                for line, code, value in rejected
            )
            report = Markup("<ul>%s</ul>") % items
        self.write(
            {
                "state": "done",
                "created_count": counts["created"],
                "updated_count": counts["updated"],
                "unchanged_count": counts["unchanged"],
                "rejected_count": len(rejected),
                "report": report,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
