/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const NO_ERROR = "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))";

/**
 * The caller of an appointment calls back: the operator, in French, finds
 * the appointment on the console's Rendez-vous tab, moves it to another
 * slot, then cancels it. The Python test books it first (with the booking
 * tour) and checks the event afterwards.
 */
registry.category("web_tour.tours").add("permanence_agenda_console_move_cancel", {
    steps: () => [
        {
            content: "The console shows the call back",
            trigger: ".o_form_view .o_field_widget[name=caller_name] input:value(Marie Tour)",
        },
        {
            content: "Rendez-vous tab",
            trigger: ".o_notebook .nav-link:contains(Rendez-vous)",
            run: "click",
        },
        {
            content: "Déplacer the caller's appointment",
            trigger:
                ".o_field_widget[name=caller_appointment_ids] .o_data_row:first button[name=action_permanence_open_move]",
            run: "click",
        },
        {
            content: "Free slots to move to",
            trigger: ".modal .o_field_widget[name=slot_ids] .o_data_row",
        },
        {
            content: "Move to the second slot shown",
            trigger:
                ".modal .o_field_widget[name=slot_ids] .o_data_row:eq(1) button[name=action_book]",
            run: "click",
        },
        {
            content: "Moved, without error",
            trigger: `${NO_ERROR}:not(:has(.modal)) .o_form_view`,
        },
        {
            content: "Rendez-vous tab again",
            trigger: ".o_notebook .nav-link:contains(Rendez-vous)",
            run: "click",
        },
        {
            content: "Annuler the appointment",
            trigger:
                ".o_field_widget[name=caller_appointment_ids] .o_data_row:first button[name=action_permanence_cancel_from_call]",
            run: "click",
        },
        {
            content: "Confirm the cancellation",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Cancelled: no appointment left for this caller, no error",
            trigger: `${NO_ERROR}:not(:has(.modal)) .o_field_widget[name=caller_appointment_ids]:not(:has(.o_data_row))`,
        },
    ],
});

/**
 * A supervisor gives a client a shared agenda and an appointment type,
 * from the Configuration menu, in French.
 */
registry.category("web_tour.tours").add("permanence_agenda_supervisor_setup", {
    steps: () => [
        {
            content: "Open the Configuration menu",
            trigger: ".o_menu_sections button:contains(Configuration)",
            run: "click",
        },
        {
            content: "Agendas partagés",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Agendas partagés)",
            run: "click",
        },
        {
            content: "Agendas partagés is open",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains(Agendas partagés)",
        },
        {
            content: "Nouveau",
            trigger: ".o_control_panel_main_buttons button:contains(Nouveau)",
            run: "click",
        },
        {
            content: "Agenda name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Dr Jeanne Dupont",
        },
        {
            content: "Compte client",
            trigger: ".o_form_view .o_field_widget[name=client_id] input",
            run: "edit Cabinet Dupont",
        },
        {
            content: "The client is offered",
            trigger: ".o-autocomplete--dropdown-item a:contains(Cabinet Dupont)",
            run: "click",
        },
        {
            content: "Interlocutor",
            trigger: ".o_form_view .o_field_widget[name=interlocutor_id] input",
            run: "edit Jeanne",
        },
        {
            content: "The client's interlocutor is offered",
            trigger: ".o-autocomplete--dropdown-item a:contains(Jeanne Dupont)",
            run: "click",
        },
        {
            content: "Availability",
            trigger: ".o_form_view .o_field_widget[name=resource_calendar_id] input",
            run: "edit Horaires cabinet",
        },
        {
            content: "Choose the hours",
            trigger: ".o-autocomplete--dropdown-item a:contains(Horaires cabinet)",
            run: "click",
        },
        {
            content: "Save the agenda",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, without error",
            trigger: `${NO_ERROR} .o_form_view .o_form_saved`,
        },
        {
            content: "Open the Configuration menu",
            trigger: ".o_menu_sections button:contains(Configuration)",
            run: "click",
        },
        {
            content: "Types de rendez-vous",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Types de rendez-vous)",
            run: "click",
        },
        {
            content: "Types de rendez-vous is open",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains(Types de rendez-vous)",
        },
        {
            content: "Nouveau",
            trigger: ".o_control_panel_main_buttons button:contains(Nouveau)",
            run: "click",
        },
        {
            content: "Type name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Première consultation",
        },
        {
            content: "Compte client",
            trigger: ".o_form_view .o_field_widget[name=client_id] input",
            run: "edit Cabinet Dupont",
        },
        {
            content: "The client is offered",
            trigger: ".o-autocomplete--dropdown-item a:contains(Cabinet Dupont)",
            run: "click",
        },
        {
            content: "Agendas of the type",
            trigger: ".o_form_view .o_field_widget[name=agenda_ids] input",
            run: "edit Jeanne",
        },
        {
            content: "The client's agenda is offered",
            trigger: ".o-autocomplete--dropdown-item a:contains(Dr Jeanne Dupont)",
            run: "click",
        },
        {
            content: "Save the type",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, without error",
            trigger: `${NO_ERROR} .o_form_view .o_form_saved`,
        },
    ],
});
