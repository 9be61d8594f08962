import logging
from contextlib import contextmanager

from odoo import api, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

_logger = logging.getLogger(__name__)

# How long the separate transaction recording an error may wait for a lock
# before the error is recorded in the batch's own transaction instead.
SET_ASIDE_LOCK_TIMEOUT = "5s"


class RowGuard:
    """What ``permanence.batch._row`` knows of the row it guards: the row
    (which the caller may choose inside the savepoint) and, once it failed,
    the error."""

    __slots__ = ("record", "error", "conflict")

    def __init__(self, record=None):
        self.record = record
        self.error = None
        self.conflict = False


def error_text(exc):
    """The error as a person reads it: its kind and its message."""
    message = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {message}"


class PermanenceBatch(models.AbstractModel):
    """One shared way for every cron to go through its rows, like OCA
    ``queue_job`` runs its jobs: each row in its own savepoint; when a row
    raises, only that row is rolled back, the error is written on it in a
    separate transaction (committed at once, whatever happens to the batch)
    by the caller's ``set_aside`` function, which moves it out of the way
    (failed, or due later), and the batch goes on with the next row."""

    _name = "permanence.batch"
    _description = "Batch processing, one row at a time"

    @api.model
    @contextmanager
    def _row(self, set_aside, record=None):
        """Guard the processing of one row::

            for message in due:
                with batch._row("_escalation_set_aside", message):
                    message._escalate_step()

        or, when the row is chosen (and locked) inside the savepoint::

            with batch._row("_outbox_set_aside") as row:
                row.record = pick_next()
                ...

        A failure before a row is chosen is not a row's: it is raised. A
        concurrency error (another transaction changed the row meanwhile) is
        nobody's fault: the row is left as it was, for the next run, and
        ``row.conflict`` tells the caller, whose snapshot is now stale.
        ``set_aside`` runs on the failed row in a separate transaction: the
        name of a method of the row, called with the error text, or a
        function called with the row and the error text. The guard tells the
        caller with ``row.error``."""
        row = RowGuard(record)
        try:
            with self.env.cr.savepoint():
                yield row
        except Exception as exc:
            if getattr(exc, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY:
                row.error = error_text(exc)
                row.conflict = True
                _logger.info(
                    "%s %s: changed by another transaction, left for the next run: %s",
                    row.record._name if row.record else self._name,
                    row.record.ids if row.record else [],
                    row.error,
                )
                return
            if not row.record:
                raise
            row.error = error_text(exc)
            _logger.exception(
                "%s %s: unexpected error, row set aside, batch goes on",
                row.record._name,
                row.record.ids,
            )
            self._set_aside(row.record, set_aside, row.error)

    @api.model
    def _set_aside(self, record, set_aside, error):
        """Record ``error`` on ``record`` in a separate transaction. A row
        that other transactions cannot see yet (created in this one), or
        that stays locked, gets it in this transaction instead."""
        if isinstance(set_aside, str):
            method = set_aside

            def set_aside(rows, text):
                getattr(rows, method)(text)

        apart = []
        try:
            with self.env.registry.cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = %s", [SET_ASIDE_LOCK_TIMEOUT])
                outside = record.with_env(record.env(cr=cr)).exists()
                if outside:
                    set_aside(outside, error)
                    outside.env.flush_all()
                ids = outside.ids
                # Under tests the "new" cursor may share the test's
                # transaction: leave its settings as they were.
                cr.execute("SET LOCAL lock_timeout = DEFAULT")
            apart = ids  # committed
        except Exception:  # noqa: BLE001 - recorded below instead
            _logger.exception(
                "%s %s: error not recorded apart", record._name, record.ids
            )
        # Forget what this transaction had cached of the row; it sees the
        # write apart only from its next snapshot, so the batch leaves the
        # row alone from now on.
        record.invalidate_recordset()
        inside = record - record.browse(apart)
        if not inside:
            return
        try:
            with self.env.cr.savepoint():
                set_aside(inside, error)
        except Exception:  # noqa: BLE001 - the batch goes on
            _logger.exception("%s %s: error not recorded", inside._name, inside.ids)
