# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

LINE_STATES = [
    ("invoiced", "Invoiced"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
    ("credited", "Credited"),
]


class PermanenceInvoiceRunLine(models.Model):
    """The billing record of one client and period: what was invoiced (or
    why not). At most one ``invoiced`` record per client and period start,
    held by a unique index: running a period twice creates nothing new."""

    _name = "permanence.invoice.run.line"
    _inherit = ["permanence.client.owned"]
    _description = "Invoicing run: client billing record"
    _order = "run_id desc, client_id, id"
    _check_company_auto = True

    run_id = fields.Many2one(
        comodel_name="permanence.invoice.run",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        string="Client account",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    state = fields.Selection(selection=LINE_STATES, required=True, index=True)
    message = fields.Text(help="Why the client was skipped.")
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Invoice address", ondelete="set null"
    )
    currency_id = fields.Many2one(comodel_name="res.currency")
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        ondelete="set null",
        index="btree_not_null",
        copy=False,
    )
    move_state = fields.Selection(related="move_id.state", string="Invoice status")
    credit_note_id = fields.Many2one(
        comodel_name="account.move", string="Credit note", ondelete="set null"
    )
    calls = fields.Integer(string="Billed calls")
    units_used = fields.Float(string="Used", digits=(16, 2))
    units_included = fields.Float(string="Included", digits=(16, 2))
    units_overage = fields.Float(string="Overage", digits=(16, 2))
    amount_untaxed = fields.Monetary(string="Untaxed amount")
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Billed calls (CSV)", ondelete="set null"
    )

    def init(self):
        res = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (client_id, period_start) "
                "WHERE state = 'invoiced'",
                SQL.identifier("permanence_invoice_run_line_client_period_uniq"),
                SQL.identifier(self._table),
            )
        )
        return res

    def _refresh_state(self):
        """An invoice deleted or cancelled in Accounting no longer bills its
        period: its record becomes ``cancelled``, so the period can be
        invoiced again. Only the invoice's state is read, with sudo: a
        manager without Invoicing rights may open the run's preview."""
        gone = self.filtered(
            lambda line: (
                line.state == "invoiced"
                and (not line.move_id or line.move_id.sudo().state == "cancel")
            )
        )
        gone.write({"state": "cancelled"})
        return gone

    def action_credit_note(self):
        """Correction of a disputed period: cancel the draft invoice, or
        reverse the posted one with a credit note (Accounting's own
        reversal); the period can then be invoiced again."""
        for line in self:
            if line.state != "invoiced" or not line.move_id:
                raise UserError(
                    _(
                        "%(client)s: only an invoiced period can be corrected.",
                        client=line.client_id.display_name,
                    )
                )
            move = line.move_id
            if move.state == "draft":
                move.button_cancel()
                line.state = "cancelled"
                continue
            paid = move.payment_state in ("paid", "in_payment", "partial")
            reversal = move._reverse_moves(
                [
                    {
                        "ref": _("Correction of %s", move.name),
                        "invoice_date": fields.Date.context_today(self),
                    }
                ],
                cancel=not paid,
            )
            line.write({"state": "credited", "credit_note_id": reversal.id})
        return True

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
