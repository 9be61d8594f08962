# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client portal: the package usage of the current period and the billed
calls of the invoiced periods.

The client accounts are read as the portal user (record rules decide); the
billing figures are read with ``sudo()`` only for those accounts, after that
check. Invoices themselves are Odoo's account portal (/my/invoices).
"""

import base64

from odoo import http
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..tools.access import valid_id

PERIODS_SHOWN = 12


class PermanenceBillingPortal(CustomerPortal):
    def _permanence_billing_clients(self):
        client_model = request.env["permanence.client"]
        if not client_model.has_access("read"):
            return client_model
        return client_model.search([])

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "permanence_usage_count" in counters:
            clients = self._permanence_billing_clients()
            values["permanence_usage_count"] = len(
                request.env["permanence.subscription"]
                .sudo()
                ._current_for_clients(clients)
            )
        return values

    @http.route(
        "/my/permanence/usage", type="http", auth="user", website=True, readonly=True
    )
    def portal_permanence_usage(self, **kw):
        clients = self._permanence_billing_clients()
        if not clients:
            return request.redirect("/my")
        subscription_model = request.env["permanence.subscription"].sudo()
        current = subscription_model._current_for_clients(clients)
        subscriptions = subscription_model.browse([sub.id for sub in current.values()])
        usage = subscriptions._current_usage()
        records = (
            request.env["permanence.invoice.run.line"]
            .sudo()
            .search(
                [("client_id", "in", clients.ids), ("state", "=", "invoiced")],
                order="period_start desc, id desc",
                limit=PERIODS_SHOWN,
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="permanence_usage",
            usage_rows=[
                (subscription, usage.get(subscription.id, {}))
                for subscription in subscriptions
            ],
            billing_records=records,
        )
        return request.render("permanence_telephonique.portal_permanence_usage", values)

    @http.route(
        "/my/permanence/usage/<int:record_id>/calls.csv",
        type="http",
        auth="user",
        readonly=True,
    )
    def portal_permanence_usage_csv(self, record_id, **kw):
        if not valid_id(record_id):
            return request.redirect("/my")
        clients = self._permanence_billing_clients()
        record = (
            request.env["permanence.invoice.run.line"]
            .sudo()
            .search(
                [
                    ("id", "=", record_id),
                    ("client_id", "in", clients.ids),
                    ("state", "=", "invoiced"),
                ]
            )
        )
        if not record.attachment_id:
            return request.redirect("/my")
        attachment = record.attachment_id
        return request.make_response(
            base64.b64decode(attachment.datas or b""),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition(attachment.name)),
            ],
        )
