"""The check every public method makes before it uses ``sudo()``.

A method callable over JSON-RPC (``action_*`` and the like) may be called by
any logged-in user, portal users included, on any record id: the ORM checks
nothing until something is read or written as that user, and nothing at all
once the method switched to ``sudo()``. So the method first asks the ORM
whether the user may do ``operation`` on these records (access rights and
record rules) and whether they belong to ``group``.
"""

import functools

from odoo.exceptions import AccessError
from odoo.osv import expression

OPERATOR = "permanence_telephonique.group_permanence_operator"
SUPERVISOR = "permanence_telephonique.group_permanence_supervisor"
MANAGER = "permanence_telephonique.group_permanence_manager"


def check_rights(records, operation, group=None):
    """Raise AccessError unless the current user may ``operation`` on
    ``records`` (rights and record rules) and is a member of ``group``.
    The superuser (crons, sudo callers) passes."""
    env = records.env
    if env.su:
        return
    if group and not env.user.has_group(group):
        raise AccessError(
            env._(
                "You are not allowed to do this: it is reserved for the group "
                "“%(group)s”.",
                group=env.ref(group).sudo().full_name,
            )
        )
    records.check_access(operation)


# Ids are PostgreSQL integers: a larger number in an address is no record,
# not a database error.
MAX_ID = 2**31 - 1


def valid_id(value):
    """Whether ``value`` (from a request) can be a record id."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def as_id(value):
    """The record id a request value (text or number) names, or 0."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return 0
    return wanted if valid_id(wanted) else 0


def thread_models(env):
    """The chatter models holding a client account's data: the client
    accounts themselves and every mail.thread with a ``client_id``."""
    return env["permanence.client.owned"]._permanence_thread_models()


def visible_thread_domain(env, model_field, id_field):
    """Domain on a model pointing at chatter records (``model_field``,
    ``id_field``): rows of the client accounts' records only when the user
    sees that record (its own record rules, as a subquery)."""
    models = thread_models(env)
    domains = [[(model_field, "not in", list(models))]]
    for model in models:
        if not env[model].has_access("read"):
            continue  # none of its records: none of its followers
        visible = env[model].with_context(active_test=False)._search([])
        domains.append([(model_field, "=", model), (id_field, "in", visible)])
    return expression.OR(domains)


def hidden_thread_check(records, operation, result, model_field, id_field, extra=None):
    """Complete ``_check_access``'s ``result`` for ``records``: those
    pointing at a client account's record the user does not see are
    forbidden too."""
    if records.env.su or not records._ids:
        return result
    forbidden = result[0] if result else records.browse()
    rest = records - forbidden
    if not rest:
        return result
    domain = visible_thread_domain(records.env, model_field, id_field)
    if extra:
        domain = expression.OR([domain, extra])
    visible = (
        rest.sudo()
        .with_context(active_test=False)
        .search(expression.AND([[("id", "in", rest.ids)], domain]))
    )
    hidden = rest - visible.with_env(rest.env)
    if not hidden:
        return result
    forbidden |= hidden
    return forbidden, functools.partial(
        records.env["ir.rule"]._make_access_error, operation, forbidden
    )
