from odoo import fields, models


class PermanenceAppointmentBookingSlot(models.TransientModel):
    _name = "permanence.appointment.booking.slot"
    _description = "Free slot proposed by the booking assistant"
    _order = "start, id"

    wizard_id = fields.Many2one(
        comodel_name="permanence.appointment.booking",
        required=True,
        ondelete="cascade",
    )
    start = fields.Datetime(required=True)
    stop = fields.Datetime(string="End", required=True)
    agenda_id = fields.Many2one(
        comodel_name="permanence.agenda", string="With", required=True
    )
    label = fields.Char(string="When (client's time)")

    def action_book(self):
        self.ensure_one()
        return self.wizard_id._book(self.start, self.agenda_id)
