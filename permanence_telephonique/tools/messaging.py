"""Message taking: what a message needs before it can leave, and its subject."""

from markupsafe import Markup


def missing_for_sending(recipient_count, subject, caller_phone, caller_email):
    """Return the keys of what is missing to send a message, in display order.

    ``recipient`` — nobody to send it to; ``subject`` — empty subject;
    ``contact`` — no way to reach the caller back (neither phone nor email).
    """
    missing = []
    if not recipient_count:
        missing.append("recipient")
    if not (subject or "").strip():
        missing.append("subject")
    if not ((caller_phone or "").strip() or (caller_email or "").strip()):
        missing.append("contact")
    return missing


def mail_subject(client_name, subject):
    """Client-branded subject: ``[Cabinet Martin] Message de M. Dupont``."""
    subject = (subject or "").strip()
    if client_name:
        return f"[{client_name}] {subject}"
    return subject


def with_ack_link(body_html, url, label):
    """``body_html`` with a button to acknowledge the message at ``url``
    added at its end (for templates that do not show the link)."""
    button = Markup(
        '<p style="margin: 16px 0;"><a href="%s" style="background-color: #714B67;'
        " padding: 8px 16px; color: #ffffff; text-decoration: none;"
        ' border-radius: 4px;">%s</a></p>'
    ) % (url, label)
    return Markup(body_html or "") + button
