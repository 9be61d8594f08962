/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/* An operator's journeys, in French, with the operator's hands only: the
 * Python tests (test_operator_tours.py) set up the client and post the PBX
 * events over HTTP, then check the database. */

registry.category("web_tour.tours").add("permanence_voip_ring_to_message", {
    steps: () => [
        {
            content: "The operator waits on an empty console",
            trigger:
                ".o_form_view .o_form_editable .o_field_widget[name=client_id] input",
        },
        {
            content: "The PBX rings: the call pops up with the recognised caller",
            trigger:
                ".o_notification:contains(Appel entrant : Plomberie Test)" +
                ":contains(Marc Plombier):contains(06 01 02 03 04)" +
                " .o_notification_buttons button:contains(Ouvrir)",
            timeout: 60000,
            run: "click",
        },
        {
            content: "The console reads the greeting",
            trigger:
                ".o_field_widget[name=greeting_script]:contains(que puis-je pour vous)",
        },
        {
            content: "The caller is recognised on the call sheet",
            trigger: ".o_field_widget[name=caller_name] input:value(Marc Plombier)",
        },
        {
            content: "Read the client's instructions",
            trigger: ".o_notebook .nav-link:contains(Consignes)",
            run: "click",
        },
        {
            content: "The instructions are shown",
            trigger: ".o_field_widget[name=client_instructions]:contains(compteur)",
        },
        {
            content: "Read the FAQ",
            trigger: ".o_notebook .nav-link:contains(FAQ)",
            run: "click",
        },
        {
            content: "The FAQ answers the caller",
            trigger: ".o_field_widget[name=faq_ids] td:contains(Du lundi au vendredi)",
        },
        {
            content: "Take a message",
            trigger: ".o_statusbar_buttons button:contains(Prendre un message)",
            run: "click",
        },
        {
            content: "The message dialog knows the caller",
            trigger: ".modal .o_field_widget[name=caller_name] input:value(Marc Plombier)",
        },
        {
            content: "Write the message",
            trigger:
                ".modal .o_field_html[name=body] .odoo-editor-editable :is(p, div.o-paragraph)",
            run: "editor Merci de rappeler pour le devis de la salle de bains",
        },
        {
            content: "Send it",
            trigger: ".modal footer button:contains(Envoyer)",
            run: "click",
        },
        {
            content: "The closing script is shown to read to the caller",
            trigger:
                ".o_notification:contains(M. Plombier vous rappelle)",
        },
        {
            content: "The dialog is closed and the call is done",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_status " +
                "button.o_arrow_button_current:contains(Terminé)",
        },
    ],
});

registry.category("web_tour.tours").add("permanence_voip_emergency", {
    steps: () => [
        {
            content: "The console shows the call",
            trigger: ".o_field_widget[name=greeting_script]:contains(Plomberie Test)",
        },
        {
            content: "Choose the reason of the call",
            trigger: ".o_field_widget[name=reason_id] input",
            run: "edit Dégât",
        },
        {
            content: "Pick the water damage reason",
            trigger:
                ".o_field_widget[name=reason_id] .o-autocomplete--dropdown-item a:contains(Dégât des eaux)",
            run: "click",
        },
        {
            content: "Leave the reason field",
            trigger: ".o_field_widget[name=reason_id] input:value(Dégât des eaux)",
            run: "click .o_field_widget[name=greeting_script]",
        },
        {
            content: "The reason calls for the on-call escalation",
            trigger: ".o_field_widget[name=reason_action]:contains(Escalader)",
        },
        {
            content: "Start the emergency procedure",
            trigger: ".o_statusbar_buttons button.btn-danger:contains(Procédure)",
            run: "click",
        },
        {
            content:
                "The escalation panel shows the first step and whom to call, " +
                "in national format",
            trigger:
                ".o_permanence_emergency_panel .o_kanban_record:contains(Étape :)" +
                ":contains(Urgence):contains(06 ):not(:contains(+33))",
        },
        {
            content: "The on-call person does not answer",
            trigger:
                ".o_permanence_emergency_panel button:contains(Pas de réponse)",
            run: "click",
        },
        {
            content: "The panel moves on to the backup",
            trigger:
                ".o_permanence_emergency_panel .o_kanban_record:contains(Étape :)" +
                ":contains(renfort)",
        },
        {
            content: "The backup takes the emergency",
            trigger: ".o_permanence_emergency_panel button:contains(Joint / accepté)",
            run: "click",
        },
        {
            content: "The panel says who took it",
            trigger: ".o_permanence_emergency_panel .o_kanban_record:contains(Pris par)",
        },
    ],
});

registry.category("web_tour.tours").add("permanence_voip_presence", {
    steps: () => [
        {
            content: "An empty console, the operator on a break",
            trigger:
                ".o_form_view .o_form_editable .o_field_widget[name=client_id] input",
        },
        {
            content: "The navbar shows the presence",
            trigger: ".o_permanence_presence[data-presence=pause]:contains(En pause)",
            run: "click",
        },
        {
            content: "Become available",
            trigger: ".o_permanence_presence_menu .o_permanence_presence_available",
            run: "click",
        },
        {
            content: "The operator is available",
            trigger: ".o_permanence_presence[data-presence=available]:contains(Disponible)",
            run: "click",
        },
        {
            content: "Go on a break",
            trigger:
                ".o_permanence_presence_menu .o_permanence_presence_pause[data-reason=break]",
            run: "click",
        },
        {
            content: "The operator is on a break, with no error on the console",
            trigger:
                "body:not(:has(.o_notification_manager .o_notification.border-danger))" +
                " .o_permanence_presence[data-presence=pause]:contains(En pause)",
        },
    ],
});
