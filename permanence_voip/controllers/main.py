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
            "PBX event refused (%s) from %s for pbx %r",
            reason,
            request.httprequest.remote_addr,
            pbx_code,
        )
        return self._reply(403, reason)

    @http.route(
        "/permanence/voip/event",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def voip_event(self, **_kwargs):
        # Cached: Odoo replays the request after a concurrency failure.
        body = request.httprequest.get_data()
        header = request.httprequest.headers.get(signature.HEADER)
        if signature.parse_header(header) is None:
            return self._refuse("missing or malformed signature")
        if len(body) > MAX_BODY:
            return self._reply(413, "body too large")
        try:
            data = events.loads(body)
        except events.EventError as error:
            return self._reply(400, error.reason)
        code = data.get("pbx")
        if not isinstance(code, str) or not code:
            return self._reply(400, "missing field: pbx")
        candidates = (
            request.env["permanence.voip.pbx"].sudo().search([("code", "=", code)])
        )
        pbx = candidates.filtered(lambda p: signature.verify(p.secret, body, header))[
            :1
        ]
        if not pbx:
            return self._refuse("bad signature", code)
        try:
            event = events.validate(data)
        except events.EventError as error:
            return self._reply(400, error.reason)
        event["raw"] = body.decode("utf-8")
        call, __ = request.env["permanence.call"].sudo()._voip_process(pbx, event)
        return self._reply(200, **call._voip_answer())

    @http.route("/permanence/voip/dial", type="json", auth="user", methods=["POST"])
    def voip_dial(self, number):
        """Click-to-dial from a phone field of the web client."""
        return request.env["permanence.voip.pbx"]._dial_for_user(number)
