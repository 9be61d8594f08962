/** @odoo-module **/
/* Copyright 2026 Permanence Téléphonique Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/**
 * The client finds its monthly activity reports: the plumber of the demo
 * (login "durand", logged in by the test) opens the answering service from
 * the portal home, then its monthly reports, sees last month's PDF and
 * saves who receives it. tests/test_activity_report.py checks the rest.
 */
registry.category("web_tour.tours").add("permanence_report_portal", {
    url: "/my/permanence",
    steps: () => [
        {
            content: "The overview links to the monthly reports",
            trigger: "a.o_permanence_reports_link",
            run: "click",
        },
        {
            content: "Last month's report is listed with its PDF",
            trigger: ".o_permanence_report_row a.o_permanence_report_download[href$='/pdf']",
        },
        {
            content: "The demo contact already receives it",
            trigger: ".o_permanence_report_recipients input[type='checkbox']:checked",
        },
        {
            content: "Save the recipients",
            trigger: ".o_permanence_report_recipients button[type='submit']",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".alert-success",
        },
    ],
});
