/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * The client's journey in the portal, in French, from the demo data: the
 * doctor of the demo medical practice (login "martin", logged in by the
 * test) opens the answering service from the portal home, reads and
 * acknowledges a message, sees the calls, the statistics, the package
 * usage, the invoices and the appointments, then proposes a change of
 * instructions. The Python test (tests/test_portal_journey_tour.py) adds
 * the message "Rappel TOUR" and checks the database afterwards.
 */
registry.category("web_tour.tours").add("permanence_portal_journey", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home offers the answering service",
            trigger:
                ".o_portal_docs a[href='/my/permanence']:contains(Permanence téléphonique)",
            run: "click",
        },
        {
            content: "Open the messages",
            trigger: ".o_permanence_portal_nav a.o_permanence_nav_messages:contains(Messages)",
            run: "click",
        },
        {
            content: "Open the new message",
            trigger: ".o_permanence_message_row a.o_permanence_message_link:contains(Rappel TOUR)",
            run: "click",
        },
        {
            content: "The message shows the caller",
            trigger: ".o_permanence_message .o_permanence_caller:contains(Jeanne Tour)",
        },
        {
            content: "Acknowledge it",
            trigger: ".o_permanence_message button.o_permanence_acknowledge:contains(Accuser réception)",
            run: "click",
        },
        {
            content: "The acknowledgement is confirmed",
            trigger: ".o_permanence_ack_done",
        },
        {
            content: "The message reads acknowledged, in French",
            trigger:
                ".o_permanence_message:not(:has(.o_permanence_acknowledge)) .o_permanence_message_state:contains(Lu / pris en compte)",
        },
        {
            content: "See the calls",
            trigger: ".o_permanence_portal_nav a.nav-link:contains(Appels)",
            run: "click",
        },
        {
            content: "The demo month of calls is listed",
            trigger: ".o_permanence_call_row",
        },
        {
            content: "See the statistics",
            trigger: ".o_permanence_portal_nav a.nav-link:contains(Statistiques)",
            run: "click",
        },
        {
            content: "The statistics count the calls",
            trigger: ".o_permanence_stat_total",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
        },
        {
            content: "Open the package usage",
            trigger: ".o_portal_docs a[href='/my/permanence/usage']:contains(Consommation du forfait)",
            run: "click",
        },
        {
            content: "The current period's usage is shown",
            trigger: ".o_permanence_usage_card .o_permanence_usage_units",
        },
        {
            content: "Go to the invoices",
            trigger: "p.text-muted a[href='/my/invoices']",
            run: "click",
        },
        {
            content: "Last month's invoice is listed",
            trigger: ".o_portal_my_doc_table tbody tr a[href*='/my/invoices/']",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
        },
        {
            content: "Open the appointments",
            trigger: ".o_portal_docs a[href='/my/permanence/appointments']:contains(Rendez-vous)",
            run: "click",
        },
        {
            content: "The upcoming appointments are listed",
            trigger: ".o_portal_my_doc_table tbody tr td:contains(Consultation)",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
        },
        {
            content: "Open the answering service",
            trigger: ".o_portal_docs a[href='/my/permanence']",
            run: "click",
        },
        {
            content: "Open the instructions",
            trigger: ".o_permanence_portal_nav a.nav-link:contains(Consignes et FAQ)",
            run: "click",
        },
        {
            content: "Propose a change",
            trigger: "button.o_permanence_propose_instructions:contains(Proposer une modification)",
            run: "click",
        },
        {
            content: "Write the new instructions",
            trigger: "#permanence_instructions_text",
            run: "edit Nouvelle consigne TOUR : plus de rendez-vous le samedi.",
        },
        {
            content: "Send them to the account manager",
            trigger: "#permanence_instructions_form button[type=submit]:contains(Envoyer à mon chargé de compte)",
            run: "click",
        },
        {
            content: "The proposal is confirmed",
            trigger: ".o_permanence_change_sent",
        },
    ],
});
