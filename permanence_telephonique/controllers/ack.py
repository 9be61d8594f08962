from odoo import http
from odoo.http import request
from odoo.tools import format_datetime

from ..tools.access import MAX_ID, valid_id


def message_from_link(message_id, interlocutor_id, token, check):
    """The message a signed link is for, or None: ids in range, the message
    exists, and its ``check`` method (``_check_ack_token``,
    ``_check_read_token``) accepts the token for that recipient."""
    if not (valid_id(message_id) and 0 <= interlocutor_id <= MAX_ID):
        return None
    message = request.env["permanence.message"].sudo().browse(message_id).exists()
    if not message or not getattr(message, check)(interlocutor_id, token):
        return None
    return message


def use_reader_language(message, interlocutor_id):
    """Public pages of a message (no login) speak the recipient's language:
    the interlocutor's, else the client's."""
    interlocutor = request.env["permanence.interlocutor"].sudo().browse(interlocutor_id)
    lang = (
        interlocutor.exists().partner_id.lang
        or message.client_id.partner_id.lang
        or request.env.context.get("lang")
    )
    if lang:
        request.update_context(lang=lang)


class PermanenceAcknowledge(http.Controller):
    """Acknowledgement links sent with each message (email, SMS).

    The link works without login: it carries a token signed with the
    database secret for that message and recipient. Opening it shows a page
    that confirms at once (a form posted by the page itself, so that mail
    scanners that only fetch links acknowledge nothing); confirming twice
    changes nothing.
    """

    def _message_from_link(self, message_id, interlocutor_id, token):
        return message_from_link(message_id, interlocutor_id, token, "_check_ack_token")

    @http.route(
        "/permanence/ack/<int:message_id>/<int:interlocutor_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=False,
        sitemap=False,
    )
    def acknowledge_page(self, message_id, interlocutor_id, token, **kw):
        message = self._message_from_link(message_id, interlocutor_id, token)
        if not message:
            raise request.not_found()
        use_reader_language(message, interlocutor_id)
        return request.render(
            "permanence_telephonique.acknowledge_page",
            {"message": message, "interlocutor_id": interlocutor_id, "token": token},
        )

    @http.route(
        "/permanence/ack/<int:message_id>/<int:interlocutor_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        website=False,
        sitemap=False,
    )
    def acknowledge(self, message_id, interlocutor_id, token, **kw):
        message = self._message_from_link(message_id, interlocutor_id, token)
        if not message:
            raise request.not_found()
        use_reader_language(message, interlocutor_id)
        interlocutor = (
            request.env["permanence.interlocutor"].sudo().browse(interlocutor_id)
        )
        message.action_acknowledge(by=interlocutor.name or message.client_id.name)
        return request.render(
            "permanence_telephonique.acknowledge_page",
            {"message": message, "done": True},
        )


class PermanenceMessageNotice(http.Controller):
    """The signed link of a content-free notice (confidential clients): the
    email or SMS says only that a message is waiting; opening the link shows
    it, or sends to the client portal when the client wants a login."""

    @http.route(
        "/permanence/message/<int:message_id>/<int:interlocutor_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=False,
        sitemap=False,
    )
    def message_notice(self, message_id, interlocutor_id, token, **kw):
        message = message_from_link(
            message_id, interlocutor_id, token, "_check_read_token"
        )
        if not message:
            raise request.not_found()
        client = message.client_id
        if client.notice_requires_login:
            return request.redirect(f"/my/permanence/messages/{message.id}")
        interlocutor = (
            request.env["permanence.interlocutor"].sudo().browse(interlocutor_id)
        )
        use_reader_language(message, interlocutor_id)
        message = message.with_context(lang=request.env.context.get("lang"))
        callback_before = message.callback_before and format_datetime(
            message.env, message.callback_before, tz=client.tz, dt_format="short"
        )
        return request.render(
            "permanence_telephonique.message_notice_page",
            {
                "message": message,
                "interlocutor_id": interlocutor_id,
                "ack_token": message._ack_token(interlocutor),
                "caller_phone": message.caller_phone,
                "callback_before": callback_before,
            },
        )
