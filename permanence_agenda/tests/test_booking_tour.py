import logging
import time

from odoo.tests import tagged

from odoo.addons.permanence_telephonique.tests.ui_common import (
    MANAGER,
    OPERATOR,
    FrenchHttpCase,
)

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestBookingTour(FrenchHttpCase):
    """The booking assistant in the browser, in French, from the operator
    console: book, then move and cancel when the caller calls back; and a
    supervisor giving a client its agenda and appointment type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = cls.french_user("pt_tour_agenda", OPERATOR)
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
        start = time.time()
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
        booked_at = event.start

        callback = self.env["permanence.call"].create(
            {
                "client_id": self.call.client_id.id,
                "caller_name": "Marie Tour",
                "caller_number_raw": "06 99 88 77 66",
            }
        )
        self.start_tour(
            "/odoo/action-permanence_telephonique.action_permanence_call_console/"
            f"{callback.id}",
            "permanence_agenda_console_move_cancel",
            login="pt_tour_agenda",
        )
        _logger.info("tours book, move, cancel took %.1fs", time.time() - start)
        event = event.with_context(active_test=False)
        self.assertNotEqual(event.start, booked_at, "moved")
        self.assertEqual(event.booking_sequence, 2, "moved then cancelled")
        self.assertEqual(event.booking_state, "cancelled")
        self.assertEqual(callback.outcome, "appointment")

    def test_supervisor_gives_a_client_its_agenda(self):
        manager = self.french_user("pt_tour_agenda_manager", MANAGER)
        company = self.env["res.partner"].create(
            {"name": "Cabinet Dupont", "is_company": True}
        )
        doctor = self.env["res.partner"].create(
            {"name": "Dr Jeanne Dupont", "parent_id": company.id}
        )
        client = self.env["permanence.client"].create(
            {
                "name": "Cabinet Dupont",
                "code": "DUPONT",
                "partner_id": company.id,
                "state": "active",
                "interlocutor_ids": [(0, 0, {"partner_id": doctor.id})],
            }
        )
        self.agenda.resource_calendar_id.name = "Horaires cabinet"
        start = time.time()
        self.start_tour(
            "/odoo/action-permanence_agenda.action_permanence_agenda",
            "permanence_agenda_supervisor_setup",
            login=manager.login,
        )
        _logger.info("tour agenda setup took %.1fs", time.time() - start)
        agenda = self.env["permanence.agenda"].search([("client_id", "=", client.id)])
        self.assertEqual(agenda.interlocutor_id.partner_id, doctor)
        atype = self.env["permanence.appointment.type"].search(
            [("client_id", "=", client.id)]
        )
        self.assertEqual(atype.name, "Première consultation")
        self.assertEqual(atype.agenda_ids, agenda)
