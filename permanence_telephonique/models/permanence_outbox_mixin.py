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
        with the same idempotency reference)."""
        done = 0
        while done < limit:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE state = 'pending' "
                    "AND next_attempt_at <= %s "
                    "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    SQL.identifier(self._table),
                    fields.Datetime.now(),
                )
            )
            row = self.env.cr.fetchone()
            if not row:
                break
            self.sudo().browse(row[0])._send_once()
            done += 1
            if auto_commit:
                # Only in the cron: each send result is kept even if a later
                # one crashes the worker: only the row in flight can be sent
                # again, with the same idempotency reference.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _send_once(self):
        self.ensure_one()
        try:
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

    def _send_now(self):
        raise NotImplementedError

    def _record_attempt(self, ok, reference, error):
        """Keep a trace of one try (by default, the log only)."""
        _logger.info(
            "%s %s: %s %s", self._name, self.id, "sent" if ok else "failed", error
        )

    def _on_failed(self):
        """Called once when the last try failed."""
