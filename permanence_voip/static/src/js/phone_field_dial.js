/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {onWillStart} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {rpc} from "@web/core/network/rpc";
import {user} from "@web/core/user";
import {patch} from "@web/core/utils/patch";
import {useService} from "@web/core/utils/hooks";
import {PhoneField} from "@web/views/fields/phone/phone_field";

/** Click-to-dial from any phone field, for operators: the PBX rings the
 * operator's phone, then dials the number. */
patch(PhoneField.prototype, {
    setup() {
        super.setup(...arguments);
        this.notification = useService("notification");
        this.pbxDial = false;
        onWillStart(async () => {
            this.pbxDial = await user.hasGroup(
                "permanence_telephonique.group_permanence_operator"
            );
        });
    },
    async onPbxDial() {
        const number = this.props.record.data[this.props.name];
        await rpc("/permanence/voip/dial", {number});
        this.notification.add(_t("Your phone rings: pick it up to call %s.", number), {
            type: "success",
        });
    },
});
