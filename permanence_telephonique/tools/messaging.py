"""Message taking: what a message needs before it can leave, and its subject."""


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
