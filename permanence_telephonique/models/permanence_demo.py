# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools import demo

_logger = logging.getLogger(__name__)

FRENCH = "fr_FR"


class PermanenceDemo(models.AbstractModel):
    """What the demo data cannot say in XML: French for everyone, and a
    month of activity dated from the day the demo is installed. Called by
    ``<function>`` tags of the demo files only (private methods: not
    callable over RPC)."""

    _name = "permanence.demo"
    _description = "Answering service demo data"

    @api.model
    def _setup_french(self, users=(), partners=()):
        """Activate French (loading the installed modules' French terms when
        it was not active yet) and set it on the company, the given users
        (xml ids) and the given partners (xml ids) and their contacts."""
        langs = self.env["res.lang"].with_context(active_test=False)
        french = langs.search([("code", "=", FRENCH)])
        if not french.active:
            french.active = True
            installed = self.env["ir.module.module"].search(
                [("state", "=", "installed")]
            )
            installed._update_translations(FRENCH)
        company = self.env.ref("base.main_company")
        user_records = self.env["res.users"].browse(
            [self.env.ref(xmlid).id for xmlid in users]
        )
        partner_records = self.env["res.partner"].browse(
            [self.env.ref(xmlid).id for xmlid in partners]
        )
        partner_records |= partner_records.child_ids
        (company.partner_id | user_records.partner_id | partner_records).write(
            {"lang": FRENCH}
        )
        user_records.write({"lang": FRENCH, "tz": "Europe/Paris"})
        # Odoo's French demo company (l10n_fr) has the mobile number used as
        # the example caller everywhere (06 12 34 56 78): give it its
        # landline so that the example caller is not taken for it.
        demo_company = self.env.ref(
            "base.partner_demo_company_fr", raise_if_not_found=False
        )
        if demo_company:
            demo_company.phone = "+33 2 99 00 00 00"

    @api.model
    def _generate_history(self, clients=(), days=35):
        """Calls, messages and deliveries of the past ``days`` days for the
        given clients (xml ids), created in one batch per model."""
        clients = self.env["permanence.client"].browse(
            [self.env.ref(xmlid).id for xmlid in clients]
        )
        operator = self.env.ref("permanence_telephonique.group_permanence_operator")
        supervisor = self.env.ref("permanence_telephonique.group_permanence_supervisor")
        operator_ids = (operator.users - supervisor.users).ids or self.env.user.ids
        plan = demo.history(
            [self._client_data(client) for client in clients],
            operator_ids,
            fields.Date.context_today(self),
            days=days,
        )
        quiet = self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        calls = quiet.env["permanence.call"].create([entry["call"] for entry in plan])
        with_message = [
            (entry, call)
            for entry, call in zip(plan, calls, strict=True)
            if entry.get("message")
        ]
        messages = quiet.env["permanence.message"].create(
            [
                dict(
                    entry["message"],
                    call_id=call.id,
                    recipient_ids=[(6, 0, entry["message"]["recipient_ids"])],
                )
                for entry, call in with_message
            ]
        )
        deliveries = quiet.env["permanence.message.delivery"].create(
            [
                dict(values, message_id=message.id)
                for (entry, __), message in zip(with_message, messages, strict=True)
                for values in entry["deliveries"]
            ]
        )
        self.env["permanence.message.attempt"].create(
            [
                {
                    "delivery_id": delivery.id,
                    "date": delivery.date_sent,
                    "ok": True,
                    "reference": delivery.reference[:12],
                }
                for delivery in deliveries
            ]
        )
        _logger.info(
            "demo: %s calls, %s messages, %s deliveries over %s days",
            len(calls),
            len(messages),
            len(deliveries),
            days,
        )
        return calls

    def _client_data(self, client):
        """The values of one client that ``tools.demo.history`` needs."""
        return {
            "id": client.id,
            "tz": client.tz,
            "numbers": client.number_ids.mapped("number"),
            "operators": client.allowed_operator_ids.ids if client.confidential else [],
            "reasons": [
                {
                    "id": reason.id,
                    "name": reason.name,
                    "action": reason.action,
                    "urgency": reason.urgency,
                }
                for reason in client.reason_ids
            ],
            "interlocutors": [
                {
                    "id": interlocutor.id,
                    "name": interlocutor.name,
                    "channel": interlocutor.message_channel,
                    "urgent_channel": interlocutor.urgent_channel,
                    "destination": interlocutor.email,
                    "sms_destination": interlocutor.mobile,
                }
                for interlocutor in client.interlocutor_ids
                if interlocutor.receives_messages
            ],
        }

    @api.model
    def _invoice_last_month(self):
        """Invoice the previous month of every subscription and post the
        invoices, so that the client portal shows them. Skipped (logged)
        when the company has no sales journal (no chart of accounts)."""
        company = self.env.ref("base.main_company")
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            _logger.info("demo: no sales journal, no demo invoices")
            return False
        first = fields.Date.context_today(self).replace(day=1)
        runs = (
            self.env["permanence.invoice.run"]
            .with_company(company)
            ._invoice_period(
                first - relativedelta(months=1), first - relativedelta(days=1)
            )
        )
        moves = runs.line_ids.move_id
        moves.action_post()
        return moves
