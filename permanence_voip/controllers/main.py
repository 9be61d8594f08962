import logging

from odoo import http
from odoo.http import request

from ..tools import events, signature

_logger = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


class PermanenceVoipController(http.Controller):
    """The PBX's events webhook. Fails closed: without a valid signature of
    the raw body by an active PBX's secret, nothing is read further and
    nothing is written."""

    def _reply(self, status, reason=None, **payload):
        if reason:
            payload["reason"] = reason
        return request.make_json_response(payload, status=status)

    def _refuse(self, reason, pbx_code=None):
        _logger.warning(
            "PBX event refused (%s) from %s (pbx %r)",
            reason,
            request.httprequest.remote_addr,
            pbx_code,
        )
        return self._reply(403, reason)

    @http.route(
        "/permanence/voip/event",
        type="http",
        auth="public",
        methods=None,  # every method reaches us, to answer a JSON 405
        csrf=False,
        save_session=False,
    )
    def voip_event(self, **_kwargs):
        httprequest = request.httprequest
        if httprequest.method != "POST":
            response = self._reply(405, "method not allowed: use POST")
            response.headers["Allow"] = "POST"
            return response
        if httprequest.content_length is None:
            # A chunked body would be read whole before its size is known.
            return self._reply(411, "Content-Length required")
        if httprequest.content_length > MAX_BODY:
            return self._reply(413, "body too large")
        # Cached: Odoo replays the request after a concurrency failure.
        body = httprequest.get_data()
        header = httprequest.headers.get(signature.HEADER)
        if signature.parse_header(header) is None:
            return self._refuse("missing or malformed signature")
        # The signature is checked on the raw body before anything reads it:
        # against the secret of every active PBX (a handful per database),
        # since the PBX's code is inside the body.
        signed = (
            request.env["permanence.voip.pbx"]
            .sudo()
            .search_fetch([], ["code", "secret", "company_id"])
            .filtered(lambda p: signature.verify(p.secret, body, header))
        )
        if not signed:
            return self._refuse("bad signature")
        try:
            event = events.validate(events.loads(body))
        except events.EventError as error:
            return self._reply(400, error.reason)
        pbx = signed.filtered(lambda p: p.code == event["pbx"])[:1]
        if not pbx:
            return self._refuse("bad signature", event["pbx"])
        event["raw"] = body.decode("utf-8")
        self._fresh_transaction()
        call, __ = request.env["permanence.call"].sudo()._voip_process(pbx, event)
        return self._reply(200, **call._voip_answer())

    def _fresh_transaction(self):
        """Start the transaction that processes the event in READ COMMITTED.

        ``_voip_process`` waits for the call's advisory lock; once it holds
        it, it must see what the previous holder committed. Odoo's
        transactions are REPEATABLE READ, whose snapshot would date from
        before the wait. Nothing has been written yet: roll back and begin
        anew. Tests share one transaction (and one request at a time), so
        they keep theirs.
        """
        cr = request.env.cr
        cr.rollback()
        if not request.env.registry.in_test_mode():
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")

    @http.route("/permanence/voip/dial", type="json", auth="user", methods=["POST"])
    def voip_dial(self, number):
        """Click-to-dial from a phone field of the web client."""
        return request.env["permanence.voip.pbx"]._dial_for_user(number)
