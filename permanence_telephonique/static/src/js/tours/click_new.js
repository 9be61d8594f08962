/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * Completes Odoo's "click everywhere" bot (menus, views, filters) with the
 * one thing it does not do: *New* on every menu of an app. For each leaf
 * menu with a window action, the menu is opened, its *New* button clicked
 * (list, kanban), the new record shown (form, editable row or quick create)
 * and discarded. Any error dialog, validation dialog or timeout fails the
 * run; the Python test waits for the success signal.
 */

import {App} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";

export const SUCCESS_SIGNAL = "permanence click new succeeded";

const MOUSE_EVENTS = ["mouseover", "mouseenter", "mousedown", "mouseup", "click"];
const NEW_BUTTON =
    ".o_control_panel_main_buttons button.o_list_button_add:not([disabled])," +
    ".o_control_panel_main_buttons button.o-kanban-button-new:not([disabled])";
const NEW_RECORD =
    ".o_action_manager .o_form_view .o_form_editable," +
    ".o_action_manager .o_data_row.o_selected_row," +
    ".o_action_manager .o_kanban_quick_create," +
    ".modal .o_form_view";
const TIMEOUT = 30000;

function failOnErrorDialog() {
    const error = document.querySelector(".o_error_dialog");
    if (error) {
        throw new Error(`Error dialog: ${error.innerText}`);
    }
}

function idle() {
    for (const app of App.apps) {
        if (app.scheduler.tasks.size) {
            return false;
        }
    }
    return true;
}

async function until(condition, what) {
    const start = Date.now();
    while (Date.now() - start < TIMEOUT) {
        failOnErrorDialog();
        if (condition() && idle()) {
            // Let pending renders and RPCs settle, then check again.
            await new Promise((resolve) => browser.setTimeout(resolve, 50));
            failOnErrorDialog();
            if (condition()) {
                return;
            }
        }
        await new Promise((resolve) => browser.setTimeout(resolve, 25));
    }
    throw new Error(`Timeout waiting for ${what}`);
}

async function click(target, what) {
    if (!target) {
        throw new Error(`No element to click: ${what}`);
    }
    browser.console.log(`Clicking on: ${what}`);
    for (const type of MOUSE_EVENTS) {
        target.dispatchEvent(
            new MouseEvent(type, {bubbles: true, cancelable: true, view: window})
        );
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
}

function leaves(tree) {
    if (!tree.childrenTree.length) {
        return tree.actionID ? [tree] : [];
    }
    return tree.childrenTree.flatMap(leaves);
}

async function discard() {
    const dialogDiscard = document.querySelector(
        ".modal .o_form_button_cancel, .modal .modal-footer .btn-secondary"
    );
    if (dialogDiscard) {
        await click(dialogDiscard, "discard (dialog)");
        return until(() => !document.querySelector(".modal"), "the dialog to close");
    }
    const formDiscard = document.querySelector(".o_form_button_cancel");
    if (formDiscard) {
        await click(formDiscard, "discard (form)");
        return until(
            () => !document.querySelector(".o_form_view .o_form_dirty"),
            "the form to be discarded"
        );
    }
    const listDiscard = document.querySelector(".o_list_button_discard");
    if (listDiscard) {
        await click(listDiscard, "discard (list)");
        return until(
            () => !document.querySelector(".o_data_row.o_selected_row"),
            "the row to be discarded"
        );
    }
    const kanbanDiscard = document.querySelector(".o_kanban_quick_create .o_kanban_cancel");
    if (kanbanDiscard) {
        await click(kanbanDiscard, "discard (kanban)");
    }
}

async function clickNewEverywhere(appXmlid) {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const menus = env.services.menu;
    const app = menus.getApps().find((menu) => menu.xmlid === appXmlid);
    if (!app) {
        throw new Error(`No app ${appXmlid} for this user`);
    }
    let tested = 0;
    for (const menu of leaves(menus.getMenuAsTree(app.id))) {
        if (document.querySelector(".modal")) {
            await discard();
        }
        browser.console.log(`Opening menu ${menu.name} (${menu.xmlid})`);
        await menus.selectMenu(menu);
        await until(
            () =>
                document.querySelector(".o_action_manager .o_action") &&
                !document.querySelector(".o_action_manager .o_view_sample_data_loading"),
            `menu ${menu.xmlid}`
        );
        const button = document.querySelector(NEW_BUTTON);
        if (!button) {
            continue;
        }
        await click(button, `New in ${menu.name}`);
        await until(() => document.querySelector(NEW_RECORD), `a new record in ${menu.xmlid}`);
        tested++;
        await discard();
        failOnErrorDialog();
    }
    browser.console.log(`New clicked on ${tested} menus of ${appXmlid}`);
    browser.console.log(SUCCESS_SIGNAL);
}

window.permanenceClickNew = (appXmlid) =>
    clickNewEverywhere(appXmlid).catch((error) => {
        browser.console.error(`permanence click new failed: ${error.message || error}`);
    });
