/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

function services() {
    return odoo.__WOWL_DEBUG__.root.env.services;
}

registry.category("web_tour.tours").add("permanence_voip_console", {
    steps: () => [
        {
            content: "The screen pop service is running",
            trigger: ".o_form_view .o_form_button_save, .o_form_view",
            run() {
                if (!odoo.loader.modules.has("@permanence_voip/js/screen_pop")) {
                    throw new Error("screen pop service not loaded");
                }
            },
        },
        {
            content: "The caller can be called back through the PBX",
            trigger: ".o_form_view button[name='action_voip_dial']",
        },
        {
            content: "Open the interlocutors",
            trigger: ".o_notebook a[name='interlocutors']",
            run: "click",
        },
        {
            content: "Operators see the PBX dial button next to phone fields",
            trigger: ".o_field_phone .o_permanence_pbx_dial",
        },
        {
            content: "Open the status control",
            trigger: ".o_permanence_presence[data-presence=available]",
            run: "click",
        },
        {
            content: "Go on a break",
            trigger: ".o_permanence_presence_menu .o_permanence_presence_pause[data-reason=break]",
            run: "click",
        },
        {
            content: "The status control shows the break",
            trigger: ".o_permanence_presence[data-presence=pause][data-reason=break]",
        },
        {
            content: "A call rings (what the bus delivers)",
            trigger: ".o_form_view",
            async run() {
                const {orm, permanence_screen_pop: pop} = services();
                const [ringing, other] = await orm.search(
                    "permanence.call",
                    [["external_id", "in", ["tour-ring-1", "tour-ring-2"]]],
                    {order: "external_id"}
                );
                window.permanenceTourCalls = [ringing, other];
                pop.ring({
                    call_id: ringing,
                    client: "Plomberie Test",
                    caller: "Marc Plombier",
                    number: "+33601020304",
                });
            },
        },
        {
            content: "The operator opens the ringing call",
            trigger:
                ".o_notification:contains(Incoming call: Plomberie Test) " +
                "button:contains(Open the call)",
            run: "click",
        },
        {
            content: "The console shows that call",
            trigger: ".o_breadcrumb .o_back_button",
            run() {
                const [ringing] = window.permanenceTourCalls;
                if (!window.location.pathname.endsWith(`/${ringing}`)) {
                    throw new Error(`console not on call ${ringing}`);
                }
            },
        },
        {
            content: "Another call rings",
            trigger: "body:not(:has(.o_notification))",
            run() {
                const [, other] = window.permanenceTourCalls;
                services().permanence_screen_pop.ring({
                    call_id: other,
                    client: "Plomberie Test",
                    caller: "",
                    number: "",
                });
            },
        },
        {
            content: "Someone else answers it",
            trigger: ".o_notification:contains(Incoming call)",
            run() {
                const [, other] = window.permanenceTourCalls;
                services().permanence_screen_pop.answered({
                    call_id: other,
                    answered_by: -1,
                });
            },
        },
        {
            content: "The notification is gone",
            trigger: "body:not(:has(.o_notification))",
        },
    ],
});
