/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";

/**
 * Screen pop: the server sends "permanence_voip/ring" to the available
 * operators allowed for the call's client, and "permanence_voip/close" once
 * somebody answered or the caller hung up. A ringing call shows a sticky
 * notification with a button opening the operator console on that call; the
 * operator named by the PBX on "answered" gets the console opened at once.
 */
export const permanenceScreenPopService = {
    dependencies: ["action", "bus_service", "notification", "orm"],

    start(env, {action, bus_service, notification, orm}) {
        const open = new Map();

        async function openConsole(callId) {
            const consoleAction = await orm.call(
                "permanence.call",
                "action_open_console",
                [[callId]]
            );
            await action.doAction(consoleAction);
        }

        function close(callId) {
            const remove = open.get(callId);
            if (remove) {
                open.delete(callId);
                remove();
            }
        }

        function ring(payload) {
            if (open.has(payload.call_id)) {
                return;
            }
            const lines = [payload.caller, payload.number].filter(Boolean);
            const remove = notification.add(lines.join(" — ") || _t("Caller"), {
                title: _t("Incoming call: %s", payload.client),
                type: "info",
                sticky: true,
                onClose: () => open.delete(payload.call_id),
                buttons: [
                    {
                        name: _t("Open the call"),
                        primary: true,
                        onClick: async () => {
                            close(payload.call_id);
                            await openConsole(payload.call_id);
                        },
                    },
                ],
            });
            open.set(payload.call_id, remove);
        }

        async function answered(payload) {
            close(payload.call_id);
            if (payload.answered_by && payload.answered_by === user.userId) {
                await openConsole(payload.call_id);
            }
        }

        bus_service.subscribe("permanence_voip/ring", ring);
        bus_service.subscribe("permanence_voip/close", answered);
        bus_service.start();
        // A screen (re)loaded while a call rings still pops it up.
        orm.silent
            .call("permanence.call", "permanence_voip_ringing", [])
            .then((payloads) => payloads.forEach(ring))
            .catch(() => {});
        return {ring, answered, openConsole};
    },
};

registry.category("services").add("permanence_screen_pop", permanenceScreenPopService);
