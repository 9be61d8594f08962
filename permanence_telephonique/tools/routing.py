"""Which channel each recipient gets a message by, and when to retry.

Pure functions over plain values, shared by the send path, the escalation
and the tests.
"""

from datetime import time, timedelta

# Minutes to wait after each failed attempt; past the last one, it failed.
BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# What a channel falls back to when it cannot be used or keeps failing.
FALLBACK = {"sms": "email", "portal": "email", "email": "sms"}


def in_quiet_hours(local_time, start, end):
    """Whether ``local_time`` (a ``time``) lies in the quiet window, which may
    wrap around midnight (21:00 → 08:00)."""
    if start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def float_to_time(hours):
    hours = max(0.0, min(float(hours or 0.0), 23.99))
    minutes = round(hours * 60)
    return time(minutes // 60, minutes % 60)


def channel_for(normal_channel, urgent_channel, urgency, quiet):
    """The channel for one recipient.

    Urgent and critical messages use the recipient's urgent channel; no SMS
    is sent in quiet hours except for critical messages (email instead).
    """
    channel = urgent_channel if urgency in ("urgent", "critical") else normal_channel
    if channel == "sms" and quiet and urgency != "critical":
        return "email"
    return channel


def next_attempt_delay(attempt_count):
    """Delay before the next try after ``attempt_count`` failed tries, or
    ``None`` when it is time to give up."""
    if attempt_count >= MAX_ATTEMPTS:
        return None
    return timedelta(minutes=BACKOFF_MINUTES[min(attempt_count, MAX_ATTEMPTS) - 1])
