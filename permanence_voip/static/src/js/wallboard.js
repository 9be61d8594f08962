/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onMounted, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

const BUS_TYPE = "permanence_voip/wallboard";
// Parts re-read after a burst of events: at most once per this delay.
const REFETCH_DELAY = 400;
const SERVICE_LEVEL_FLOOR = 80;

/** "2026-03-02 10:00:00" (UTC, as the server writes it) -> milliseconds. */
export function parseUtc(value) {
    return value ? Date.parse(value.replace(" ", "T") + "Z") : null;
}

/**
 * Seconds as m:ss, h:mm:ss past an hour, "2 d 5 h" past a day; negative
 * with a minus.
 */
export function formatDuration(seconds) {
    const sign = seconds < 0 ? "-" : "";
    let rest = Math.floor(Math.abs(seconds));
    if (rest >= 86400) {
        const days = Math.floor(rest / 86400);
        const hours = Math.floor((rest - days * 86400) / 3600);
        return _t("%(sign)s%(days)s d %(hours)s h", {sign, days, hours});
    }
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    const secs = String(rest - minutes * 60).padStart(2, "0");
    if (hours) {
        return `${sign}${hours}:${String(minutes).padStart(2, "0")}:${secs}`;
    }
    return `${sign}${minutes}:${secs}`;
}

/**
 * The supervisors' live wallboard. Read once on opening
 * (permanence.wallboard.permanence_wallboard_data), then kept live by the
 * bus messages "permanence_voip/wallboard" the server sends when a call
 * rings, is answered or ends, an operator changes state, an emergency or an
 * urgent message moves: a call or an operator is applied as it comes, other
 * changes re-read only the part concerned. Waits, times in state and
 * countdowns tick here every second; nothing is polled.
 */
