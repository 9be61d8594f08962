from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PermanenceCall(models.Model):
    _inherit = "permanence.call"

    appointment_ids = fields.One2many(
        comodel_name="calendar.event",
        inverse_name="call_id",
        string="Appointments booked",
    )
    caller_appointment_ids = fields.Many2many(
        comodel_name="calendar.event",
        compute="_compute_caller_appointment_ids",
        string="Caller's upcoming appointments",
        help="Future appointments of this caller with this client, found by "
        "phone number: to move or cancel them.",
    )
    appointment_type_count = fields.Integer(compute="_compute_appointment_type_count")

    @api.depends("client_id", "caller_number")
    def _compute_caller_appointment_ids(self):
        event_model = self.env["calendar.event"]
        for call in self:
            if call.client_id and call.caller_number:
                call.caller_appointment_ids = event_model._permanence_find_by_number(
                    call.caller_number, call.client_id
                )
            else:
                call.caller_appointment_ids = False

    @api.depends("client_id")
    def _compute_appointment_type_count(self):
        groups = self.env["permanence.appointment.type"]._read_group(
            [("client_id", "in", self.client_id.ids)], ["client_id"], ["__count"]
        )
        counts = {client.id: count for client, count in groups}
        for call in self:
            call.appointment_type_count = counts.get(call.client_id.id, 0)

    def action_book_appointment(self):
        """Open the booking assistant with the first free slots."""
        self.ensure_one()
        self._check_can_take_call()
        wizard = self.env["permanence.appointment.booking"].create({"call_id": self.id})
        return wizard._reopen()

    def _permanence_caller_partner(self):
        """The caller as a contact, to be an attendee: the known caller, else
        a new contact made from the call sheet."""
        self.ensure_one()
        if self.partner_id:
            return self.partner_id
        if not self.caller_name:
            raise UserError(_("Type the caller's name before booking."))
        # Operators may not create contacts in general; the caller's contact
        # is created for the booking only, with what the call sheet holds.
        return (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": self.caller_name,
                    "phone": self.caller_number or self.caller_number_raw,
                    "email": self.caller_email,
                    # The client's company and the client's confidentiality:
                    # not a contact every employee reads.
                    "company_id": self.company_id.id,
                    "permanence_caller_client_id": self.client_id.id,
                }
            )
        )
