/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * A supervisor, in French, sets up a new client from nothing through the
 * menus: the client account (numbers, interlocutor, scripts, consignes, FAQ,
 * filtering rule), then a plan and a subscription; applies a client's change
 * request; previews the monthly invoicing. The agenda addon adds its shared
 * agenda and appointment type (see permanence_agenda). The Python test
 * prepares the contacts and products and checks what was saved.
 */

const NO_ERROR = "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))";

export function openMenu(section, item, {dialog = false} = {}) {
    const opened = dialog
        ? []
        : [
              {
                  content: `${item} is open`,
                  trigger: `.o_breadcrumb .active:contains(${item}), .o_breadcrumb .o_last_breadcrumb_item:contains(${item})`,
              },
          ];
    return [
        {
            content: `Open the ${section} menu`,
            trigger: `.o_menu_sections button:contains(${section})`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${item})`,
            run: "click",
        },
        ...opened,
    ];
}

export function clickNew(what) {
    return [
        {
            content: `Nouveau: ${what}`,
            trigger: ".o_control_panel_main_buttons button:contains(Nouveau)",
            run: "click",
        },
        {
            content: `The new ${what} form`,
            trigger: ".o_form_view .o_form_editable",
        },
    ];
}

export function fillMany2one(field, search, choice = search, scope = ".o_form_view") {
    return [
        {
            content: `Type ${search} in ${field}`,
            trigger: `${scope} .o_field_widget[name=${field}] input`,
            run: `edit ${search}`,
        },
        {
            content: `Choose ${choice}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${choice})`,
            run: "click",
        },
    ];
}

export function save(what) {
    return [
        {
            content: `Save the ${what}`,
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: `The ${what} is saved, without error`,
            trigger: `${NO_ERROR} .o_form_view .o_form_saved`,
        },
    ];
}

export function addLine(field, page) {
    return [
        {
            content: `Open the ${page} tab`,
            trigger: `.o_notebook .nav-link:contains(${page})`,
            run: "click",
        },
        {
            content: `Ajouter une ligne in ${page}`,
            trigger: `.o_field_widget[name=${field}] .o_field_x2many_list_row_add a`,
            run: "click",
        },
    ];
}

function rowField(x2many, field, suffix = "input") {
    return `.o_field_widget[name=${x2many}] .o_selected_row .o_field_widget[name=${field}] ${suffix}`;
}

registry.category("web_tour.tours").add("permanence_supervisor_new_client", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Permanence",
            trigger: ".o-dropdown--menu .o_app:contains(Permanence)",
            run: "click",
        },
        {
            // Discuss, shown before, has its own Configuration menu
            content: "The Permanence app is open",
            trigger: ".o_main_navbar .o_menu_brand:contains(Permanence)",
        },
        ...openMenu("Configuration", "Comptes clients"),
        ...clickNew("client account"),
        {
            content: "Client name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Cabinet Dupont",
        },
        {
            content: "Client code",
            trigger: ".o_form_view .o_field_widget[name=code] input",
            run: "edit DUPONT",
        },
        ...fillMany2one("partner_id", "Cabinet Dupont"),
        {
            content: "Scripts tab",
            trigger: ".o_notebook .nav-link:contains(Scripts)",
            run: "click",
        },
        {
            content: "Greeting script",
            trigger: ".o_field_widget[name=greeting_script] textarea",
            run: "edit Cabinet Dupont, bonjour, Claire à votre écoute",
        },
        {
            content: "Closing script",
            trigger: ".o_field_widget[name=closing_script] textarea",
            run: "edit Je transmets votre message au docteur, bonne journée.",
        },
        {
            content: "Consignes tab",
            trigger: ".o_notebook .nav-link:contains(Consignes)",
            run: "click",
        },
        {
            content: "Type the consignes",
            trigger: ".o_field_widget[name=instructions] .odoo-editor-editable",
            run: "editor Ne jamais donner le portable du docteur.",
        },
        ...addLine("faq_ids", "FAQ"),
        {
            content: "FAQ question",
            trigger: rowField("faq_ids", "question", "input, textarea"),
            run: "edit Quels sont les horaires ?",
        },
        {
            content: "FAQ answer",
            trigger: rowField("faq_ids", "answer", "input, textarea"),
            run: "edit Du lundi au vendredi, de 9 h à 18 h.",
        },
        ...addLine("number_ids", "Numéros"),
        {
            content: "Number label",
            trigger: rowField("number_ids", "name"),
            run: "edit Standard",
        },
        {
            content: "Number",
            trigger: rowField("number_ids", "number"),
            run: "edit 01 44 55 66 77",
        },
        ...addLine("interlocutor_ids", "Interlocuteurs"),
        ...fillMany2one(
            "partner_id",
            "Jeanne Dupont",
            "Jeanne Dupont",
            ".o_field_widget[name=interlocutor_ids] .o_selected_row"
        ),
        {
            content: "Role",
            trigger: rowField("interlocutor_ids", "role"),
            run: "edit Médecin",
        },
        ...addLine("filter_rule_ids", "Filtrage"),
        {
            content: "Rule name",
            trigger: rowField("filter_rule_ids", "name"),
            run: "edit Démarcheurs",
        },
        {
            content: "Rule number",
            trigger: rowField("filter_rule_ids", "number"),
            run: "edit 09 70 00 00 00",
        },
        {
            content: "Rule action",
            trigger: rowField("filter_rule_ids", "action", "select"),
            run: "selectByIndex 1",
        },
        ...save("client account"),
        ...openMenu("Configuration", "Forfaits"),
        ...clickNew("plan"),
        {
            content: "Plan name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Essentiel 100 appels",
        },
        ...fillMany2one("fee_product_id", "Forfait permanence"),
        ...fillMany2one("overage_product_id", "Appel supplémentaire"),
        ...save("plan"),
        ...openMenu("Facturation", "Abonnements"),
        ...clickNew("subscription"),
        ...fillMany2one("client_id", "Cabinet Dupont"),
        ...fillMany2one("plan_id", "Essentiel 100"),
        ...save("subscription"),
        {
            content: "Open the client change requests",
            trigger: ".o_menu_sections .dropdown-item:contains(Demandes des clients), .o_menu_sections button:contains(Demandes des clients)",
            run: "click",
        },
        {
            content: "The change requests are listed",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains(Demandes des clients)",
        },
        {
            content: "Open the request of the plumber",
            trigger: ".o_list_view .o_data_row td:contains(Plomberie Tour)",
            run: "click",
        },
        {
            content: "The request is shown",
            trigger: ".o_form_view .o_field_widget[name=client_id]:contains(Plomberie Tour)",
        },
        {
            content: "Appliquer",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Appliquer)",
            run: "click",
        },
        {
            content: "Confirm: the proposed text replaces the current one",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The request is applied, without error",
            trigger: `${NO_ERROR} .o_form_view:not(:has(button[name=action_apply]))`,
        },
        ...openMenu("Facturation", "Facturer une période", {dialog: true}),
        {
            content: "The invoicing assistant shows its preview",
            trigger: ".modal .o_field_widget[name=preview_html]",
        },
        {
            content: "The subscription to invoice is in the preview",
            trigger: ".modal .o_field_widget[name=preview_html]:contains(Plomberie Tour)",
        },
        {
            content: "Close the assistant",
            trigger: ".modal .modal-footer button:contains(Annuler)",
            run: "click",
        },
        {
            content: "Closed, without error",
            trigger: `${NO_ERROR}:not(:has(.modal))`,
        },
    ],
});
