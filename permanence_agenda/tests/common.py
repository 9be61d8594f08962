from datetime import datetime

from odoo.addons.permanence_telephonique.tests.common import PermanenceCase

# A Monday, before the spring daylight-saving change (Sunday 29 March 2026).
NOW = datetime(2026, 3, 23, 7, 0)  # 08:00 in Paris


class AgendaCase(PermanenceCase):
    """The core's clients with shared agendas: the doctor of the confidential
    practice and the plumber's boss, open Monday to Friday 9:00-12:00 and
    14:00-18:00 in Paris."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Europe/Paris"))
        cls.medical.tz = "Europe/Paris"
        cls.client.tz = "Europe/Paris"
        cls.hours = cls.env["resource.calendar"].create(
            {
                "name": "Cabinet: consultations",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {h_from}",
                            "dayofweek": str(day),
                            "hour_from": h_from,
                            "hour_to": h_to,
                        },
                    )
                    for day in range(5)
                    for h_from, h_to in ((9, 12), (14, 18))
                ],
            }
        )
        cls.plumber_hours = cls.hours.copy({"name": "Plomberie: interventions"})
        Agenda = cls.env["permanence.agenda"]
        cls.doctor_agenda = Agenda.create(
            {
                "client_id": cls.medical.id,
                "interlocutor_id": cls.doctor_interlocutor.id,
                "resource_calendar_id": cls.hours.id,
            }
        )
        cls.room_agenda = Agenda.create(
            {
                "client_id": cls.medical.id,
                "kind": "resource",
                "name": "Salle de soins",
                "resource_calendar_id": cls.hours.id,
                "sequence": 20,
            }
        )
        cls.plumber_agenda = Agenda.create(
            {
                "client_id": cls.client.id,
                "interlocutor_id": cls.boss_interlocutor.id,
                "resource_calendar_id": cls.plumber_hours.id,
            }
        )
        Type = cls.env["permanence.appointment.type"]
        cls.visit = Type.create(
            {
                "client_id": cls.medical.id,
                "name": "Consultation",
                "duration": 30,
                "min_notice": 2,
                "horizon_days": 60,
                "agenda_ids": [(6, 0, cls.doctor_agenda.ids)],
                "location": "12 rue de la Paix, Paris",
                "instructions": "<p>Ask for the carte Vitale.</p>",
            }
        )
        cls.any_visit = Type.create(
            {
                "client_id": cls.medical.id,
                "name": "Soins",
                "duration": 60,
                "min_notice": 0,
                "agenda_ids": [(6, 0, (cls.doctor_agenda | cls.room_agenda).ids)],
            }
        )
        cls.quote = Type.create(
            {
                "client_id": cls.client.id,
                "name": "Devis sur place",
                "duration": 60,
                "buffer_before": 30,
                "buffer_after": 30,
                "min_notice": 0,
                "agenda_ids": [(6, 0, cls.plumber_agenda.ids)],
            }
        )

    @staticmethod
    def starts(found):
        return [slot["start"] for slot in found]
