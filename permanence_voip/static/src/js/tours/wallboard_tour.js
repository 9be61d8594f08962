/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/* A supervisor, in French, opens the live wallboard from the menu; the PBX
 * then rings a call, an operator answers it and the caller hangs up: each
 * signed event (posted here as the PBX would, with the test PBX's secret)
 * reaches the open board over the bus, without a reload. The Python test
 * (test_wallboard_tour.py) sets up the PBX and checks the database. */

const TEST_PBX_SECRET = "s3cr3t-for-tests";
const CALL_ID = "wb-tour-1";
const TILE = ".o_wallboard_tile:contains(Plomberie Test)";

async function sign(body) {
    const encoder = new TextEncoder();
    const key = await crypto.subtle.importKey(
        "raw",
        encoder.encode(TEST_PBX_SECRET),
        {name: "HMAC", hash: "SHA-256"},
        false,
        ["sign"]
    );
    const digest = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
    return [...new Uint8Array(digest)]
        .map((byte) => byte.toString(16).padStart(2, "0"))
        .join("");
}

/** What the PBX does: post a signed event to the webhook. */
async function pbxEvent(kind, extra = {}) {
    const body = JSON.stringify({
        pbx: "paris",
        event: kind,
        call_id: CALL_ID,
        from: "+33 6 01 02 03 04",
        to: "01 48 00 00 01",
        timestamp: new Date().toISOString(),
        ...extra,
    });
    const response = await fetch("/permanence/voip/event", {
        method: "POST",
        headers: {
            "Content-Type": "application/json",
            "X-Permanence-Signature": `sha256=${await sign(body)}`,
        },
        body,
    });
    if (!response.ok) {
        throw new Error(`The webhook refused the ${kind} event: ${response.status}`);
    }
}

registry.category("web_tour.tours").add("permanence_voip_wallboard", {
    steps: () => [
        {
            content: "Open the live wallboard from the menu",
            trigger:
                ".o_menu_sections [data-menu-xmlid='permanence_voip.menu_permanence_wallboard']",
            run: "click",
        },
        {
            content: "The board lists the operators, nothing rings",
            trigger:
                ".o_wallboard .o_wallboard_operators tr:contains(Olivia Operator)" +
                ".o_wallboard_presence_available",
        },
        {
            content: "The PBX rings a call for Plomberie Test",
            trigger: ".o_wallboard .o_wallboard_ringing:not(:has(tr:contains(Plomberie Test)))",
            run: async () => {
                window.permanenceWallboardNotReloaded = true;
                await pbxEvent("ringing");
            },
        },
        {
            content: "The ringing call appears with its live wait",
            trigger: ".o_wallboard_ringing tr:contains(Plomberie Test) .o_wallboard_wait",
            timeout: 20000,
        },
        {
            content: "The tile counts one call ringing",
            trigger: `${TILE} .o_wallboard_tile_ringing:contains(1)`,
        },
        {
            content: "The operator answers",
            trigger: ".o_wallboard_ringing tr:contains(Plomberie Test)",
            run: async () => {
                await pbxEvent("answered", {operator: "201"});
            },
        },
        {
            content: "The call moves to the calls in progress, with its operator",
            trigger: ".o_wallboard_ongoing tr:contains(Plomberie Test):contains(Olivia Operator)",
            timeout: 20000,
        },
        {
            content: "It no longer rings",
            trigger: ".o_wallboard_ringing:not(:has(tr:contains(Plomberie Test)))",
        },
        {
            content: "The operator is shown on a call",
            trigger: ".o_wallboard_operators tr:contains(Olivia Operator).o_wallboard_presence_busy",
            timeout: 20000,
        },
        {
            content: "The caller hangs up",
            trigger: `${TILE} .o_wallboard_tile_ringing:contains(0)`,
            run: async () => {
                await pbxEvent("hangup");
            },
        },
        {
            content: "Answered within the target: 100 % service level",
            trigger: `${TILE} .o_wallboard_tile_sl:contains(100)`,
            timeout: 20000,
        },
        {
            content: "No call left in progress for the client, and no reload",
            trigger: ".o_wallboard_ongoing:not(:has(tr:contains(Plomberie Test)))",
            run: () => {
                if (!window.permanenceWallboardNotReloaded) {
                    throw new Error("The board was reloaded");
                }
            },
        },
    ],
});
