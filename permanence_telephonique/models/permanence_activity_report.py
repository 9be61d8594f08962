# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly activity report of a client account: one record per client
and month, holding the PDF (an attachment) the client reads in the portal
and receives by email.

Its figures come from the shared SQL: the service figures of
``permanence.call._permanence_figures`` (tools/figures.py) and the package
usage of ``permanence.subscription._usage`` (what billing invoices)."""

import logging
from datetime import date

from psycopg2 import errorcodes

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_datetime

from ..tools import activity
from ..tools.access import SUPERVISOR, check_rights

_logger = logging.getLogger(__name__)

REPORT_XMLID = "permanence_telephonique.action_report_permanence_activity"
CRON_XMLID = "permanence_telephonique.ir_cron_permanence_activity_report"
MAIL_TEMPLATE_XMLID = "permanence_telephonique.mail_template_permanence_activity_report"
REPORT_STATES = [
    ("draft", "To generate"),
    ("generated", "Generated"),
    ("sent", "Sent"),
]
# Clients whose month is reported: the ones the service answers for, and
# the suspended ones (their calls of the month still count).
REPORTED_CLIENT_STATES = ("test", "active", "suspended")
# Longest lists printed in full; the rest is counted.
LIST_LIMIT = 100
# Reports rendered per run of the job (each one runs wkhtmltopdf).
BATCH_SIZE = 50
MONDAY = date(2024, 1, 1)


class PermanenceActivityReport(models.Model):
    _name = "permanence.activity.report"
    _description = "Monthly activity report"
    _inherit = ["permanence.client.owned", "mail.thread"]
    _order = "month desc, client_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    client_id = fields.Many2one(
        comodel_name="permanence.client",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="client_id.company_id", store=True, index=True, readonly=True
    )
    month = fields.Date(
        required=True,
        readonly=True,
        help="First day of the month reported, in the client's time zone.",
    )
    state = fields.Selection(
        selection=REPORT_STATES,
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="PDF",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    date_generated = fields.Datetime(string="Generated on", readonly=True, copy=False)
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)

    _sql_constraints = [
        (
            "client_month_unique",
            "UNIQUE(client_id, month)",
            "There is already an activity report for this client and month.",
        ),
        (
            "month_first_day",
            "CHECK(EXTRACT(DAY FROM month) = 1)",
            "The month of an activity report is its first day.",
        ),
    ]

    @api.depends("client_id.name", "month")
    def _compute_name(self):
        for report in self:
            if report.client_id and report.month:
                report.name = f"{report.client_id.name} — {report.month:%Y-%m}"
            else:
                report.name = False

    # Reading --------------------------------------------------------------

    def _report_lang(self):
        """The language of the client's report and emails."""
        self.ensure_one()
        client = self.client_id
        return client.lang or client.partner_id.lang or "en_US"

    def _bounds(self):
        self.ensure_one()
        return activity.month_bounds(self.month, self.client_id.tz)

    def _month_label(self):
        """The month in the report's language: "novembre 2026"."""
        self.ensure_one()
        return format_date(
            self.env, self.month, lang_code=self._report_lang(), date_format="MMMM y"
        )

    def _file_name(self):
        self.ensure_one()
        return f"{self.client_id.code or self.client_id.id}-{self.month:%Y-%m}.pdf"

    def _call_domain(self):
        start, end = self._bounds()
        return [
            ("client_id", "=", self.client_id.id),
            ("date_start", ">=", start),
            ("date_start", "<", end),
        ]

    def _activity_figures(self):
        """The service figures of the month, from the shared SQL:
        ``{"total": figures, "reason": [...], "outcome": [...], "hour":
        [...], "weekday": [...]}``, grouped in the client's time zone."""
        self.ensure_one()
        calls = (
            self.env["permanence.call"]
            .sudo()
            .with_context(tz=self.client_id.tz or "UTC", active_test=False)
        )
        domain = self._call_domain() + [("direction", "=", "inbound")]
        total = calls._permanence_figures(domain)[()]
        by_reason = calls._permanence_figures(domain, ["reason_id"])
        by_outcome = calls._permanence_figures(domain, ["outcome"])
        by_hour = calls._permanence_figures(domain, ["date_start:hour_number"])
        by_weekday = calls._permanence_figures(domain, ["date_start:day_of_week"])
        outcomes = dict(calls._fields["outcome"]._description_selection(self.env))
        no_reason = self.env._("No reason")
        return {
            "total": total,
            "reason": sorted(
                (
                    (key[0].name if key[0] else no_reason, values["offered"])
                    for key, values in by_reason.items()
                ),
                key=lambda row: (-row[1], row[0]),
            ),
            "outcome": sorted(
                (
                    (outcomes.get(key[0], self.env._("No outcome")), values["offered"])
                    for key, values in by_outcome.items()
                ),
                key=lambda row: (-row[1], row[0]),
            ),
            "hour": [
                (f"{hour:02d}h", by_hour.get((hour,), {}).get("offered", 0))
                for hour in range(24)
            ],
            "weekday": self._weekday_rows(by_weekday),
        }

    def _weekday_rows(self, by_weekday):
        """Calls per weekday, in the order of the week of the report's
        language (``day_of_week`` counts from its first day)."""
        lang = self.env["res.lang"]._lang_get(self._report_lang())
        first = int(lang.week_start) - 1 if lang else 0  # 0 = Monday
        labels = []
        for index in range(7):
            day = MONDAY.replace(day=1 + (first + index) % 7)
            labels.append(
                format_date(
                    self.env, day, lang_code=self._report_lang(), date_format="EEEE"
                )
            )
        return [
            (labels[index], by_weekday.get((index,), {}).get("offered", 0))
            for index in range(7)
        ]

    def _activity_messages(self):
        """The messages of the month with their acknowledgement delay."""
        self.ensure_one()
        start, end = self._bounds()
        messages = (
            self.env["permanence.message"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("client_id", "=", self.client_id.id),
                    ("state", "!=", "draft"),
                    ("date_sent", ">=", start),
                    ("date_sent", "<", end),
                ],
                order="date_sent, id",
            )
        )
        rows = []
        for message in messages:
            delay = None
            if message.date_sent and message.date_acknowledged:
                delay = (message.date_acknowledged - message.date_sent).total_seconds()
            rows.append({"message": message, "delay": delay})
        delays = [row["delay"] for row in rows]
        return {
            "count": len(rows),
            "acknowledged": len([delay for delay in delays if delay is not None]),
            "average_delay": activity.average(delays),
            "rows": rows[:LIST_LIMIT],
            "more": max(len(rows) - LIST_LIMIT, 0),
        }

    def _activity_transfers(self):
        """Transferred calls, per interlocutor."""
        self.ensure_one()
        groups = (
            self.env["permanence.call"]
            .sudo()
            ._read_group(
                self._call_domain() + [("outcome", "=", "transferred")],
                ["transfer_interlocutor_id"],
                ["__count"],
            )
        )
        unknown = self.env._("Not recorded")
        rows = sorted(
            (
                (interlocutor.name if interlocutor else unknown, count)
                for interlocutor, count in groups
            ),
            key=lambda row: (-row[1], row[0]),
        )
        return {"count": sum(count for _label, count in rows), "rows": rows}

    def _activity_emergencies(self):
        """Emergencies of the month and the time to reach someone."""
        self.ensure_one()
        start, end = self._bounds()
        emergencies = (
            self.env["permanence.emergency"]
            .sudo()
            .search(
                [
                    ("client_id", "=", self.client_id.id),
                    ("date_start", ">=", start),
                    ("date_start", "<", end),
                ],
                order="date_start, id",
            )
        )
        reached = emergencies.filtered("date_reached")
        return {
            "count": len(emergencies),
            "reached": len(reached),
            "average_reach": activity.average(reached.mapped("reach_duration")),
            "rows": emergencies[:LIST_LIMIT],
            "more": max(len(emergencies) - LIST_LIMIT, 0),
        }

    def _activity_usage(self):
        """Package usage of the month against the plan: the subscriptions
        and the function billing invoices with (``_subscriptions_in_period``
        and ``permanence.subscription._usage``), over the month."""
        self.ensure_one()
        last = activity.last_day(self.month)
        subscriptions = (
            self.env["permanence.invoice.run"]
            .sudo()
            ._subscriptions_in_period(self.client_id, self.month, last)
        )
        usage = subscriptions._usage(self.month, last)
        return [
            {"subscription": subscription, **usage[subscription.id]}
            for subscription in subscriptions
            if subscription.id in usage
        ]

    def _activity_values(self):
        """Everything the report shows, in the report's language; the
        agenda addon adds its appointments (``appointments`` key)."""
        self.ensure_one()
        report = self.with_context(lang=self._report_lang())
        figures = report._activity_figures()
        transfers = report._activity_transfers()
        return {
            "month_label": report._month_label(),
            "confidential": report.client_id.confidential,
            "figures": figures["total"],
            "reason_bars": activity.bars(figures["reason"]),
            "outcome_bars": activity.bars(figures["outcome"]),
            "hour_bars": activity.bars(figures["hour"]),
            "weekday_bars": activity.bars(figures["weekday"]),
            "messages": report._activity_messages(),
            "transfers": transfers,
            "transfer_bars": activity.bars(transfers["rows"]),
            "emergencies": report._activity_emergencies(),
            "usage": report._activity_usage(),
            "appointments": None,
            "duration": activity.duration,
            "format_local": report._format_local,
        }

    def _format_local(self, value):
        """A date and time as the client reads it: its language and time
        zone."""
        return format_datetime(
            self.env,
            value,
            tz=self.client_id.tz or "UTC",
            dt_format="short",
            lang_code=self._report_lang(),
        )

    # Generation -----------------------------------------------------------

    def _render_pdf(self):
        """The PDF of this report (rendered by wkhtmltopdf, even in tests)."""
        self.ensure_one()
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT_XMLID, res_ids=self.ids)
        )
        return pdf

    def _generate(self):
        """(Re)generate the PDF of each report: a new attachment replaces
        the previous one."""
        for report in self.sudo():
            pdf = report._render_pdf()
            old = report.attachment_id
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": report._file_name(),
                        "type": "binary",
                        "raw": pdf,
                        "mimetype": "application/pdf",
                        "res_model": report._name,
                        "res_id": report.id,
                    }
                )
            )
            report.write(
                {
                    "attachment_id": attachment.id,
                    "date_generated": fields.Datetime.now(),
                    "state": "sent" if report.state == "sent" else "generated",
                }
            )
            old.unlink()
        return True

    def _send(self):
        """Email the PDF to the recipients the client chose."""
        template = self.env.ref(MAIL_TEMPLATE_XMLID)
        for report in self.sudo():
            recipients = report.client_id.activity_report_recipient_ids.filtered(
                "email"
            )
            if not recipients or not report.attachment_id:
                continue
            template.send_mail(
                report.id,
                email_values={"attachment_ids": [(4, report.attachment_id.id)]},
            )
            report.write({"state": "sent", "date_sent": fields.Datetime.now()})
        return True

    @api.model
    def _ensure(self, client, month):
        """The report of ``client`` for ``month``, created if missing and
        ``(report, created)``. When another transaction creates the same
        one meanwhile, the unique constraint refuses ours and theirs is
        kept: ``(empty, False)``."""
        existing = self.sudo().search(
            [("client_id", "=", client.id), ("month", "=", month)]
        )
        if existing:
            return existing, False
        try:
            with self.env.cr.savepoint():
                report = self.sudo().create({"client_id": client.id, "month": month})
                report.flush_recordset()
        except Exception as exc:
            if getattr(exc, "pgcode", None) in (
                errorcodes.UNIQUE_VIOLATION,
                errorcodes.SERIALIZATION_FAILURE,
            ):
                _logger.info(
                    "activity report of client %s for %s made by another run",
                    client.id,
                    month,
                )
                return self.browse(), False
            raise
        return report, True

    @api.model
    def _cron_generate(self, today=None, clients=None, limit=BATCH_SIZE):
        """The monthly run: last month's report of every client that has
        none yet, generated and emailed. Rerun-safe: a report that exists
        is left alone, one bad client does not stop the others. At most
        ``limit`` reports per run; the job runs again at once for the
        rest."""
        today = today or fields.Date.context_today(self)
        month = activity.previous_month(today)
        if clients is None:
            clients = (
                self.env["permanence.client"]
                .sudo()
                .search([("state", "in", REPORTED_CLIENT_STATES)])
            )
        clients -= (
            self.sudo()
            .search([("client_id", "in", clients.ids), ("month", "=", month)])
            .client_id
        )
        if limit and len(clients) > limit:
            clients = clients[:limit]
            cron = self.env.ref(CRON_XMLID, raise_if_not_found=False)
            if cron:
                cron._trigger()
        done = self.browse()
        batch = self.env["permanence.batch"]
        for client in clients:
            with batch._row("_activity_report_set_aside", client):
                report, created = self._ensure(client, month)
                if created:
                    report._generate()
                    report._send()
                    done |= report
        return done

    @api.model
    def _demo_generate(self):
        """Demo data: last month's reports, as the monthly run makes them.
        The module's translations load after its demo data: load them first,
        so that the reports read in the clients' language."""
        self.env["ir.module.module"].search(
            [("name", "=", "permanence_telephonique")]
        )._update_translations()
        return self._cron_generate()

    # Actions --------------------------------------------------------------

    def action_regenerate(self):
        """Render the PDF again (supervisors and up)."""
        check_rights(self, "write", SUPERVISOR)
        self._generate()
        return True

    def action_send(self):
        """Email the PDF to the client's recipients (supervisors and up)."""
        check_rights(self, "write", SUPERVISOR)
        if not self.client_id.activity_report_recipient_ids:
            raise UserError(
                _("Choose the recipients of the monthly report on the client account.")
            )
        self._send()
        return True