export class PermanenceWallboard extends Component {
    static template = "permanence_voip.Wallboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.busService = useService("bus_service");
        this.action = useService("action");
        this.state = useState({
            loaded: false,
            now: Date.now(),
            calls: {},
            operators: [],
            clients: {},
            figures: {total: {}, per_client: {}, recent_service_level: {}},
            emergencies: [],
            messages: [],
            labels: {presence: {}, reason: {}, urgency: {}},
        });
        this.offset = 0;
        this.pending = new Set();
        this.timer = null;
        this.onBus = (payload) => this.applyPush(payload);
        onWillStart(async () => {
            await this.fetch();
        });
        onMounted(() => {
            this.busService.subscribe(BUS_TYPE, this.onBus);
            this.busService.start();
            this.ticker = setInterval(() => {
                this.state.now = Date.now() + this.offset;
            }, 1000);
        });
        onWillUnmount(() => {
            this.busService.unsubscribe(BUS_TYPE, this.onBus);
            clearInterval(this.ticker);
            clearTimeout(this.timer);
        });
    }

    // Data ---------------------------------------------------------------

    async fetch(parts = null) {
        const data = await this.orm.call(
            "permanence.wallboard",
            "permanence_wallboard_data",
            [],
            {parts}
        );
        this.offset = parseUtc(data.server_time) - Date.now();
        this.state.now = Date.now() + this.offset;
        if (data.calls) {
            this.state.calls = Object.fromEntries(data.calls.map((c) => [c.id, c]));
        }
        if (data.labels) {
            this.state.labels = data.labels;
        }
        if (data.operators) {
            this.state.operators = data.operators;
        }
        if (data.figures) {
            this.state.figures = data.figures;
        }
        if (data.clients) {
            Object.assign(this.state.clients, data.clients);
        }
        if (data.emergencies) {
            this.state.emergencies = data.emergencies;
        }
        if (data.messages) {
            this.state.messages = data.messages;
        }
        this.state.loaded = true;
    }

    /** Re-read ``parts`` soon, once for a burst of events. */
    refetch(parts) {
        parts.forEach((part) => this.pending.add(part));
        if (this.timer) {
            return;
        }
        this.timer = setTimeout(async () => {
            const wanted = [...this.pending];
            this.pending.clear();
            this.timer = null;
            await this.fetch(wanted);
        }, REFETCH_DELAY);
    }

    applyPush(payload) {
        if (payload.kind === "call") {
            if (payload.confidential) {
                this.refetch(["calls", "figures"]);
                return;
            }
            const call = payload.call;
            if (call.live) {
                this.state.calls[call.id] = call;
            } else {
                delete this.state.calls[call.id];
            }
            if (call.client_id && !this.state.clients[call.client_id]) {
                this.refetch(["figures"]);
            }
            this.refetch(["figures"]);
        } else if (payload.kind === "operator") {
            const index = this.state.operators.findIndex(
                (o) => o.id === payload.operator.id
            );
            if (index >= 0) {
                this.state.operators[index] = payload.operator;
            }
        } else if (payload.parts) {
            this.refetch(payload.parts);
        }
    }

    // What the board shows -----------------------------------------------

    since(value) {
        const start = parseUtc(value);
        return start ? Math.max(0, (this.state.now - start) / 1000) : 0;
    }

    duration(value) {
        return formatDuration(this.since(value));
    }

    get ringing() {
        return Object.values(this.state.calls)
            .filter((c) => c.state === "ringing")
            .sort((a, b) => a.date_start.localeCompare(b.date_start));
    }

    get ongoing() {
        return Object.values(this.state.calls)
            .filter((c) => c.state === "ongoing")
            .sort((a, b) =>
                (a.date_answer || a.date_start).localeCompare(
                    b.date_answer || b.date_start
                )
            );
    }

    target(clientId) {
        const client = this.state.clients[clientId];
        return (client && client.service_target) || 20;
    }

    isLate(call) {
        return this.since(call.date_start) > this.target(call.client_id);
    }

    fmt(seconds) {
        return formatDuration(seconds);
    }

    get anyLate() {
        return this.ringing.some((call) => this.isLate(call));
    }

    get longestWait() {
        const waits = this.ringing.map((c) => this.since(c.date_start));
        return waits.length ? Math.max(...waits) : 0;
    }

    get tiles() {
        const perClient = this.state.figures.per_client || {};
        const recent = this.state.figures.recent_service_level || {};
        const ids = new Set(Object.keys(perClient));
        for (const call of Object.values(this.state.calls)) {
            if (call.client_id) {
                ids.add(String(call.client_id));
            }
        }
        const tiles = [];
        for (const id of ids) {
            const client = this.state.clients[id] || {name: "", service_target: 20};
            const ringing = this.ringing.filter((c) => String(c.client_id) === id);
            const waits = ringing.map((c) => this.since(c.date_start));
            const longest = waits.length ? Math.max(...waits) : 0;
            const figures = perClient[id] || {};
            const level = recent[id];
            const reasons = [];
            if (longest > (client.service_target || 20)) {
                reasons.push(_t("Wait over the target"));
            }
            if (level !== undefined && level !== null && level < SERVICE_LEVEL_FLOOR) {
                reasons.push(_t("Service level under 80 %"));
            }
            if (
                this.state.emergencies.some(
                    (e) => String(e.client_id) === id && this.isOverdue(e)
                )
            ) {
                reasons.push(_t("Emergency step overdue"));
            }
            tiles.push({
                id,
                name: client.name || (ringing[0] && ringing[0].client) || "",
                ringing: ringing.length,
                longest,
                figures,
                red: reasons.length > 0,
                reasons: reasons.join(" · "),
            });
        }
        return tiles.sort(
            (a, b) => b.red - a.red || b.ringing - a.ringing || a.name.localeCompare(b.name)
        );
    }

    percent(value) {
        return value === null || value === undefined ? "—" : `${Math.round(value)} %`;
    }

    seconds(value) {
        return value === null || value === undefined ? "—" : `${Math.round(value)} s`;
    }

    presenceLabel(operator) {
        const label = this.state.labels.presence[operator.state] || operator.state;
        const reason = operator.reason && this.state.labels.reason[operator.reason];
        return reason ? `${label} (${reason})` : label;
    }

    get operatorCounts() {
        const counts = {available: 0, busy: 0, wrapup: 0, pause: 0, offline: 0};
        for (const operator of this.state.operators) {
            counts[operator.state] = (counts[operator.state] || 0) + 1;
        }
        return counts;
    }

    countdown(emergency) {
        const due = parseUtc(emergency.due_at);
        return due ? formatDuration((due - this.state.now) / 1000) : "—";
    }

    isOverdue(emergency) {
        const due = parseUtc(emergency.due_at);
        return emergency.state === "running" && due !== null && due < this.state.now;
    }

    openRecord(model, id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("permanence_voip.wallboard", PermanenceWallboard);
