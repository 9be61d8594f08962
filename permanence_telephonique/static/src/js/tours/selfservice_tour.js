/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const NO_ERROR = "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))";

/**
 * A client (Marc Durand, plumber) asks the answering service, from the
 * portal, to take his calls during tomorrow's lunch break. The Python test
 * (tests/test_selfservice_tour.py) checks the period saved.
 */
registry.category("web_tour.tours").add("permanence_selfservice_lunch", {
    url: "/my/permanence",
    steps: () => [
        {
            content: "The overview offers to switch the service on or off",
            trigger: "a.o_permanence_service_card",
            run: "click",
        },
        {
            content: "No period is planned yet",
            trigger: ".o_permanence_service_none",
        },
        {
            content: "Service on: take my calls",
            trigger: ".o_permanence_service_form select[name=mode]",
            run: "select on",
        },
        {
            content: "Reason: the lunch break",
            trigger: ".o_permanence_service_form select[name=reason]",
            run: "select lunch",
        },
        {
            content: "A note for the operators",
            trigger: ".o_permanence_service_form input[name=note]",
            run: "edit pause déjeuner",
        },
        {
            content: "Save the period (tomorrow, 12:00 to 14:00 as proposed)",
            trigger: ".o_permanence_service_form button.o_permanence_service_submit",
            run: "click",
        },
        {
            content: "The period is recorded",
            trigger: ".o_permanence_service_sent",
        },
        {
            content: "It is listed, with the note, and can be cancelled",
            trigger:
                ".o_permanence_service_planned .o_permanence_service_on:contains(pause déjeuner) .o_permanence_service_cancel",
        },
        {
            content: "Its times are those of the client",
            trigger: ".o_permanence_service_planned .o_permanence_service_dates:contains(12:00):contains(14:00)",
        },
    ],
});

/**
 * A supervisor (Nadia) opens the client change requests from the menu,
 * reads the difference proposed for an interlocutor and applies it. The
 * Python test checks the interlocutor.
 */
registry.category("web_tour.tours").add("permanence_selfservice_interlocutor_change", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Permanence",
            trigger: ".o-dropdown--menu .o_app:contains(Permanence)",
            run: "click",
        },
        {
            content: "The Permanence app is open",
            trigger: ".o_main_navbar .o_menu_brand:contains(Permanence)",
        },
        {
            content: "Open the client change requests",
            trigger: ".o_menu_sections .dropdown-item:contains(Demandes des clients), .o_menu_sections button:contains(Demandes des clients)",
            run: "click",
        },
        {
            content: "The change requests are listed",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains(Demandes des clients)",
        },
        {
            content: "Open the request of the plumber",
            trigger: ".o_list_view .o_data_row td:contains(Plomberie Relais)",
            run: "click",
        },
        {
            content: "The difference shows the new transfer number",
            trigger:
                ".o_form_view .o_field_widget[name=interlocutor_diff] .o_permanence_diff_changed ins:contains(06 99 88 77 66)",
        },
        {
            content: "and the current role, crossed out",
            trigger:
                ".o_form_view .o_field_widget[name=interlocutor_diff] .o_permanence_diff_changed del:contains(Gérant)",
        },
        {
            content: "Appliquer",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Appliquer)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The request is applied, without error",
            trigger: `${NO_ERROR} .o_form_view:not(:has(button[name=action_apply]))`,
        },
    ],
});
