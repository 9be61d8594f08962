from odoo import models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _send_invitation_emails(self):
        # Bookings of a shared agenda send their own confirmation (with the
        # caller's .ics); Odoo's invitation goes to the other events only.
        others = self.filtered(lambda attendee: not attendee.event_id.agenda_id)
        return super(CalendarAttendee, others)._send_invitation_emails()
