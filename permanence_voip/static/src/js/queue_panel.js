/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useBus, useService} from "@web/core/utils/hooks";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {PRESENCE_CHANGED, REFRESH_PRESENCE, formatSeconds} from "./presence_systray";

/**
 * The queue panel of the console: the calls ringing now that this operator
 * may take, oldest first, with their live wait. Kept up to date by the bus
 * notifications ring (a call joins) and close (someone answered or the
 * caller hung up); loaded again when the operator's state changes (ring
 * notifications only reach available operators). Clicking a call takes it
 * and opens it in the console.
 */
export class PermanenceQueuePanel extends Component {
    static template = "permanence_voip.QueuePanel";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.busService = useService("bus_service");
        this.state = useState({calls: [], now: Date.now(), taking: false});
        onWillStart(() => this.load());
        const onRing = (payload) => this.add(payload);
        const onClose = (payload) => this.remove(payload.call_id);
        this.busService.subscribe("permanence_voip/ring", onRing);
        this.busService.subscribe("permanence_voip/close", onClose);
        useBus(this.env.bus, PRESENCE_CHANGED, () => this.load());
        this.timer = setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUnmount(() => {
            clearInterval(this.timer);
            this.busService.unsubscribe("permanence_voip/ring", onRing);
            this.busService.unsubscribe("permanence_voip/close", onClose);
        });
    }

    entry(payload) {
        // The wait as the server counted it, then by this screen's clock.
        return {...payload, received: Date.now(), wait: payload.wait || 0};
    }

    async load() {
        const payloads = await this.orm.silent.call(
            "permanence.call",
            "permanence_voip_queue",
            []
        );
        this.state.calls = payloads.map((payload) => this.entry(payload));
    }

    add(payload) {
        if (this.state.calls.some((call) => call.call_id === payload.call_id)) {
            return;
        }
        const calls = [...this.state.calls, this.entry(payload)];
        calls.sort((a, b) => this.waitOf(b) - this.waitOf(a));
        this.state.calls = calls;
    }

    remove(callId) {
        this.state.calls = this.state.calls.filter((call) => call.call_id !== callId);
    }

    waitOf(call) {
        return call.wait + (this.state.now - call.received) / 1000;
    }

    formatWait(call) {
        return formatSeconds(this.waitOf(call));
    }

    async take(call) {
        if (this.state.taking) {
            return;
        }
        this.state.taking = true;
        try {
            const consoleAction = await this.orm.call(
                "permanence.call",
                "action_voip_take",
                [[call.call_id]]
            );
            this.remove(call.call_id);
            // On a call now: the status control says so at once.
            this.env.bus.trigger(REFRESH_PRESENCE);
            await this.action.doAction(consoleAction);
        } catch (error) {
            // Taken by someone else meanwhile: the error says so; the list
            // is read again.
            await this.load();
            throw error;
        } finally {
            this.state.taking = false;
        }
    }
}

registry.category("view_widgets").add("permanence_voip_queue", {
    component: PermanenceQueuePanel,
});
