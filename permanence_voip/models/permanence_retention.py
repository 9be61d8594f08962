from odoo import _, api, models
from odoo.tools import SQL


class PermanenceRetention(models.AbstractModel):
    """Recording links go after the client's recording period; the bodies of
    telephony events (the caller's number as the PBX sent it) after the
    payload period, and with their call when it is anonymised."""

    _inherit = "permanence.retention"

    @api.model
    def _retention_kinds(self):
        return super()._retention_kinds() + [
            ("recordings", "recording", _("Recording links (erased)")),
            ("voip_events", "payload", _("Telephony event bodies (erased)")),
        ]

    @api.model
    def _retention_steps(self):
        return super()._retention_steps() + [
            "_retention_step_recordings",
            "_retention_step_voip_events",
        ]

    @api.model
    def _retention_call_columns(self):
        return super()._retention_call_columns() + ["recording_url"]

    @api.model
    def _retention_step_recordings(self, client, cutoffs, now, limit):
        if not cutoffs["recording"]:
            return {}
        ids = self._locked_ids(
            SQL(
                "SELECT id FROM permanence_call WHERE client_id = %s "
                "AND recording_url IS NOT NULL AND date_start < %s "
                "AND legal_hold IS NOT TRUE ORDER BY date_start, id LIMIT %s "
                "FOR UPDATE SKIP LOCKED",
                client.id,
                cutoffs["recording"],
                limit,
            )
        )
        if not ids:
            return {}
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_call SET recording_url = NULL WHERE id = ANY(%s)",
                ids,
            )
        )
        return {"recordings": self.env.cr.rowcount}

    @api.model
    def _retention_step_voip_events(self, client, cutoffs, now, limit):
        if not cutoffs["payload"]:
            return {}
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_voip_event SET body = NULL WHERE id IN ("
                "SELECT e.id FROM permanence_voip_event e "
                "JOIN permanence_call c ON c.id = e.call_id "
                "WHERE c.client_id = %s AND e.body IS NOT NULL "
                "AND e.create_date < %s AND c.legal_hold IS NOT TRUE "
                "ORDER BY e.id LIMIT %s FOR UPDATE OF e SKIP LOCKED)",
                client.id,
                cutoffs["payload"],
                limit,
            )
        )
        return {"voip_events": self.env.cr.rowcount}

    @api.model
    def _retention_purge_call_documents(self, ids):
        counts = super()._retention_purge_call_documents(ids)
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_voip_event SET body = NULL "
                "WHERE call_id = ANY(%s) AND body IS NOT NULL",
                ids,
            )
        )
        return self._add(counts, {"voip_events": self.env.cr.rowcount})

    @api.model
    def _privacy_fields(self):
        fields_by_section = super()._privacy_fields()
        fields_by_section["calls"] = fields_by_section["calls"] + ["recording_url"]
        fields_by_section["telephony_events"] = [
            "call_id",
            "event",
            "timestamp",
            "body",
        ]
        return fields_by_section

    @api.model
    def _privacy_collect(self, number, email):
        found = super()._privacy_collect(number, email)
        calls = found["calls"]
        found["telephony_events"] = (
            self.env["permanence.voip.event"].search([("call_id", "in", calls.ids)])
            if calls
            else self.env["permanence.voip.event"]
        )
        return found
