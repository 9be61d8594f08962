/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useBus, useService} from "@web/core/utils/hooks";

const COLOURS = {
    available: "text-success",
    busy: "text-danger",
    wrapup: "text-info",
    pause: "text-warning",
    offline: "text-muted",
};
export const PRESENCE_CHANGED = "PERMANENCE_VOIP:PRESENCE_CHANGED";
export const REFRESH_PRESENCE = "PERMANENCE_VOIP:REFRESH_PRESENCE";

export function formatSeconds(total) {
    const seconds = Math.max(0, Math.floor(total));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours
        ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}`
        : `${minutes}:${rest}`;
}

/**
 * The operator's status control, in the navbar of every screen (the console
 * included): the state, the time in it and the break reason; a menu to be
 * available or go on a break for a reason. The PBX's changes (on a call,
 * wrap-up) arrive over the bus. Labels are the fields' selections, in the
 * user's language.
 */
export class PermanencePresenceSystray extends Component {
    static template = "permanence_voip.PresenceSystray";
    static components = {Dropdown, DropdownItem};
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.busService = useService("bus_service");
        this.state = useState({
            operator: false,
            presence: false,
            reason: false,
            presences: {},
            reasons: [],
            since: Date.now(),
            now: Date.now(),
        });
        onWillStart(async () => {
            const operator = await user.hasGroup(
                "permanence_telephonique.group_permanence_operator"
            );
            if (operator) {
                await this.refresh();
            }
        });
        useBus(this.env.bus, REFRESH_PRESENCE, () => this.refresh());
        const onPresence = (payload) => this.apply(payload);
        this.busService.subscribe("permanence_voip/presence", onPresence);
        this.timer = setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUnmount(() => {
            clearInterval(this.timer);
            this.busService.unsubscribe("permanence_voip/presence", onPresence);
        });
    }

    get colour() {
        return COLOURS[this.state.presence] || "text-muted";
    }

    get elapsed() {
        return formatSeconds((this.state.now - this.state.since) / 1000);
    }

    get reasonLabel() {
        const found = this.state.reasons.find(([key]) => key === this.state.reason);
        return found ? found[1] : "";
    }

    apply(status) {
        if (!status || !status.operator) {
            return;
        }
        const changed =
            status.presence !== this.state.presence ||
            status.reason !== this.state.reason;
        Object.assign(this.state, {
            operator: true,
            presence: status.presence,
            reason: status.reason,
            since: Date.now() - (status.seconds || 0) * 1000,
            now: Date.now(),
        });
        if (status.presences) {
            this.state.presences = Object.fromEntries(status.presences);
            this.state.reasons = status.reasons;
        }
        if (changed) {
            this.env.bus.trigger(PRESENCE_CHANGED, {presence: status.presence});
        }
    }

    async refresh() {
        this.apply(await this.orm.call("res.users", "permanence_presence_status", []));
    }

    async setAvailable() {
        await this.orm.call("res.users", "action_permanence_available", [
            [user.userId],
        ]);
        await this.refresh();
    }

    async setPause(reason) {
        await this.orm.call("res.users", "action_permanence_pause", [[user.userId]], {
            reason,
        });
        await this.refresh();
    }
}

registry
    .category("systray")
    .add(
        "permanence_voip.presence",
        {Component: PermanencePresenceSystray},
        {sequence: 90}
    );
