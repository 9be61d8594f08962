/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {Component, onWillStart, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

const COLOURS = {available: "text-success", busy: "text-danger", pause: "text-warning"};

/**
 * The operator's answering presence, in the navbar: set available or on a
 * break from any screen, an empty console included (the console's own
 * buttons need a saved call sheet). Labels are the field's selection, in the
 * user's language.
 */
export class PermanencePresenceSystray extends Component {
    static template = "permanence_voip.PresenceSystray";
    static components = {Dropdown, DropdownItem};
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.state = useState({operator: false, presence: false, labels: {}});
        onWillStart(async () => {
            this.state.operator = await user.hasGroup(
                "permanence_telephonique.group_permanence_operator"
            );
            if (this.state.operator) {
                const fields = await this.orm.call("res.users", "fields_get", [
                    ["permanence_presence"],
                    ["selection"],
                ]);
                this.state.labels = Object.fromEntries(
                    fields.permanence_presence.selection
                );
                await this.refresh();
            }
        });
    }

    get colour() {
        return COLOURS[this.state.presence] || "text-muted";
    }

    async refresh() {
        const [record] = await this.orm.read(
            "res.users",
            [user.userId],
            ["permanence_presence"]
        );
        this.state.presence = record.permanence_presence;
    }

    async set(presence) {
        await this.orm.call("res.users", `action_permanence_${presence}`, [
            [user.userId],
        ]);
        this.state.presence = presence;
    }
}

registry
    .category("systray")
    .add(
        "permanence_voip.presence",
        {Component: PermanencePresenceSystray},
        {sequence: 90}
    );
