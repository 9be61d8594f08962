/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * An operator answers a call for "Cabinet Martin TOUR" from the console and
 * sends a standard message. The Python test creates the client (code TOUR,
 * active, one interlocutor receiving messages) and the operator user, then
 * checks the call and the message in the database.
 */
registry.category("web_tour.tours").add("permanence_console_take_message", {
    url: "/odoo/action-permanence_telephonique.action_permanence_call_console",
    steps: () => [
        {
            content: "The console opens on a new call sheet",
            trigger: ".o_form_view .o_form_editable .o_field_widget[name=client_id] input",
        },
        {
            content: "Find the client account by its name",
            trigger: ".o_field_widget[name=client_id] input",
            run: "edit Cabinet",
        },
        {
            content: "Choose Cabinet Martin TOUR",
            trigger:
                ".o_field_widget[name=client_id] .o-autocomplete--dropdown-item a:contains(Cabinet Martin TOUR)",
            run: "click",
        },
        {
            content: "The greeting script is shown to read on pick-up",
            trigger:
                ".o_field_widget[name=greeting_script]:contains(Claire à votre écoute)",
        },
        {
            content: "Type the caller's number",
            trigger: ".o_field_widget[name=caller_number_raw] input",
            run: "edit 06 12 34 56 78",
        },
        {
            content: "Type the caller's name",
            trigger: ".o_field_widget[name=caller_name] input",
            run: "edit Jean Dupont",
        },
        {
            content: "Take a message",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_take_message]",
            run: "click",
        },
        {
            content: "The message dialog proposes the caller's name",
            trigger: ".modal .o_field_widget[name=caller_name] input:value(Jean Dupont)",
        },
        {
            content: "Write the message",
            trigger:
                ".modal .o_field_html[name=body] .odoo-editor-editable :is(p, div.o-paragraph)",
            run: "editor Merci de rappeler pour un rendez-vous",
        },
        {
            content: "Send the message",
            trigger: ".modal button[name=action_send_and_close]",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The call is closed once the message is sent",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});
