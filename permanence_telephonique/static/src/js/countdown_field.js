/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onWillDestroy, useState, xml} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

/**
 * Countdown to a datetime field (the due time of an escalation step):
 * "04:59", ticking every second; "due now" in red once passed.
 */
export class PermanenceCountdownField extends Component {
    static template = xml`<span t-att-class="className" t-out="label"/>`;
    static props = {...standardFieldProps};

    setup() {
        this.state = useState({now: Date.now()});
        const timer = setInterval(() => {
            this.state.now = Date.now();
        }, 1000);
        onWillDestroy(() => clearInterval(timer));
    }

    get remaining() {
        const due = this.props.record.data[this.props.name];
        if (!due) {
            return null;
        }
        return Math.max(0, Math.floor((due.toMillis() - this.state.now) / 1000));
    }

    get label() {
        const remaining = this.remaining;
        if (remaining === null) {
            return "";
        }
        if (remaining === 0) {
            return _t("due now");
        }
        const minutes = Math.floor(remaining / 60);
        const seconds = String(remaining % 60).padStart(2, "0");
        return `${minutes}:${seconds}`;
    }

    get className() {
        const remaining = this.remaining;
        if (remaining !== null && remaining < 60) {
            return "fw-bold text-danger";
        }
        return "fw-bold";
    }
}

export const permanenceCountdownField = {
    component: PermanenceCountdownField,
    displayName: _t("Countdown"),
    supportedTypes: ["datetime"],
};

registry.category("fields").add("permanence_countdown", permanenceCountdownField);
