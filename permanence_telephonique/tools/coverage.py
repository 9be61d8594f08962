"""Coverage: whether the service answers for a client at a given moment.

``in_business_hours`` comes from the client's working-time calendar (Odoo's
``resource.calendar``, evaluated in the client's time zone, closures
included); this module turns it into "covered by the contract" per mode.
"""

MODES = ("always", "business_hours", "overflow", "after_hours", "custom")
SERVICE_ON = "on"
SERVICE_OFF = "off"


def is_covered(mode, in_business_hours, service=None):
    """True when a call at that moment is inside the contract.

    ``service`` is the mode of the period the client chose for that moment
    (``permanence.service.period``), if any: ``on`` (the client asked us to
    take their calls: covered) or ``off`` (the client answers themselves:
    not covered) wins over the contract's hours.

    - ``always`` (24/7) and ``overflow`` (we answer whenever the client's own
      line does not): every moment is covered;
    - ``business_hours`` and ``custom``: the calendar's ranges are the
      contract's ranges;
    - ``after_hours``: we answer when the client's office is closed, so the
      calendar's ranges are the moments *not* covered.
    """
    if service == SERVICE_ON:
        return True
    if service == SERVICE_OFF:
        return False
    if mode in ("always", "overflow"):
        return True
    if mode in ("business_hours", "custom"):
        return bool(in_business_hours)
    if mode == "after_hours":
        return not in_business_hours
    raise ValueError(f"unknown coverage mode {mode!r}")
