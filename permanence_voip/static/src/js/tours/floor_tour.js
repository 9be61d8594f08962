/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const NO_ERROR =
    "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))";

registry.category("web_tour.tours").add("permanence_voip_floor", {
    steps: () => [
        {
            content: "The console shows the call waiting in the queue panel",
            trigger: ".o_permanence_queue .o_permanence_queue_call:contains(Jeanne Appelante)",
        },
        {
            content: "The status control says: on a break",
            trigger: ".o_permanence_presence[data-presence=pause]:contains(En pause)",
            run: "click",
        },
        {
            content: "Go to lunch",
            trigger:
                ".o_permanence_presence_menu .o_permanence_presence_pause[data-reason=lunch]",
            run: "click",
        },
        {
            content: "On a lunch break, with the time in this state",
            trigger:
                ".o_permanence_presence[data-presence=pause][data-reason=lunch]" +
                " .o_permanence_presence_time:contains(0:0)",
            run: "click",
        },
        {
            content: "Back: available",
            trigger: ".o_permanence_presence_menu .o_permanence_presence_available",
            run: "click",
        },
        {
            content: "The operator is available",
            trigger: ".o_permanence_presence[data-presence=available]:contains(Disponible)",
        },
        {
            content: "Take the call waiting, by clicking it in the queue",
            trigger: ".o_permanence_queue_call:contains(Plomberie Test)",
            run: "click",
        },
        {
            content: "The console shows the call taken, the queue is empty",
            trigger:
                ".o_permanence_queue .o_permanence_queue_empty" +
                ":not(:has(.o_permanence_queue_call))",
        },
        {
            content: "The status control says: on a call",
            trigger: ".o_permanence_presence[data-presence=busy]",
        },
        {
            content: "The sheet is the taken call's",
            trigger: ".o_breadcrumb .active:contains(APP/):not(:contains(Nouveau))",
        },
        {
            content: "No error on screen",
            trigger: NO_ERROR,
        },
    ],
});
