/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * The doctor of the demo medical practice (login "martin", in French) reads
 * the figures of the last three months, then looks for a caller's number in
 * the calls, typed as people write it, and finds the CSV export. The Python
 * test (tests/test_portal_analytics_tour.py) adds the call of "Jeanne
 * Analytique" from +33 6 12 34 98 76 behind a message sent to him.
 */
registry.category("web_tour.tours").add("permanence_portal_analytics", {
    url: "/my/permanence",
    steps: () => [
        {
            content: "Open the statistics",
            trigger: ".o_permanence_portal_nav a.nav-link:contains(Statistiques)",
            run: "click",
        },
        {
            content: "The figures of this month are shown",
            trigger: ".o_permanence_period_stats .o_permanence_fig_answered",
        },
        {
            content: "Choose the last three months",
            trigger: ".o_permanence_period_form select.o_permanence_period",
            run: "select last_3_months",
        },
        {
            content: "Show them",
            trigger: ".o_permanence_period_form button.o_permanence_period_apply",
            run: "click",
        },
        {
            content: "The page shows the chosen period and its figures",
            trigger:
                ".o_permanence_period_form select.o_permanence_period:has(option[value=last_3_months][selected])",
        },
        {
            content: "The hours of the day are charted",
            trigger: ".o_permanence_hour_chart .o_permanence_hour_bar",
        },
        {
            content: "See the calls of the period",
            trigger: "a.o_permanence_period_calls",
            run: "click",
        },
        {
            content: "Type the number as it is written on a note",
            trigger: ".o_permanence_period_form input.o_permanence_call_search",
            run: "edit 06 12 34 98 76",
        },
        {
            content: "Search",
            trigger: ".o_permanence_period_form button.o_permanence_period_apply",
            run: "click",
        },
        {
            content: "The caller is found",
            trigger: ".o_permanence_call_row:contains(Jeanne Analytique)",
        },
        {
            content: "Only that call is listed",
            trigger: ".o_permanence_call_total[data-count='1']",
        },
        {
            content: "The export of the list is offered, with the same search",
            trigger: "a.o_permanence_calls_export[href*='search=06']",
        },
    ],
});
