# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import logging

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import billing

_logger = logging.getLogger(__name__)

RUN_STATES = [("draft", "Draft"), ("done", "Done")]
TRIGGERS = [("manual", "Manual"), ("cron", "Scheduled")]


class PermanenceInvoiceRun(models.Model):
    """One invoicing of a period for a set of client accounts of a company:
    a draft customer invoice per client, and a billing record per client
    (invoiced or skipped, and why)."""

    _name = "permanence.invoice.run"
    _description = "Invoicing run"
    _order = "period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    client_ids = fields.Many2many(
        comodel_name="permanence.client",
        relation="permanence_invoice_run_client_rel",
        column1="run_id",
        column2="client_id",
        string="Client accounts",
        check_company=True,
        help="Leave empty for every client with a subscription in the period.",
    )
    trigger = fields.Selection(selection=TRIGGERS, default="manual", required=True)
    state = fields.Selection(selection=RUN_STATES, default="draft", required=True)
    line_ids = fields.One2many(
        comodel_name="permanence.invoice.run.line",
        inverse_name="run_id",
        string="Billing records",
    )
    invoice_count = fields.Integer(compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "period_order",
            "CHECK(period_end >= period_start)",
            "The period cannot end before it starts.",
        ),
    ]

    @api.depends("period_start", "period_end")
    def _compute_name(self):
        for run in self:
            run.name = _(
                "Invoicing %(start)s - %(end)s",
                start=run.period_start or "",
                end=run.period_end or "",
            )

    def _compute_counts(self):
        groups = self.env["permanence.invoice.run.line"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {(run.id, state): count for run, state, count in groups}
        for run in self:
            run.invoice_count = counts.get((run.id, "invoiced"), 0)
            run.skipped_count = counts.get((run.id, "skipped"), 0)

    # Preparing -------------------------------------------------------------

    @api.model
    def _subscriptions_in_period(self, clients, period_start, period_end):
        domain = [
            ("date_start", "<=", period_end),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", period_start),
        ]
        if clients is not None:
            domain.append(("client_id", "in", clients.ids))
        return self.env["permanence.subscription"].search(domain)

    @api.model
    def _invoiced_records(self, clients, period_start, period_end):
        """Billing records already invoicing part of the period."""
        records = self.env["permanence.invoice.run.line"].search(
            [
                ("client_id", "in", clients.ids),
                ("state", "=", "invoiced"),
                ("period_start", "<=", period_end),
                ("period_end", ">=", period_start),
            ]
        )
        records -= records._refresh_state()
        return records

    @api.model
    def _prepare_billing(self, clients, period_start, period_end):
        """What each client would be invoiced for the period, without
        writing anything: the preview and the run share it.

        Returns one dict per client: ``problems`` (sentences; the client is
        skipped when there are any), ``partner``, ``currency``, ``lines``
        (product, name, quantity, price_unit), ``amount``, ``usage`` and the
        ``subscriptions`` billed."""
        period_days = (period_end - period_start).days + 1
        subscriptions = self._subscriptions_in_period(clients, period_start, period_end)
        usage = subscriptions._usage(period_start, period_end)
        by_client = subscriptions.grouped("client_id")
        invoiced = self._invoiced_records(clients, period_start, period_end).grouped(
            "client_id"
        )
        result = []
        for client in clients:
            subs = by_client.get(client, subscriptions.browse())
            problems = []
            if client in invoiced:
                draft_label = _("draft invoice")
                names = [
                    move.name if move.name and move.name != "/" else draft_label
                    for move in invoiced[client].move_id
                ]
                problems.append(
                    _("the period is already invoiced (%s)", ", ".join(names))
                )
            if not subs:
                problems.append(_("no subscription covers the period"))
            if client.state == "closed" and subs.filtered(lambda s: not s.date_end):
                problems.append(
                    _("the account is closed but its subscription has no end date")
                )
            partner = subs[-1:].invoice_partner_id
            if subs and not partner:
                problems.append(_("no invoice address"))
            elif partner and not (partner.street and partner.city):
                problems.append(
                    _("the invoice address %s has no street or city", partner.name)
                )
            for plan in subs.plan_id:
                problems.extend(plan._billing_problems())
            currency = subs.plan_id.currency_id
            if len(currency) > 1:
                problems.append(_("its plans are in different currencies"))
            lines = []
            if not problems:
                lines = self.with_context(
                    lang=partner.lang or self.env.lang
                )._prepare_lines(subs, usage, period_start, period_end, period_days)
            amount = sum(
                currency.round(line["quantity"] * line["price_unit"]) for line in lines
            )
            client_usage = [usage[sub.id] for sub in subs if sub.id in usage]
            result.append(
                {
                    "client": client,
                    "problems": problems,
                    "partner": partner,
                    "currency": currency,
                    "lines": lines,
                    "amount": amount,
                    "subscriptions": subs,
                    "calls": sum(u["calls"] for u in client_usage),
                    "units": sum(u["units"] for u in client_usage),
                    "included": sum(u["included"] for u in client_usage),
                    "overage": sum(u["overage"] for u in client_usage),
                }
            )
        return result

    @api.model
    def _prepare_lines(
        self, subscriptions, usage, period_start, period_end, period_days
    ):
        """Invoice lines of one client: per subscription its fee and options
        pro-rated by the days it covers, then the usage beyond the package."""
        lang = self.env.lang
        unit_labels = dict(
            self.env["permanence.plan"]._fields["unit"]._description_selection(self.env)
        )
        lines = []
        for subscription in subscriptions:
            values = usage.get(subscription.id)
            if not values:
                continue
            plan = subscription.plan_id.with_context(lang=lang)
            currency = plan.currency_id
            days = values["days"]
            first = max(period_start, subscription.date_start)
            last = min(period_end, subscription.date_end or period_end)
            dates = _(
                "%(start)s to %(end)s",
                start=format_date(self.env, first, lang_code=lang),
                end=format_date(self.env, last, lang_code=lang),
            )
            if days < period_days:
                dates = _(
                    "%(dates)s, %(days)s of %(period_days)s days",
                    dates=dates,
                    days=days,
                    period_days=period_days,
                )
            if plan.billing_mode == "package":
                lines.append(
                    {
                        "product": plan.fee_product_id,
                        "name": _(
                            "%(plan)s: monthly fee (%(dates)s)",
                            plan=plan.name,
                            dates=dates,
                        ),
                        "quantity": 1.0,
                        "price_unit": currency.round(
                            billing.prorate(plan.fee_price, days, period_days)
                        ),
                    }
                )
            for option in subscription.option_ids.with_context(lang=lang):
                lines.append(
                    {
                        "product": option.product_id,
                        "name": _(
                            "%(option)s (%(dates)s)", option=option.name, dates=dates
                        ),
                        "quantity": 1.0,
                        "price_unit": currency.round(
                            billing.prorate(option.price, days, period_days)
                        ),
                    }
                )
            if values["overage"] > 0:
                unit = unit_labels[plan.unit].lower()
                if plan.billing_mode == "package":
                    name = _(
                        "%(plan)s: %(overage)s %(unit)s beyond the %(included)s "
                        "included (%(used)s used, %(dates)s)",
                        plan=plan.name,
                        overage=values["overage"],
                        unit=unit,
                        included=values["included"],
                        used=values["units"],
                        dates=dates,
                    )
                else:
                    name = _(
                        "%(plan)s: %(used)s %(unit)s (%(dates)s)",
                        plan=plan.name,
                        used=values["units"],
                        unit=unit,
                        dates=dates,
                    )
                lines.append(
                    {
                        "product": plan.overage_product_id,
                        "name": name,
                        "quantity": values["overage"],
                        "price_unit": plan.overage_price,
                    }
                )
        return lines

    # Running ---------------------------------------------------------------

    def _clients_to_bill(self):
        self.ensure_one()
        if self.client_ids:
            return self.client_ids
        subscriptions = self._subscriptions_in_period(
            None, self.period_start, self.period_end
        ).filtered(lambda sub: sub.company_id == self.company_id)
        return subscriptions.client_id

    @api.model
    def _check_invoicing_rights(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(
                _("Creating invoices needs the Invoicing rights (Billing).")
            )

    def action_run(self):
        self._check_invoicing_rights()
        for run in self.filtered(lambda r: r.state == "draft"):
            run._run()
        return True

    def _run(self):
        self.ensure_one()
        clients = self._clients_to_bill()
        prepared = self._prepare_billing(clients, self.period_start, self.period_end)
        ready = [values for values in prepared if not values["problems"]]
        moves = self._create_moves([values for values in ready if values["lines"]])
        records = []
        for values in prepared:
            move = moves.get(values["client"].id)
            problems = values["problems"]
            if not problems and not values["lines"]:
                problems = [_("nothing to invoice in the period")]
            if not problems and not move:
                problems = [
                    values.get("error") or _("the invoice could not be created")
                ]
            records.append(
                {
                    "run_id": self.id,
                    "client_id": values["client"].id,
                    "period_start": self.period_start,
                    "period_end": self.period_end,
                    "state": "invoiced" if move else "skipped",
                    "message": "\n".join(problems) if problems else False,
                    "partner_id": values["partner"].id,
                    "currency_id": values["currency"][:1].id,
                    "move_id": move.id if move else False,
                    "calls": values["calls"],
                    "units_used": values["units"],
                    "units_included": values["included"],
                    "units_overage": values["overage"],
                    "amount_untaxed": values["amount"],
                }
            )
        lines = self.env["permanence.invoice.run.line"].create(records)
        self._attach_calls(lines.filtered("move_id"), prepared)
        self.state = "done"
        skipped = lines.filtered(lambda line: line.state == "skipped")
        for line in skipped:
            _logger.info(
                "invoicing run %s: %s skipped: %s",
                self.id,
                line.client_id.display_name,
                line.message,
            )
        return lines

    def _move_values(self, values):
        client = values["client"]
        partner = values["partner"]
        lang = partner.lang or self.env.lang
        return {
            "move_type": "out_invoice",
            "company_id": self.company_id.id,
            "partner_id": partner.id,
            "currency_id": values["currency"].id,
            "invoice_origin": self.name,
            "invoice_user_id": client.user_id.id,
            "ref": _(
                "%(code)s answering service %(start)s to %(end)s",
                code=client.code,
                start=format_date(self.env, self.period_start, lang_code=lang),
                end=format_date(self.env, self.period_end, lang_code=lang),
            ),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": line["product"].id,
                        "name": line["name"],
                        "quantity": line["quantity"],
                        "price_unit": line["price_unit"],
                    }
                )
                for line in values["lines"]
            ],
        }

    def _create_moves(self, ready):
        """Draft invoices of the ready clients, ``{client id: move}``: in one
        batch, or client by client when the batch fails, so that one bad
        client (a product of another company, a missing account) is skipped
        with its error and the others are invoiced."""
        move_model = (
            self.env["account.move"]
            .with_company(self.company_id)
            .with_context(default_move_type="out_invoice", mail_create_nolog=True)
        )
        if not ready:
            return {}
        try:
            with self.env.cr.savepoint():
                moves = move_model.create([self._move_values(v) for v in ready])
            return {v["client"].id: move for v, move in zip(ready, moves, strict=True)}
        except (UserError, ValidationError) as error:
            _logger.info(
                "invoicing run %s: batch failed (%s), per client", self.id, error
            )
        result = {}
        for values in ready:
            try:
                with self.env.cr.savepoint():
                    result[values["client"].id] = move_model.create(
                        self._move_values(values)
                    )
            except (UserError, ValidationError) as error:
                values["error"] = str(error)
        return result

    def _attach_calls(self, lines, prepared):
        """The billed calls of each invoice as a CSV file, posted on the
        invoice (so the client sees it in the portal) and kept on the
        billing record.

        A confidential client's file names no caller, stays on the billing
        record (read by billing staff; the client's own portal users get it
        through the usage page) and is not posted on the invoice, whose
        chatter and attachments reach every follower of the invoice."""
        if not lines:
            return
        subscriptions = self.env["permanence.subscription"].union(
            *(values["subscriptions"] for values in prepared)
        )
        subscriptions = subscriptions.filtered(lambda s: s.client_id in lines.client_id)
        windows = subscriptions._usage_windows(self.period_start, self.period_end)
        calls = subscriptions._billed_calls(windows)
        rows_by_client = {}
        outcomes = dict(
            self.env["permanence.call"]
            ._fields["outcome"]
            ._description_selection(self.env)
        )
        for index, window in enumerate(windows):
            client = window["subscription"].client_id
            tz = pytz.timezone(client.tz or "UTC")
            rows = rows_by_client.setdefault(client.id, [])
            for name, date_start, caller, outcome, talk, units in calls.get(index, []):
                local = pytz.utc.localize(date_start).astimezone(tz)
                rows.append(
                    [
                        name,
                        local.strftime("%Y-%m-%d %H:%M:%S"),
                        "" if client.confidential else caller or "",
                        outcomes.get(outcome, outcome),
                        talk,
                        f"{float(units):g}",
                    ]
                )
        header = [
            _("Reference"),
            _("Date"),
            _("Caller"),
            _("Outcome"),
            _("Talk time (s)"),
            _("Billed units"),
        ]
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{line.client_id.code}-{self.period_start}-calls.csv",
                    "res_model": "permanence.invoice.run.line"
                    if line.client_id.confidential
                    else "account.move",
                    "res_id": line.id
                    if line.client_id.confidential
                    else line.move_id.id,
                    "mimetype": "text/csv",
                    "datas": base64.b64encode(
                        billing.calls_csv(
                            rows_by_client.get(line.client_id.id, []), header
                        ).encode("utf-8-sig")
                    ),
                }
                for line in lines
            ]
        )
        for line, attachment in zip(lines, attachments, strict=True):
            line.attachment_id = attachment
            if line.client_id.confidential:
                continue
            line.move_id.with_context(mail_post_autofollow=False).message_post(
                body=_("Detail of the billed calls of the period."),
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    # Entry points ----------------------------------------------------------

    @api.model
    def _invoice_period(self, period_start, period_end, clients=None, trigger="manual"):
        """Invoice the period: one run per company of the clients (all the
        subscribed clients of the allowed companies when ``clients`` is
        None). Returns the runs."""
        if clients is None:
            clients = self._subscriptions_in_period(
                None, period_start, period_end
            ).client_id
        runs = self.browse()
        for company, company_clients in clients.grouped("company_id").items():
            run = self.with_company(company).create(
                {
                    "company_id": company.id,
                    "period_start": period_start,
                    "period_end": period_end,
                    "client_ids": [Command.set(company_clients.ids)],
                    "trigger": trigger,
                }
            )
            run.with_company(company)._run()
            runs |= run
        return runs

    @api.model
    def _cron_invoice(self):
        """Invoice every period that ended before today and is not invoiced
        yet (catching up on missed days): each subscription's last complete
        period, according to its billing day."""
        today = fields.Date.context_today(self)
        subscriptions = self.env["permanence.subscription"].search(
            [("date_start", "<", today)]
        )
        periods = {}
        for subscription in subscriptions:
            start, end = billing.previous_period(today, subscription.billing_day)
            if billing.overlap_days(
                start, end, subscription.date_start, subscription.date_end
            ):
                periods.setdefault((start, end), set()).add(subscription.client_id.id)
        runs = self.browse()
        for (start, end), client_ids in periods.items():
            clients = self.env["permanence.client"].browse(client_ids)
            clients -= self._invoiced_records(clients, start, end).client_id
            for company_clients in clients.grouped("company_id").values():
                runs |= self._invoice_period_guarded(start, end, company_clients)
        return runs

    @api.model
    def _invoice_period_guarded(self, period_start, period_end, clients):
        """Scheduled invoicing of ``clients`` (of one company): in one run,
        or client by client when that run fails on an unexpected error, so
        that one bad client is shown skipped with its error (written apart,
        by ``permanence.batch``) and the others are invoiced."""
        batch = self.env["permanence.batch"]

        def set_aside(rows, error):
            rows.env["permanence.invoice.run"]._invoice_set_aside(
                rows, period_start, period_end, error
            )

        if len(clients) > 1:
            # The whole company first: on failure, nothing is recorded yet,
            # the clients are tried one by one.
            with batch._row(lambda rows, error: None, clients) as row:
                run = self._invoice_period(
                    period_start, period_end, clients, trigger="cron"
                )
            if not row.error:
                return run
        runs = self.browse()
        for client in clients:
            with batch._row(set_aside, client) as row:
                run = self._invoice_period(
                    period_start, period_end, client, trigger="cron"
                )
            if not row.error:
                runs |= run
        return runs

    @api.model
    def _invoice_set_aside(self, clients, period_start, period_end, error):
        """The scheduled invoicing of ``clients`` failed (called apart from
        the batch): a run showing them skipped with the error, for the
        billing team; the next run tries them again."""
        text = self.env._("Unexpected error: %s", error)
        return self.with_company(clients.company_id[:1]).create(
            {
                "company_id": clients.company_id[:1].id,
                "period_start": period_start,
                "period_end": period_end,
                "client_ids": [Command.set(clients.ids)],
                "trigger": "cron",
                "state": "done",
                "line_ids": [
                    Command.create(
                        {
                            "client_id": client.id,
                            "period_start": period_start,
                            "period_end": period_end,
                            "state": "skipped",
                            "message": text,
                        }
                    )
                    for client in clients
                ],
            }
        )

    # Navigation ------------------------------------------------------------

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.line_ids.move_id.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
