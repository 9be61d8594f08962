# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools import billing


class PermanenceInvoiceWizard(models.TransientModel):
    _name = "permanence.invoice.wizard"
    _description = "Invoice a period of the answering service"

    period_start = fields.Date(
        required=True,
        default=lambda self: billing.previous_period(fields.Date.context_today(self))[
            0
        ],
    )
    period_end = fields.Date(
        required=True,
        default=lambda self: billing.previous_period(fields.Date.context_today(self))[
            1
        ],
    )
    client_ids = fields.Many2many(
        comodel_name="permanence.client",
        string="Client accounts",
        help="Leave empty for every client with a subscription in the period.",
    )
    preview_html = fields.Html(
        string="Preview", compute="_compute_preview", sanitize=False
    )
    ready_count = fields.Integer(compute="_compute_preview")
    skipped_count = fields.Integer(compute="_compute_preview")

    def _clients(self):
        self.ensure_one()
        if self.client_ids:
            return self.client_ids
        run_model = self.env["permanence.invoice.run"]
        return run_model._subscriptions_in_period(
            None, self.period_start, self.period_end
        ).client_id

    @api.depends("period_start", "period_end", "client_ids")
    def _compute_preview(self):
        run_model = self.env["permanence.invoice.run"]
        for wizard in self:
            if (
                not wizard.period_start
                or not wizard.period_end
                or wizard.period_end < wizard.period_start
            ):
                wizard.preview_html = False
                wizard.ready_count = wizard.skipped_count = 0
                continue
            prepared = run_model._prepare_billing(
                wizard._clients(), wizard.period_start, wizard.period_end
            )
            wizard.ready_count = len([p for p in prepared if not p["problems"]])
            wizard.skipped_count = len(prepared) - wizard.ready_count
            wizard.preview_html = wizard._render_preview(prepared)

    def _render_preview(self, prepared):
        rows = []
        for values in prepared:
            client = values["client"].display_name
            if values["problems"]:
                rows.append(
                    Markup(
                        '<tr class="table-warning"><td>%s</td>'
                        '<td colspan="3">%s</td></tr>'
                    )
                    % (client, _("Skipped: %s", "; ".join(values["problems"])))
                )
                continue
            for index, line in enumerate(values["lines"]):
                rows.append(
                    Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                    % (
                        client if not index else "",
                        line["name"],
                        f"{line['quantity']:g}",
                        format_amount(self.env, line["price_unit"], values["currency"]),
                    )
                )
            rows.append(
                Markup(
                    '<tr class="fw-bold"><td></td><td>%s</td><td></td><td>%s</td></tr>'
                )
                % (
                    _("Untaxed total"),
                    format_amount(self.env, values["amount"], values["currency"]),
                )
            )
        if not rows:
            return Markup("<p>%s</p>") % _("Nothing to invoice in this period.")
        header = Markup(
            '<table class="table table-sm"><thead><tr><th>%s</th><th>%s</th>'
            "<th>%s</th><th>%s</th></tr></thead><tbody>"
        ) % (_("Client"), _("Line"), _("Quantity"), _("Unit price"))
        return header + Markup("").join(rows) + Markup("</tbody></table>")

    def action_confirm(self):
        self.ensure_one()
        if self.period_end < self.period_start:
            raise UserError(_("The period cannot end before it starts."))
        self.env["permanence.invoice.run"]._check_invoicing_rights()
        runs = self.env["permanence.invoice.run"]._invoice_period(
            self.period_start, self.period_end, self._clients()
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "permanence_telephonique.action_permanence_invoice_run"
        )
        if len(runs) == 1:
            action.update(
                {"res_id": runs.id, "view_mode": "form", "views": [(False, "form")]}
            )
        else:
            action["domain"] = [("id", "in", runs.ids)]
        return action
