from odoo import api, fields, models

PRIVACY_ACTIONS = [
    ("search", "Search"),
    ("export", "Export"),
    ("erase", "Erasure"),
]


class PermanencePrivacyRequest(models.Model):
    """The log of what was done for one person's request (right of access,
    right to erasure): who searched, exported or erased what, when. The
    export's zip is attached to its row."""

    _name = "permanence.privacy.request"
    _description = "Personal data request"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Person", required=True, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Done by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    action = fields.Selection(selection=PRIVACY_ACTIONS, required=True, readonly=True)
    counts = fields.Json(readonly=True, help="Records found or erased, per kind.")
    summary = fields.Char(string="Records", compute="_compute_summary")
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Export", readonly=True
    )

    @api.depends("counts")
    def _compute_summary(self):
        for request in self:
            request.summary = ", ".join(
                f"{key}: {count}"
                for key, count in sorted((request.counts or {}).items())
                if count
            )
