# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# Callers of the demo appointments: (name, mobile in E.164, reason)
DEMO_CALLERS = [
    ("Mme Sylvie Bernard", "+33612345678", "Douleurs lombaires"),
    ("M. Karim Haddad", "+33781452210", "Suivi tension artérielle"),
    ("Mme Chantal Morel", "+33652187403", "Déclaration de médecin traitant"),
    ("M. Olivier Garcia", "+33645781209", "Compte rendu d'IRM"),
    ("Mme Élodie Marchand", "+33624815793", "Licenciement contesté"),
    ("M. François Girard", "+33647586970", "Bail commercial"),
    ("Mme Inès Roussel", "+33674859607", "Renouvellement d'ordonnance"),
    ("M. Lucas Petit", "+33611982745", "Certificat de sport"),
]


class PermanenceDemo(models.AbstractModel):
    _inherit = "permanence.demo"

    @api.model
    def _book_upcoming(self, appointment_types=(), per_type=4, every=3):
        """Book ``per_type`` appointments of each type (xml ids) in the coming
        days, one free slot out of ``every``, so that the agendas show
        appointments and still have free slots whenever the demo is
        installed."""
        types = self.env["permanence.appointment.type"].browse(
            [self.env.ref(xmlid).id for xmlid in appointment_types]
        )
        events = self.env["calendar.event"]
        callers = iter(DEMO_CALLERS * len(types))
        for appointment_type in types:
            slots = appointment_type._find_slots(limit=per_type * every)
            for slot in slots[::every]:
                name, number, reason = next(callers)
                events |= events._permanence_book(
                    appointment_type,
                    slot["agenda"],
                    slot["start"],
                    vals={
                        "caller_name": name,
                        "caller_number": number,
                        "booking_reason": reason,
                        "name": f"{appointment_type.name} — {name}",
                    },
                )
        return events
