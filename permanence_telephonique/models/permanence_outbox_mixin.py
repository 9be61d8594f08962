import logging
import threading
import uuid

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools import routing

_logger = logging.getLogger(__name__)


class PermanenceOutboxMixin(models.AbstractModel):
    """Something to send to an outside service, after the transaction that
    asked for it commits, retried with backoff: at least once, with an
    idempotency key (``reference``, the same on every try) so that the
    receiver can drop a copy.

    A model using it implements ``_send_now()`` returning ``(ok, reference,
    error, permanent)``, names its cron in ``_outbox_cron``, and may override
    ``_record_attempt`` and ``_on_failed``.
    """

    _name = "permanence.outbox.mixin"
    _description = "Outbox (send after commit, retry, idempotency key)"
    _outbox_cron = None

    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    reference = fields.Char(
        default=lambda self: uuid.uuid4().hex,
        copy=False,
        readonly=True,
        help="Idempotency key sent with each try.",
    )
    attempt_count = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(default=fields.Datetime.now, index=True)
    date_sent = fields.Datetime(readonly=True)
    last_error = fields.Text(readonly=True)
    gateway_reference = fields.Char(readonly=True)

    def init(self):
        res = super().init()
        if not self._abstract:
            # The due rows, as the cron asks for them: pending ones only (the
            # sent ones pile up, the pending ones are few).
            create_index(
                self.env.cr,
                f"{self._table}_pending_due_index",
                self._table,
                ["next_attempt_at", "id"],
                where="state = 'pending'",
            )
        return res

    @api.model
    def _trigger(self):
        """Wake the outbox's cron: it runs once this transaction commits."""
        self.env.ref(self._outbox_cron).sudo()._trigger()

    @api.model
    def _cron_process(self, limit=200):
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        return self._process_due(limit=limit, auto_commit=auto_commit)

    @api.model
    def _process_due(self, limit=200, auto_commit=False):
        """Send what is due, each row locked so that two workers never send
        the same one; with ``auto_commit`` each result is committed at once
        so that a crash loses at most the row in flight (sent again later,
        with the same idempotency reference).

        Each row is handled in its own savepoint (``permanence.batch``): an
        unexpected error is written on that row apart, the row is tried
        again later like a failed try, and the batch goes on. A worker that
        dies while sending holds nothing: its lock goes with its
        connection, and the row, still pending, is taken by the next run."""
        batch = self.env["permanence.batch"]
        done = conflicts = 0
        tried = []
        while done < limit and conflicts < 3:
            with batch._row("_outbox_set_aside") as row:
                row.record = self._lock_next_due(tried)
                if not row.record:
                    break
                tried.append(row.record.id)
                row.record._send_once()
            if row.conflict:
                # Another worker changed a row after this transaction began:
                # with a new snapshot (in the cron) the batch goes on, else
                # the next run does.
                conflicts += 1
                if not auto_commit:
                    break
                self.env.cr.commit()  # pylint: disable=invalid-commit
                continue
            done += 1
            if auto_commit:
                # Only in the cron: each send result is kept even if a later
                # one crashes the worker: only the row in flight can be sent
                # again, with the same idempotency reference.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _lock_next_due(self, skip_ids=()):
        """The oldest due row no other worker holds, locked until the end of
        the transaction (or of the savepoint it is taken in)."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE state = 'pending' "
                "AND next_attempt_at <= %s AND id != ALL(%s) "
                "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                fields.Datetime.now(),
                list(skip_ids),
            )
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0]) if row else self.browse()

    def _send_once(self):
        self.ensure_one()
        try:
            # A database error while sending is a failed try like any other:
            # rolled back alone, so that the try can still be recorded.
            with self.env.cr.savepoint():
                ok, reference, error, permanent = self._send_now()
        except Exception as exc:  # noqa: BLE001 - recorded, retried
            _logger.exception("%s %s failed", self._name, self.id)
            ok, reference, error, permanent = False, "", str(exc), False
        self._record_attempt(ok, reference, error)
        count = self.attempt_count + 1
        if ok:
            self.write(
                {
                    "state": "sent",
                    "attempt_count": count,
                    "date_sent": fields.Datetime.now(),
                    "gateway_reference": reference,
                    "last_error": False,
                }
            )
            return
        delay = None if permanent else routing.next_attempt_delay(count)
        if delay is not None:
            self.write(
                {
                    "attempt_count": count,
                    "last_error": error,
                    "next_attempt_at": fields.Datetime.now() + delay,
                }
            )
            return
        self.write({"state": "failed", "attempt_count": count, "last_error": error})
        self._on_failed()

    def _outbox_set_aside(self, error):
        """An unexpected error while handling these rows (``permanence.batch``
        calls this apart from the batch): counted as a failed try, so the
        row waits for its next try and the others go first; after the last
        try it is failed, for a person to see."""
        now = fields.Datetime.now()
        for outbox in self:
            count = outbox.attempt_count + 1
            delay = routing.next_attempt_delay(count)
            text = outbox.env._("Unexpected error: %s", error)
            vals = {"attempt_count": count, "last_error": text}
            if delay is None:
                vals["state"] = "failed"
            else:
                vals["next_attempt_at"] = now + delay
            outbox.write(vals)
            try:
                with outbox.env.cr.savepoint():
                    outbox._record_attempt(False, "", text)
                    if delay is None:
                        outbox._on_failed()
            except Exception:  # noqa: BLE001 - the row itself is set aside
                _logger.exception("%s %s: follow-up failed", outbox._name, outbox.id)

    def _send_now(self):
        raise NotImplementedError

    def _record_attempt(self, ok, reference, error):
        """Keep a trace of one try (by default, the log only)."""
        _logger.info(
            "%s %s: %s %s", self._name, self.id, "sent" if ok else "failed", error
        )

    def _on_failed(self):
        """Called once when the last try failed."""
