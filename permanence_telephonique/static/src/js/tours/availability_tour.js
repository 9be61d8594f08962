/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * A client's portal user (Martin, in French) says from the portal that
 * Isabelle is in a meeting, Paul taking her emergencies. The Python test
 * (tests/test_availability_tour.py) creates the account, its two
 * interlocutors and the portal user, then checks the status in the database.
 */
registry.category("web_tour.tours").add("permanence_portal_availability", {
    url: "/my/permanence",
    steps: () => [
        {
            content: "Open the availability page from the overview",
            trigger: "a.o_permanence_availability_entry",
            run: "click",
        },
        {
            content: "Both interlocutors are listed",
            trigger: ".o_permanence_availability_table:contains(Isabelle Roux DISPO)",
        },
        {
            content: "Choose Isabelle",
            trigger: "select#availability_interlocutor",
            run: "selectByLabel Isabelle Roux DISPO",
        },
        {
            content: "She is in a meeting",
            trigger: "select#availability_kind",
            run: "select meeting",
        },
        {
            content: "Paul takes her emergencies",
            trigger: "select#availability_replacement",
            run: "selectByLabel Paul Martin DISPO",
        },
        {
            content: "Say why",
            trigger: "input#availability_note",
            run: "edit Réunion de service",
        },
        {
            content: "Save the status",
            trigger: "button.o_permanence_availability_save",
            run: "click",
        },
        {
            content: "The page confirms",
            trigger: ".o_permanence_availability_done",
        },
        {
            content: "Isabelle is shown away, with her replacement",
            trigger:
                ".o_permanence_status_row:contains(Isabelle Roux DISPO) .o_permanence_status_label:contains(Paul Martin DISPO)",
        },
    ],
});

/**
 * An operator (in French) opens the console on the account: the list of
 * interlocutors shows first that Isabelle is away, in red.
 */
registry.category("web_tour.tours").add("permanence_console_availability", {
    url: "/odoo/action-permanence_telephonique.action_permanence_call_console",
    steps: () => [
        {
            content: "Find the client account by its name",
            trigger: ".o_form_view .o_field_widget[name=client_id] input",
            run: "edit Cabinet DISPO",
        },
        {
            content: "Choose it",
            trigger:
                ".o_field_widget[name=client_id] .o-autocomplete--dropdown-item a:contains(Cabinet DISPO)",
            run: "click",
        },
        {
            content: "Open the interlocutors",
            trigger: ".o_notebook a.nav-link[name=interlocutors]",
            run: "click",
        },
        {
            content: "Isabelle's status comes first in her row, in red",
            trigger:
                ".o_field_widget[name=interlocutor_ids] tr.o_data_row:contains(Isabelle Roux DISPO) td[name=current_status_label] .text-bg-danger:contains(Paul Martin DISPO)",
        },
        {
            content: "Paul has no status",
            trigger:
                ".o_field_widget[name=interlocutor_ids] tr.o_data_row:contains(Paul Martin DISPO) td[name=current_status_label]:not(:has(.badge))",
        },
        {
            content: "No call to record: discard the sheet",
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            content: "Nothing left unsaved",
            trigger: "body:not(:has(.o_form_dirty))",
        },
    ],
});
