import hmac
import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.permanence_telephonique.tools.access import valid_id

# What _token() makes (secrets.token_urlsafe): anything else, a NUL byte
# included, is no agenda's address.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class PermanenceAgendaController(http.Controller):
    @http.route(
        "/permanence/agenda/<string:token>.ics",
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        csrf=False,
        save_session=False,
    )
    def agenda_feed(self, token, **kwargs):
        """Private iCal feed of an agenda: the token in the address is the
        only credential; an unknown or revoked token is a 404."""
        if not FEED_TOKEN.fullmatch(token):
            raise NotFound()
        agenda = (
            request.env["permanence.agenda"]
            .sudo()
            .search([("feed_token", "=", token), ("feed_enabled", "=", True)], limit=1)
        )
        if not agenda or not hmac.compare_digest(
            agenda.feed_token.encode(), token.encode()
        ):
            raise NotFound()
        body = agenda._feed_ics()
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Disposition", 'inline; filename="agenda.ics"'),
                ("Cache-Control", "private, max-age=300"),
            ],
        )

    @http.route(
        "/permanence/interlocutors/vcard", type="http", auth="user", methods=["GET"]
    )
    def interlocutors_vcard(self, ids="", **kwargs):
        """vCards of interlocutors the current user may read."""
        try:
            record_ids = [int(i) for i in ids.split(",") if i]
        except ValueError as exc:
            raise NotFound() from exc
        if not all(valid_id(i) for i in record_ids):
            raise NotFound()
        interlocutors = request.env["permanence.interlocutor"].search(
            [("id", "in", record_ids)]
        )
        if not interlocutors:
            raise NotFound()
        filename = (
            "interlocutors.vcf"
            if len(interlocutors) > 1
            else f"{interlocutors.name or 'contact'}.vcf"
        )
        return request.make_response(
            interlocutors._vcard(),
            headers=[
                ("Content-Type", "text/vcard; charset=utf-8"),
                (
                    "Content-Disposition",
                    http.content_disposition(filename),
                ),
            ],
        )
