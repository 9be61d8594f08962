# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.permanence_telephonique.tools import activity


class PermanenceActivityReport(models.Model):
    """The appointments booked for the client during the month, in its
    monthly activity report."""

    _inherit = "permanence.activity.report"

    def _activity_appointments(self):
        """Appointments booked in the month (by the booking date), per
        appointment type, and those cancelled since."""
        self.ensure_one()
        start, end = self._bounds()
        groups = (
            self.env["calendar.event"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("client_id", "=", self.client_id.id),
                    ("booking_state", "in", ("booked", "cancelled")),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
                ["appointment_type_id", "booking_state"],
                ["__count"],
            )
        )
        per_type = {}
        cancelled = 0
        for appointment_type, state, count in groups:
            label = appointment_type.name if appointment_type else self.env._("Other")
            per_type[label] = per_type.get(label, 0) + count
            if state == "cancelled":
                cancelled += count
        rows = sorted(per_type.items(), key=lambda row: (-row[1], row[0]))
        return {
            "count": sum(per_type.values()),
            "cancelled": cancelled,
            "rows": rows,
        }

    def _activity_values(self):
        values = super()._activity_values()
        report = self.with_context(lang=self._report_lang())
        values["appointments"] = report._activity_appointments()
        values["appointment_bars"] = activity.bars(values["appointments"]["rows"])
        return values
