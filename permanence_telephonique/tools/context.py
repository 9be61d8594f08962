"""Contexts: what a screen puts in the context must not reach the records a
button creates further down.

The web client gives every button of a form ``active_model``/``active_id``
of the record and keeps the action's ``default_*`` keys; Odoo's own models
read them when they create records (``calendar.event`` ties itself, and a
meeting activity, to the active record; any ``default_<field>`` fills a field
of the same name on any model). Work that creates records behind the
operator's back runs with :func:`without_ui_keys`."""

UI_KEYS = frozenset({"active_id", "active_ids", "active_model", "active_domain"})
UI_PREFIXES = ("default_", "search_default_")
UI_SUFFIXES = ("_view_ref",)


def is_ui_key(key):
    """True for a context key that only makes sense for the current screen."""
    return key in UI_KEYS or key.startswith(UI_PREFIXES) or key.endswith(UI_SUFFIXES)


def without_ui_keys(context):
    """``context`` without the keys of the screen it came from (language,
    time zone, companies and flags stay)."""
    return {key: value for key, value in context.items() if not is_ui_key(key)}
