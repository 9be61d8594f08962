from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools import context as ui_context
from odoo.addons.permanence_telephonique.tools.access import OPERATOR, check_rights

PAGE_SIZE = 8


class PermanenceAppointmentBooking(models.TransientModel):
    _name = "permanence.appointment.booking"
    _inherit = ["permanence.client.owned"]
    _description = "Appointment booking assistant"

    call_id = fields.Many2one(
        check_client=True, comodel_name="permanence.call", ondelete="cascade"
    )
    event_id = fields.Many2one(
        check_client=True,
        comodel_name="calendar.event",
        string="Appointment to move",
        ondelete="cascade",
    )
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        compute="_compute_client_id",
        store=True,
        string="Client account",
    )
    appointment_type_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.appointment.type",
        domain="[('client_id', '=', client_id)]",
        compute="_compute_appointment_type_id",
        store=True,
        readonly=False,
    )
    instructions = fields.Html(
        related="appointment_type_id.instructions", string="Instructions"
    )
    location = fields.Char(related="appointment_type_id.location")
    allowed_agenda_ids = fields.Many2many(
        related="appointment_type_id.agenda_ids", string="Agendas of the type"
    )
    agenda_id = fields.Many2one(
        check_client=True,
        comodel_name="permanence.agenda",
        string="With",
        domain="[('id', 'in', allowed_agenda_ids)]",
        help="Leave empty to propose the first free agenda.",
    )
    after = fields.Datetime(string="Slots after")
    slot_ids = fields.One2many(
        comodel_name="permanence.appointment.booking.slot",
        inverse_name="wizard_id",
        string="Free slots",
    )
    start = fields.Datetime(
        string="Other time", help="A time the caller asks for, checked on booking."
    )
    caller_name = fields.Char(compute="_compute_caller", store=True, readonly=False)
    caller_email = fields.Char(compute="_compute_caller", store=True, readonly=False)
    reason = fields.Char()
    notes = fields.Text()

    @api.depends("call_id", "event_id")
    def _compute_client_id(self):
        for wizard in self:
            wizard.client_id = wizard.event_id.client_id or wizard.call_id.client_id

    @api.depends("client_id", "event_id")
    def _compute_appointment_type_id(self):
        type_model = self.env["permanence.appointment.type"]
        for wizard in self:
            if wizard.event_id:
                wizard.appointment_type_id = wizard.event_id.appointment_type_id
            elif wizard.appointment_type_id.client_id != wizard.client_id:
                wizard.appointment_type_id = type_model.search(
                    [("client_id", "=", wizard.client_id.id)], limit=1
                )

    @api.depends("call_id", "event_id")
    def _compute_caller(self):
        for wizard in self:
            source = wizard.event_id or wizard.call_id
            wizard.caller_name = source.caller_name or wizard.call_id.partner_id.name
            wizard.caller_email = source.caller_email or wizard.call_id.partner_id.email

    @api.onchange("appointment_type_id")
    def _onchange_appointment_type_id(self):
        agendas = self.appointment_type_id._origin.agenda_ids
        if self.agenda_id._origin.id not in agendas.ids:
            self.agenda_id = False

    @api.onchange("appointment_type_id", "agenda_id")
    def _onchange_search(self):
        # The slots are (re)computed on the server when the assistant is
        # saved, so that each proposed slot is a record its button can book.
        self.after = False
        self.slot_ids = [Command.clear()]

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: not w.slot_ids):
            wizard._refresh_slots()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if {"appointment_type_id", "agenda_id"} & set(vals):
            self._refresh_slots()
        return res

    def _slot_values(self, limit=PAGE_SIZE):
        self.ensure_one()
        if not self.appointment_type_id:
            return []
        found = self.appointment_type_id._find_slots(
            agendas=self.agenda_id or None, after=self.after, limit=limit
        )
        event_model = self.env["calendar.event"]
        return [
            {
                "start": slot["start"],
                "stop": slot["stop"],
                "agenda_id": slot["agenda"].id,
                "label": event_model._format_local(slot["start"], slot["agenda"]),
            }
            for slot in found
        ]

    def _refresh_slots(self):
        for wizard in self:
            wizard.slot_ids = [Command.clear()] + [
                Command.create(values) for values in wizard._slot_values()
            ]

    def _reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Move the appointment")
            if self.event_id
            else _("Book an appointment"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    # Buttons ---------------------------------------------------------------

    def action_search(self):
        self.after = False
        self._refresh_slots()
        return self._reopen()

    def action_next_page(self):
        if self.slot_ids:
            self.after = max(self.slot_ids.mapped("start")) + timedelta(seconds=1)
        self._refresh_slots()
        return self._reopen()

    def action_book(self):
        """Book the time typed by the operator."""
        self.ensure_one()
        if not self.start:
            raise UserError(_("Choose a slot or type the time the caller asks for."))
        agenda = self.agenda_id
        if not agenda:
            agendas = self.appointment_type_id.agenda_ids
            if len(agendas) != 1:
                raise UserError(_("Choose whom the appointment is with."))
            agenda = agendas
        return self._book(self.start, agenda)

    def _book(self, start, agenda):
        self.ensure_one()
        check_rights(self, "write", OPERATOR)
        if self.call_id:
            check_rights(self.call_id, "write")
        # The console's active_model/active_id and defaults stay on the
        # screen: the event, its e-mails and the call's chatter are made
        # without them.
        self = self.with_env(
            self.env(context=ui_context.without_ui_keys(self.env.context))
        )
        atype = self.appointment_type_id
        if not atype:
            raise UserError(_("Choose the appointment type."))
        event_model = self.env["calendar.event"]
        if self.event_id:
            self.event_id._permanence_move(start, agenda)
            if self.call_id:
                self.call_id._finish(
                    "appointment",
                    body=_(
                        "Appointment moved to %s.",
                        event_model._format_local(start, agenda),
                    ),
                )
            return {"type": "ir.actions.act_window_close"}
        call = self.call_id
        vals = {
            "caller_name": self.caller_name,
            "caller_email": self.caller_email,
            "booking_reason": self.reason,
            "description": self.notes,
        }
        if call:
            vals.update(
                {
                    "call_id": call.id,
                    "caller_number": call.caller_number,
                    "caller_partner_id": call._permanence_caller_partner().id,
                }
            )
        if self.caller_name:
            vals["name"] = f"{atype.name} - {self.caller_name}"
        event = event_model._permanence_book(atype, agenda, start, vals)
        event._permanence_notify("booked")
        if call:
            call._finish(
                "appointment",
                body=_(
                    "Appointment booked: %(type)s with %(agenda)s, %(when)s.",
                    type=atype.name,
                    agenda=agenda.name,
                    when=event_model._format_local(start, agenda),
                ),
            )
        return {"type": "ir.actions.act_window_close"}
