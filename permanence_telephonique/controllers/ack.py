from odoo import http
from odoo.http import request


class PermanenceAcknowledge(http.Controller):
    """Acknowledgement links sent with each message (email, SMS).

    The link works without login: it carries a token signed with the
    database secret for that message and recipient. Opening it shows a page
    that confirms at once (a form posted by the page itself, so that mail
    scanners that only fetch links acknowledge nothing); confirming twice
    changes nothing.
    """

    def _message_from_link(self, message_id, interlocutor_id, token):
        message = request.env["permanence.message"].sudo().browse(message_id).exists()
        if not message or not message._check_ack_token(interlocutor_id, token):
            return None
        return message

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
        interlocutor = (
            request.env["permanence.interlocutor"].sudo().browse(interlocutor_id)
        )
        message.action_acknowledge(by=interlocutor.name or message.client_id.name)
        return request.render(
            "permanence_telephonique.acknowledge_page",
            {"message": message, "done": True},
        )
