"""Service figures of the inbound calls, in SQL: one definition shared by the
supervisors' wallboard, the service-level report, the client's portal and
the monthly activity report, so that they always agree.

Per call (stored when the call happens, see ``permanence.call``):

- ``wait_duration``: seconds the caller waited, until an operator answered
  or, for an abandoned call, until the caller hung up;
- ``service_target``: the client's answer-time target in force then.

Over a set of calls:

- offered: inbound calls (ringing ones included);
- answered: inbound calls somebody picked up;
- abandoned: inbound calls the caller hung up before anyone answered;
- service level: answered within their target, out of the answered and
  abandoned calls (%);
- ASA (average speed of answer): the average wait of the answered calls
  only — an abandoned call is not an answer in 0 s;
- abandon rate and answer rate: abandoned, answered out of answered and
  abandoned (%);
- average time to abandon: the average wait of the abandoned calls.

Plain functions returning :class:`odoo.tools.SQL` over a table alias; the
model plugs them into ``_read_group`` (see
``permanence.call._read_group_select``) so that record rules apply.
"""

from odoo.tools import SQL

# Default answer-time target of a client (the trade's 20 seconds).
DEFAULT_TARGET_SECONDS = 20


def _col(alias, name):
    return SQL.identifier(alias, name)


def inbound(alias):
    return SQL("%s = 'inbound'", _col(alias, "direction"))


def answered(alias):
    return SQL("%s AND %s IS NOT NULL", inbound(alias), _col(alias, "date_answer"))


def abandoned(alias):
    return SQL(
        "%s AND %s IS NULL AND %s = 'abandoned'",
        inbound(alias),
        _col(alias, "date_answer"),
        _col(alias, "outcome"),
    )


def in_target(alias):
    return SQL(
        "%s AND %s <= COALESCE(%s, %s)",
        answered(alias),
        _col(alias, "wait_duration"),
        _col(alias, "service_target"),
        DEFAULT_TARGET_SECONDS,
    )


def _count(condition):
    return SQL("COUNT(*) FILTER (WHERE %s)", condition)


def _closed(alias):
    """Answered and abandoned calls: what rates are a share of."""
    return SQL("NULLIF(%s + %s, 0)", _count(answered(alias)), _count(abandoned(alias)))


def _share(part, alias):
    return SQL("ROUND(100.0 * %s / %s, 1)", part, _closed(alias))


# Columns the figures read (to flush before querying).
COLUMNS = (
    "direction",
    "date_answer",
    "outcome",
    "wait_duration",
    "service_target",
    "talk_duration",
)

# name -> SQL aggregate over the calls of a group, given the table alias
AGGREGATES = {
    "offered": lambda a: _count(inbound(a)),
    "answered": lambda a: _count(answered(a)),
    "abandoned": lambda a: _count(abandoned(a)),
    "answered_in_target": lambda a: _count(in_target(a)),
    "service_level": lambda a: _share(_count(in_target(a)), a),
    "answer_rate": lambda a: _share(_count(answered(a)), a),
    "abandon_rate": lambda a: _share(_count(abandoned(a)), a),
    "asa": lambda a: SQL(
        "ROUND(AVG(%s) FILTER (WHERE %s), 1)", _col(a, "wait_duration"), answered(a)
    ),
    "abandon_wait": lambda a: SQL(
        "ROUND(AVG(%s) FILTER (WHERE %s), 1)", _col(a, "wait_duration"), abandoned(a)
    ),
    "longest_wait": lambda a: SQL(
        "MAX(%s) FILTER (WHERE %s)", _col(a, "wait_duration"), inbound(a)
    ),
    "talk_duration": lambda a: SQL(
        "COALESCE(SUM(%s) FILTER (WHERE %s), 0)",
        _col(a, "talk_duration"),
        answered(a),
    ),
}
# Figures that are ratios or averages: None when nothing was answered or
# abandoned (shown as "—", not as 0).
RATIOS = ("service_level", "answer_rate", "abandon_rate", "asa", "abandon_wait")
# Stored per-call fields whose aggregate in a pivot or a read_group is the
# figure of the group, not an average of per-call values.
FIELD_FIGURES = {
    "service_level": "service_level",
    "answer_rate": "answer_rate",
    "abandoned_rate": "abandon_rate",
    "asa": "asa",
    "abandon_wait": "abandon_wait",
}


def aggregate(name, alias):
    """SQL of figure ``name`` over the rows of ``alias`` in a GROUP BY."""
    return AGGREGATES[name](alias)


def empty():
    """Figures of no call at all."""
    return {name: (None if name in RATIOS else 0) for name in AGGREGATES}


def clean(values):
    """Figures as Python numbers: counts as int, ratios as float or None."""
    result = {}
    for name, value in values.items():
        if name in RATIOS:
            result[name] = None if value is None else float(value)
        elif name == "longest_wait":
            result[name] = None if value is None else int(value)
        else:
            result[name] = int(value or 0)
    return result
