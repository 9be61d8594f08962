from odoo import _, api, models
from odoo.tools import SQL

EVENT_CALLER_COLUMNS = [
    "caller_name",
    "caller_number",
    "caller_email",
    "booking_reason",
    "description",
]


class PermanenceRetention(models.AbstractModel):
    """Appointments keep their caller as long as the client's call sheets:
    then the caller's name, number, email, reason and notes are erased, the
    caller leaves the attendees, and the appointment stays as a busy slot
    of the agenda (named after its type)."""

    _inherit = "permanence.retention"

    @api.model
    def _retention_kinds(self):
        return super()._retention_kinds() + [
            ("appointments", "call", _("Appointments' caller data (erased)")),
        ]

    @api.model
    def _retention_steps(self):
        return super()._retention_steps() + ["_retention_step_appointments"]

    @api.model
    def _retention_partner_usage(self):
        return super()._retention_partner_usage() + [
            SQL(
                "EXISTS (SELECT 1 FROM calendar_attendee ca WHERE ca.partner_id = p.id)"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM calendar_event_res_partner_rel cer "
                "WHERE cer.res_partner_id = p.id)"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM permanence_agenda pa WHERE pa.partner_id = p.id)"
            ),
        ]

    @api.model
    def _retention_step_appointments(self, client, cutoffs, now, limit):
        if not cutoffs["call"]:
            return {}
        ids = self._locked_ids(
            SQL(
                "SELECT e.id FROM calendar_event e "
                "LEFT JOIN permanence_call c ON c.id = e.call_id "
                "WHERE e.client_id = %s AND e.stop < %s "
                "AND (e.caller_name IS NOT NULL OR e.caller_number IS NOT NULL "
                "OR e.caller_email IS NOT NULL OR e.call_id IS NOT NULL) "
                "AND c.legal_hold IS NOT TRUE "
                "ORDER BY e.id LIMIT %s FOR UPDATE OF e SKIP LOCKED",
                client.id,
                cutoffs["call"],
                limit,
            )
        )
        return self._retention_anonymise_appointments(ids) if ids else {}

    @api.model
    def _retention_anonymise_appointments(self, ids):
        """Erase the caller from the appointments ``ids`` (past or not:
        the erasure of one person uses it too)."""
        counts = {}
        partner_ids = {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "DELETE FROM calendar_attendee a USING calendar_event e "
                    "LEFT JOIN permanence_agenda g ON g.id = e.agenda_id "
                    "WHERE a.event_id = e.id AND e.id = ANY(%s) "
                    "AND a.partner_id IS DISTINCT FROM g.partner_id "
                    "RETURNING a.partner_id",
                    ids,
                )
            )
        }
        partner_ids |= {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "DELETE FROM calendar_event_res_partner_rel r "
                    "USING calendar_event e "
                    "LEFT JOIN permanence_agenda g ON g.id = e.agenda_id "
                    "WHERE r.calendar_event_id = e.id AND e.id = ANY(%s) "
                    "AND r.res_partner_id IS DISTINCT FROM g.partner_id "
                    "RETURNING r.res_partner_id",
                    ids,
                )
            )
        }
        self.env.cr.execute(
            SQL(
                "UPDATE calendar_event e SET %s, call_id = NULL, "
                "name = COALESCE(t.name->>'en_US', e.name) "
                "FROM calendar_event e2 "
                "LEFT JOIN permanence_appointment_type t "
                "ON t.id = e2.appointment_type_id "
                "WHERE e.id = e2.id AND e.id = ANY(%s)",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column))
                    for column in EVENT_CALLER_COLUMNS
                ),
                ids,
            )
        )
        counts["appointments"] = self.env.cr.rowcount
        self._add(counts, self._retention_purge_documents("calendar.event", ids))
        self._add(counts, self._retention_clean_partners(partner_ids - {None}))
        self.env.invalidate_all()
        return counts

    @api.model
    def _retention_purge_call_documents(self, ids):
        """The appointments booked during the calls lose their caller too
        (they are as old as the call, or erased with it)."""
        counts = super()._retention_purge_call_documents(ids)
        event_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT id FROM calendar_event WHERE call_id = ANY(%s)", ids)
            )
        ]
        if event_ids:
            self._add(counts, self._retention_anonymise_appointments(event_ids))
        return counts

    # One person's data -------------------------------------------------------

    @api.model
    def _privacy_fields(self):
        fields_by_section = super()._privacy_fields()
        fields_by_section["appointments"] = [
            "name",
            "client_id",
            "start",
            "stop",
            "caller_name",
            "caller_number",
            "caller_email",
            "booking_reason",
            "description",
        ]
        return fields_by_section

    @api.model
    def _privacy_collect(self, number, email):
        found = super()._privacy_collect(number, email)
        numbers = [n for n in number if n]
        terms = []
        if numbers:
            terms.append(("caller_number", "in", numbers))
        if email:
            terms.append(("caller_email", "=ilike", email))
        domain = ["|"] * (len(terms) - 1) + terms
        events = self.env["calendar.event"]
        if terms:
            events = events.search([("client_id", "!=", False)] + domain)
        found["appointments"] = events | found["calls"].appointment_ids
        return found

    @api.model
    def _privacy_erase(self, found, now=None):
        counts = super()._privacy_erase(found, now=now)
        events = found.get("appointments")
        if events:
            events = events.sudo().exists().filtered(lambda e: not e.call_id.legal_hold)
            if events:
                self.env.flush_all()
                self.sudo()._add(
                    counts, self.sudo()._retention_anonymise_appointments(events.ids)
                )
        return counts
