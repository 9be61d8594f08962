"""Coverage: whether the service answers for a client at a given moment.

``in_business_hours`` comes from the client's working-time calendar (Odoo's
``resource.calendar``, evaluated in the client's time zone, closures
included); this module turns it into "covered by the contract" per mode.
"""

MODES = ("always", "business_hours", "overflow", "after_hours", "custom")


def is_covered(mode, in_business_hours):
    """True when a call at that moment is inside the contract.

    - ``always`` (24/7) and ``overflow`` (we answer whenever the client's own
      line does not): every moment is covered;
    - ``business_hours`` and ``custom``: the calendar's ranges are the
      contract's ranges;
    - ``after_hours``: we answer when the client's office is closed, so the
      calendar's ranges are the moments *not* covered.
    """
    if mode in ("always", "overflow"):
        return True
    if mode in ("business_hours", "custom"):
        return bool(in_business_hours)
    if mode == "after_hours":
        return not in_business_hours
    raise ValueError(f"unknown coverage mode {mode!r}")
