# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client portal: the monthly activity reports of the client account and
who receives them by email.

The client account is read as the portal user (record rules decide); its
reports are then read with ``sudo()``, for that account only. A report of
another account is "not found" (404), whoever asks.
"""

from odoo import http
from odoo.http import content_disposition, request

from ..tools.access import valid_id
from .portal import PermanencePortal

REPORTS_SHOWN = 36


class PermanenceReportPortal(PermanencePortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "permanence_report_count" in counters:
            client_model = request.env["permanence.client"]
            clients = (
                client_model.search([])
                if client_model.has_access("read")
                else client_model
            )
            values["permanence_report_count"] = (
                request.env["permanence.activity.report"]
                .sudo()
                .search_count(self._permanence_report_domain(clients))
            )
        return values

    @staticmethod
    def _permanence_report_domain(clients):
        return [("client_id", "in", clients.ids), ("attachment_id", "!=", False)]

    def _permanence_report_recipient_choices(self, client):
        """Whom the client may choose: its interlocutors and the contacts
        of its company (read as the user, after the account was)."""
        partner = client.sudo().partner_id.commercial_partner_id
        interlocutors = client.sudo().interlocutor_ids.partner_id
        contacts = (
            request.env["res.partner"]
            .sudo()
            .search([("id", "child_of", partner.id), ("email", "!=", False)])
        )
        return (interlocutors | contacts).filtered("email").sorted("name")

    @http.route(
        "/my/permanence/reports",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_permanence_reports(self, client_id=None, **kw):
        client, clients = self._permanence_client(client_id)
        if not client:
            return request.redirect("/my")
        reports = (
            request.env["permanence.activity.report"]
            .sudo()
            .search(self._permanence_report_domain(client), limit=REPORTS_SHOWN)
        )
        values = self._permanence_values(
            client,
            clients,
            "permanence_reports",
            default_url="/my/permanence/reports",
            reports=reports,
            recipient_choices=self._permanence_report_recipient_choices(client),
            recipients=client.sudo().activity_report_recipient_ids,
            saved=kw.get("saved"),
        )
        return request.render(
            "permanence_telephonique.portal_permanence_reports", values
        )

    @http.route(
        "/my/permanence/reports/<int:report_id>/pdf",
        type="http",
        auth="user",
        readonly=True,
    )
    def portal_permanence_report_pdf(self, report_id, **kw):
        if not valid_id(report_id):
            raise request.not_found()
        client_model = request.env["permanence.client"]
        if not client_model.has_access("read"):
            raise request.not_found()
        clients = client_model.search([])
        report = (
            request.env["permanence.activity.report"]
            .sudo()
            .search([("id", "=", report_id)] + self._permanence_report_domain(clients))
        )
        if not report:
            raise request.not_found()
        attachment = report.attachment_id
        return request.make_response(
            attachment.raw or b"",
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", content_disposition(attachment.name)),
            ],
        )

    @http.route(
        "/my/permanence/reports/recipients",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_permanence_report_recipients(self, client_id=None, **kw):
        """Choose who receives the monthly report, among the client's
        contacts."""
        client, _clients = self._permanence_client(client_id)
        if not client:
            raise request.not_found()
        choices = self._permanence_report_recipient_choices(client)
        wanted = set(request.httprequest.form.getlist("recipient_ids"))
        chosen = choices.filtered(lambda partner: str(partner.id) in wanted)
        account = client.sudo()
        # Recipients the staff added outside the choices stay.
        account.activity_report_recipient_ids = (
            account.activity_report_recipient_ids - choices
        ) | chosen
        account.message_post(
            body=request.env._(
                "Monthly report recipients set by %(user)s: %(names)s",
                user=request.env.user.name,
                names=", ".join(account.activity_report_recipient_ids.mapped("name"))
                or "-",
            )
        )
        return request.redirect(f"/my/permanence/reports?client_id={client.id}&saved=1")
