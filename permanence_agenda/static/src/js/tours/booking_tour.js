/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * An operator books an appointment from the console during a call: opens
 * the booking assistant, pages forward, and books the first slot shown. The
 * Python test creates the call and the agenda, then checks the booking.
 */
registry.category("web_tour.tours").add("permanence_agenda_console_booking", {
    steps: () => [
        {
            content: "The console shows the call",
            trigger: ".o_form_view .o_field_widget[name=caller_name] input:value(Marie Tour)",
        },
        {
            content: "Book an appointment",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_book_appointment]:contains(Prendre un rendez-vous)",
            run: "click",
        },
        {
            content: "The assistant shows the type's instructions",
            trigger: ".modal .o_field_widget[name=instructions]:contains(Ask for the reason)",
        },
        {
            content: "The first free slots are listed",
            trigger: ".modal .o_field_widget[name=slot_ids] .o_data_row",
        },
        {
            content: "Page forward",
            trigger: ".modal button[name=action_next_page]",
            run: "click",
        },
        {
            content: "Later slots are listed",
            trigger: ".modal .o_field_widget[name=slot_ids] .o_data_row",
        },
        {
            content: "Book the first slot shown",
            trigger:
                ".modal .o_field_widget[name=slot_ids] .o_data_row:first button[name=action_book]",
            run: "click",
        },
        {
            content: "The assistant closes and the call is done, without error",
            trigger:
                "body:not(:has(.modal)):not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name=outcome]",
        },
    ],
});
