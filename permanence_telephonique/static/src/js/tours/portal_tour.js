/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * A client reads a message in the portal and acknowledges it. The Python
 * test (tests/test_portal.py) creates the portal user and a sent message
 * whose subject contains "Fuite d'eau TOUR", then checks in the database
 * that the message is acknowledged by that user.
 */
registry.category("web_tour.tours").add("permanence_portal_messages", {
    url: "/my/permanence",
    steps: () => [
        {
            content: "The overview counts the message to acknowledge",
            trigger: ".o_permanence_unack_count:contains(1)",
        },
        {
            content: "Open the list of messages",
            trigger: ".o_permanence_portal_nav a.o_permanence_nav_messages",
            run: "click",
        },
        {
            content: "Open the message",
            trigger:
                ".o_permanence_message_row a.o_permanence_message_link:contains(Fuite d'eau TOUR)",
            run: "click",
        },
        {
            content: "The message shows the caller",
            trigger: ".o_permanence_message .o_permanence_caller:contains(Jeanne Tour)",
        },
        {
            content: "Acknowledge the message",
            trigger: ".o_permanence_message button.o_permanence_acknowledge",
            run: "click",
        },
        {
            content: "The page confirms the acknowledgement",
            trigger: ".o_permanence_ack_done",
        },
        {
            content: "The message is shown acknowledged, without the button",
            trigger:
                ".o_permanence_message:not(:has(.o_permanence_acknowledge)) .o_permanence_message_state:contains(Acknowledged)",
        },
    ],
});
