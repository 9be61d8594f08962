from odoo.tests import HttpCase, new_test_user, tagged

OPERATOR = "permanence_telephonique.group_permanence_operator"


@tagged("post_install", "-at_install")
class TestBookingTour(HttpCase):
    """The booking assistant in the browser, from the operator console."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(cls.env, "pt_tour_agenda", groups=OPERATOR)
        company = cls.env["res.partner"].create(
            {"name": "Cabinet Tour Agenda", "is_company": True}
        )
        doctor = cls.env["res.partner"].create(
            {"name": "Dr Tour", "parent_id": company.id, "email": "tour@example.com"}
        )
        client = cls.env["permanence.client"].create(
            {
                "name": "Cabinet Tour Agenda",
                "code": "AGTOUR",
                "partner_id": company.id,
                "state": "active",
                "tz": "Europe/Paris",
                "interlocutor_ids": [(0, 0, {"partner_id": doctor.id})],
            }
        )
        hours = cls.env["resource.calendar"].create(
            {
                "name": "Always open",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": str(d),
                            "dayofweek": str(d),
                            "hour_from": 0,
                            "hour_to": 24,
                        },
                    )
                    for d in range(7)
                ],
            }
        )
        cls.agenda = cls.env["permanence.agenda"].create(
            {
                "client_id": client.id,
                "interlocutor_id": client.interlocutor_ids.id,
                "resource_calendar_id": hours.id,
            }
        )
        cls.env["permanence.appointment.type"].create(
            {
                "client_id": client.id,
                "name": "Consultation",
                "duration": 30,
                "min_notice": 1,
                "agenda_ids": [(6, 0, cls.agenda.ids)],
                "instructions": "<p>Ask for the reason of the visit.</p>",
            }
        )
        cls.call = cls.env["permanence.call"].create(
            {
                "client_id": client.id,
                "caller_name": "Marie Tour",
                "caller_number_raw": "06 99 88 77 66",
                "caller_email": "marie.tour@example.com",
            }
        )

    def test_console_booking(self):
        self.start_tour(
            "/odoo/action-permanence_telephonique.action_permanence_call_console/"
            f"{self.call.id}",
            "permanence_agenda_console_booking",
            login="pt_tour_agenda",
        )
        event = self.call.appointment_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(event.agenda_id, self.agenda)
        self.assertEqual(self.call.outcome, "appointment")
