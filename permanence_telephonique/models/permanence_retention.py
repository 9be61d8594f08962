import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import retention

_logger = logging.getLogger(__name__)

# Columns holding the caller on a call sheet and on a message
CALL_PERSONAL_COLUMNS = [
    "caller_number_raw",
    "caller_number",
    "caller_name",
    "caller_company",
    "caller_email",
    "notes",
    "partner_id",
]
MESSAGE_PERSONAL_COLUMNS = [
    "caller_name",
    "caller_company",
    "caller_phone",
    "caller_email",
    "body",
    "acknowledged_by",
    "callback_before",
]
CRON_TIME_LIMIT = 20 * 60  # seconds; the cron starts again where it stopped


class PermanenceRetention(models.AbstractModel):
    """The purge engine: for each client, every kind of personal data past
    its retention period is anonymised or deleted in SQL batches, each batch
    committed on its own (the cron can stop and start again anywhere).

    Billing and statistics keep working after a purge: a call sheet is
    anonymised (client, dates, durations, outcome and state stay), a message
    too (client, state, urgency and dates stay); what is deleted (answers,
    chatter, attachments, delivery contents) is never counted.

    Each addon adds its own data by extending ``_retention_kinds`` (what the
    register shows), ``_retention_steps`` (the batches of the nightly purge),
    ``_retention_call_columns`` / ``_retention_purge_call_documents`` (what
    goes with a call sheet), ``_retention_partner_usage`` (what keeps a contact)
    and ``_privacy_collect`` / ``_privacy_erase`` (one person's data).
    """

    _name = "permanence.retention"
    _description = "Personal data retention (purge engine)"

    # Declarations ------------------------------------------------------------

    @api.model
    def _retention_kinds(self):
        """``[(count key, policy key, label)]``: what the register lists."""
        return [
            ("calls", "call", _("Call sheets (anonymised)")),
            ("answers", "call", _("Script answers (deleted)")),
            ("mail_messages", "call", _("Chatter emptied, tracking deleted")),
            ("attachments", "call", _("Attachments (deleted)")),
            ("partners", "call", _("Callers' contacts (deleted or anonymised)")),
            ("messages", "message", _("Messages (anonymised)")),
            ("deliveries", "payload", _("Delivery contents (erased)")),
            ("attempts", "payload", _("Send attempts (error texts erased)")),
            ("access_logs", "access_log", _("Access log entries (deleted)")),
        ]

    @api.model
    def _retention_steps(self):
        """Names of the batch methods run in order for each client; each
        takes ``(client, cutoffs, now, limit)`` and returns the counts of one
        batch, empty when nothing is left."""
        return [
            "_retention_step_calls",
            "_retention_step_messages",
            "_retention_step_payloads",
            "_retention_step_access_logs",
        ]

    @api.model
    def _retention_call_columns(self):
        """Columns of ``permanence_call`` emptied when a call is anonymised."""
        return list(CALL_PERSONAL_COLUMNS)

    @api.model
    def _retention_message_columns(self):
        return list(MESSAGE_PERSONAL_COLUMNS)

    @api.model
    def _retention_partner_usage(self):
        """SQL conditions on ``p.id``, each true when a contact is still
        used and must be kept after its calls are anonymised."""
        return [
            SQL("EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)"),
            SQL("EXISTS (SELECT 1 FROM res_company co WHERE co.partner_id = p.id)"),
            SQL("EXISTS (SELECT 1 FROM res_partner ch WHERE ch.parent_id = p.id)"),
            SQL(
                "EXISTS (SELECT 1 FROM res_partner rp WHERE rp.id = p.id AND "
                "(rp.parent_id IS NOT NULL OR rp.is_company))"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM permanence_client pc WHERE pc.partner_id = p.id)"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM permanence_interlocutor pi "
                "WHERE pi.partner_id = p.id)"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM permanence_call pcl WHERE pcl.partner_id = p.id)"
            ),
            SQL(
                "EXISTS (SELECT 1 FROM account_move am "
                "WHERE am.partner_id = p.id OR am.commercial_partner_id = p.id)"
            ),
        ]

    # Nightly purge -------------------------------------------------------------

    @api.model
    def _cron_purge(self):
        testing = getattr(threading.current_thread(), "testing", False)
        return self._purge(
            auto_commit=not testing,
            deadline=time.monotonic() + CRON_TIME_LIMIT,
        )

    @api.model
    def _purge(
        self,
        clients=None,
        now=None,
        batch_size=retention.BATCH_SIZE,
        auto_commit=False,
        deadline=None,
    ):
        """Purge what has expired for ``clients`` (all by default). Returns
        True when everything was done, False when ``deadline`` (a
        ``time.monotonic()`` value) stopped it; the cron is then triggered
        again and goes on from where it stopped."""
        self = self.sudo()
        now = now or fields.Datetime.now()
        run_model = self.env["permanence.retention.run"]
        run_model.search([("state", "=", "running")]).write({"state": "interrupted"})
        if clients is None:
            clients = (
                self.env["permanence.client"]
                .with_context(active_test=False)
                .search([("legal_hold", "=", False)])
            )
        self.env.flush_all()
        self._retention_purge_global(now)
        for client in clients.sudo():
            if client.legal_hold:
                continue
            run = run_model.create(
                {
                    "client_id": client.id,
                    "company_id": client.company_id.id,
                    "policy": client._retention_policy(),
                    "date_start": fields.Datetime.now(),
                }
            )
            self._commit(auto_commit)
            try:
                finished = self._purge_client(
                    client, run, now, batch_size, auto_commit, deadline
                )
            except Exception as exc:
                if not auto_commit:
                    raise
                _logger.exception("Purge of client %s failed", client.id)
                self.env.cr.rollback()
                self.env.invalidate_all()
                run.write({"state": "failed", "error": str(exc)})
                self._commit(auto_commit)
                continue
            if not finished:
                run.write({"state": "interrupted", "date_end": fields.Datetime.now()})
                self._commit(auto_commit)
                self.env.ref(
                    "permanence_telephonique.ir_cron_permanence_retention"
                )._trigger()
                return False
            run.write({"state": "done", "date_end": fields.Datetime.now()})
            self._commit(auto_commit)
        return True

    def _commit_batch(self, counts):
        """Count ``counts`` in the current run and commit (in the cron), in
        the middle of a step."""
        run_id = self.env.context.get("retention_run_id")
        if run_id:
            self.env["permanence.retention.run"].browse(run_id)._add_counts(counts)
        self._commit(self.env.context.get("retention_auto_commit"))
        self.env.invalidate_all()

    def _commit(self, auto_commit):
        if auto_commit:
            # The purge runs in many small transactions: a lock on a call
            # sheet is never held longer than one batch.
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _purge_client(self, client, run, now, batch_size, auto_commit, deadline):
        cutoffs = retention.cutoffs(now, client._retention_policy())
        self = self.with_context(
            retention_run_id=run.id, retention_auto_commit=auto_commit
        )
        for step in self._retention_steps():
            while True:
                if deadline is not None and time.monotonic() > deadline:
                    return False
                counts = getattr(self, step)(client, cutoffs, now, batch_size)
                if not counts or not any(counts.values()):
                    break
                run._add_counts(counts)
                self._commit(auto_commit)
                self.env.invalidate_all()
        return True

    @api.model
    def _retention_purge_global(self, now):
        """What belongs to no client: SMS sent for other purposes (booking
        confirmations), deleted once past the default payload period; the
        zips of personal data exports, deleted after a month (the request's
        log line stays, as the proof it was answered)."""
        self.env.flush_all()
        limit = retention.cutoff(now, retention.DEFAULT_MONTHS["payload"])
        self.env.cr.execute(
            SQL(
                "DELETE FROM permanence_sms_outbox WHERE state != 'pending' "
                "AND create_date < %s",
                limit,
            )
        )
        fnames = self.env.execute_query(
            SQL(
                "DELETE FROM ir_attachment WHERE res_model = %s "
                "AND create_date < %s RETURNING store_fname",
                "permanence.privacy.request",
                retention.cutoff(now, retention.EXPORT_MONTHS),
            )
        )
        for (fname,) in fnames:
            if fname:
                self.env["ir.attachment"]._mark_for_gc(fname)
        self.env.invalidate_all()

    def _locked_ids(self, query):
        return [row[0] for row in self.env.execute_query(query)]

    # Steps ---------------------------------------------------------------------

    @api.model
    def _retention_step_calls(self, client, cutoffs, now, limit):
        """Two transactions per batch: first what goes with the calls
        (answers, chatter, attachments...), without locking them; then the
        calls themselves, locked only for their UPDATE, so that an operator
        is never kept waiting long by the purge."""
        if not cutoffs["call"]:
            return {}
        expired = SQL(
            "client_id = %s AND anonymised_date IS NULL AND date_start < %s "
            "AND legal_hold IS NOT TRUE",
            client.id,
            cutoffs["call"],
        )
        ids = self._locked_ids(
            SQL(
                "SELECT id FROM permanence_call WHERE %s "
                "ORDER BY date_start, id LIMIT %s",
                expired,
                limit,
            )
        )
        if not ids:
            return {}
        self._commit_batch(self._retention_purge_call_documents(ids))
        ids = self._locked_ids(
            SQL(
                "SELECT id FROM permanence_call WHERE id = ANY(%s) AND %s "
                "FOR UPDATE SKIP LOCKED",
                ids,
                expired,
            )
        )
        return self._retention_blank_calls(ids, now) if ids else {"calls": 0}

    @api.model
    def _retention_step_messages(self, client, cutoffs, now, limit):
        if not cutoffs["message"]:
            return {}
        ids = self._locked_ids(
            SQL(
                "SELECT m.id FROM permanence_message m "
                "LEFT JOIN permanence_call c ON c.id = m.call_id "
                "WHERE m.client_id = %s AND m.anonymised_date IS NULL "
                "AND m.create_date < %s AND c.legal_hold IS NOT TRUE "
                "ORDER BY m.create_date, m.id LIMIT %s FOR UPDATE OF m SKIP LOCKED",
                client.id,
                cutoffs["message"],
                limit,
            )
        )
        return self._retention_anonymise_messages(ids, now) if ids else {}

    @api.model
    def _retention_step_payloads(self, client, cutoffs, now, limit):
        if not cutoffs["payload"]:
            return {}
        ids = self._locked_ids(
            SQL(
                "SELECT d.id FROM permanence_message_delivery d "
                "JOIN permanence_message m ON m.id = d.message_id "
                "LEFT JOIN permanence_call c ON c.id = m.call_id "
                "WHERE d.client_id = %s AND d.create_date < %s "
                "AND (d.mail_id IS NOT NULL OR d.last_error IS NOT NULL) "
                "AND c.legal_hold IS NOT TRUE "
                "ORDER BY d.id LIMIT %s FOR UPDATE OF d SKIP LOCKED",
                client.id,
                cutoffs["payload"],
                limit,
            )
        )
        return self._retention_blank_deliveries(ids) if ids else {}

    @api.model
    def _retention_step_access_logs(self, client, cutoffs, now, limit):
        if not cutoffs["access_log"]:
            return {}
        self.env.cr.execute(
            SQL(
                "DELETE FROM permanence_access_log WHERE id IN ("
                "SELECT id FROM permanence_access_log WHERE client_id = %s "
                "AND date < %s LIMIT %s)",
                client.id,
                cutoffs["access_log"],
                limit,
            )
        )
        return {"access_logs": self.env.cr.rowcount}

    # Anonymisation of given rows (the purge and the erasure share them) -------

    @api.model
    def _retention_anonymise_calls(self, ids, now):
        """Anonymise the call sheets ``ids``: the caller goes, the facts that
        billing and statistics need stay; answers, chatter and attachments
        are deleted, the caller's contact too when nothing else uses it."""
        counts = self._retention_purge_call_documents(ids)
        return self._add(counts, self._retention_blank_calls(ids, now))

    @api.model
    def _retention_purge_call_documents(self, ids):
        """What goes with the calls ``ids``, the calls left as they are: each
        addon adds its own (appointments, telephony events)."""
        counts = {}
        self.env.cr.execute(
            SQL("DELETE FROM permanence_call_answer WHERE call_id = ANY(%s)", ids)
        )
        counts["answers"] = self.env.cr.rowcount
        self._add(counts, self._retention_purge_documents("permanence.call", ids))
        self.env.invalidate_all()
        return counts

    @api.model
    def _retention_blank_calls(self, ids, now):
        """Erase the caller from the call sheets ``ids`` (and their contact
        when nothing else uses it)."""
        counts = {}
        partner_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "UPDATE permanence_call c SET %s, anonymised_date = %s "
                    "FROM permanence_call old WHERE old.id = c.id "
                    "AND c.id = ANY(%s) RETURNING old.partner_id",
                    SQL(", ").join(
                        SQL("%s = NULL", SQL.identifier(column))
                        for column in self._retention_call_columns()
                    ),
                    now,
                    ids,
                )
            )
        ]
        counts["calls"] = len(partner_ids)
        self._add(counts, self._retention_clean_partners({p for p in partner_ids if p}))
        self.env.invalidate_all()
        return counts

    @api.model
    def _retention_anonymise_messages(self, ids, now):
        """Anonymise the messages ``ids``: the caller and the text go; the
        client, state, urgency and dates stay for statistics."""
        counts = {}
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_message SET %s, subject = %s, "
                "subject_is_auto = FALSE, anonymised_date = %s WHERE id = ANY(%s)",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column))
                    for column in self._retention_message_columns()
                ),
                self.env._("Anonymised message"),
                now,
                ids,
            )
        )
        counts["messages"] = self.env.cr.rowcount
        delivery_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id FROM permanence_message_delivery "
                    "WHERE message_id = ANY(%s)",
                    ids,
                )
            )
        ]
        if delivery_ids:
            self._add(counts, self._retention_blank_deliveries(delivery_ids))
        self._add(counts, self._retention_purge_documents("permanence.message", ids))
        self.env.invalidate_all()
        return counts

    @api.model
    def _retention_blank_deliveries(self, ids):
        """Erase what was sent and what the peers answered: the emails
        themselves, error texts and gateway references."""
        counts = {}
        self.env.cr.execute(
            SQL(
                "DELETE FROM mail_mail WHERE id IN (SELECT mail_id FROM "
                "permanence_message_delivery WHERE id = ANY(%s) "
                "AND mail_id IS NOT NULL)",
                ids,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_message_delivery SET mail_id = NULL, "
                "last_error = NULL, gateway_reference = NULL WHERE id = ANY(%s)",
                ids,
            )
        )
        counts["deliveries"] = self.env.cr.rowcount
        self.env.cr.execute(
            SQL(
                "UPDATE permanence_message_attempt SET error = NULL, "
                "reference = NULL WHERE delivery_id = ANY(%s) "
                "AND (error IS NOT NULL OR reference IS NOT NULL)",
                ids,
            )
        )
        counts["attempts"] = self.env.cr.rowcount
        return counts

    @api.model
    def _retention_purge_documents(self, model, ids):
        """Empty the chatter of ``ids`` (texts, subjects, senders; tracking
        values and queued mails deleted) and delete their followers,
        activities and attachments. Chatter rows are emptied rather than
        deleted: a deleted row fires the foreign key checks of some twenty
        tables, which would triple the purge's time."""
        counts = {}
        of_records = SQL(
            "SELECT id FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
            model,
            ids,
        )
        self.env.cr.execute(
            SQL(
                "DELETE FROM mail_tracking_value WHERE mail_message_id IN (%s)",
                of_records,
            )
        )
        self.env.cr.execute(
            SQL("DELETE FROM mail_mail WHERE mail_message_id IN (%s)", of_records)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message SET body = NULL, subject = NULL, "
                "record_name = NULL, email_from = NULL, reply_to = NULL, "
                "author_guest_id = NULL, author_id = CASE WHEN EXISTS ("
                "SELECT 1 FROM res_users u WHERE u.partner_id = mail_message.author_id"
                ") THEN author_id END "
                "WHERE model = %s AND res_id = ANY(%s)",
                model,
                ids,
            )
        )
        counts["mail_messages"] = self.env.cr.rowcount
        self.env.cr.execute(
            SQL(
                "DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)",
                model,
                ids,
            )
        )
        self.env.cr.execute(
            SQL(
                "DELETE FROM mail_activity WHERE res_model = %s AND res_id = ANY(%s)",
                model,
                ids,
            )
        )
        fnames = self.env.execute_query(
            SQL(
                "DELETE FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s) "
                "RETURNING store_fname",
                model,
                ids,
            )
        )
        counts["attachments"] = len(fnames)
        attachment_model = self.env["ir.attachment"]
        for (fname,) in fnames:
            if fname:
                attachment_model._mark_for_gc(fname)
        return counts

    @api.model
    def _retention_clean_partners(self, partner_ids):
        """Delete the callers' contacts among ``partner_ids`` that nothing
        uses any more (or anonymise and archive them when something we do
        not know refuses the deletion)."""
        if not partner_ids:
            return {}
        used = {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT p.id FROM unnest(%s::int[]) AS p(id) WHERE %s",
                    list(partner_ids),
                    SQL(" OR ").join(self._retention_partner_usage()),
                )
            )
        }
        unused = (
            self.env["res.partner"].browse(sorted(set(partner_ids) - used)).exists()
        )
        if not unused:
            return {}
        try:
            with self.env.cr.savepoint():
                unused.unlink()
        except Exception:  # noqa: BLE001 - a constraint of another addon
            _logger.info("Anonymising contacts %s instead of deleting them", unused.ids)
            unused.write(
                {
                    "name": self.env._("Anonymised contact"),
                    "email": False,
                    "phone": False,
                    "mobile": False,
                    "street": False,
                    "street2": False,
                    "zip": False,
                    "city": False,
                    "comment": False,
                    "active": False,
                }
            )
            self._retention_purge_documents("res.partner", unused.ids)
        return {"partners": len(unused)}

    @api.model
    def _add(self, counts, more):
        for key, value in more.items():
            counts[key] = counts.get(key, 0) + value
        return counts

    # One person's data (right of access and erasure) -------------------------

    @api.model
    def _privacy_domains(self, number, email):
        """Domains finding a person by ``number`` (E.164 or as typed) and
        ``email``, per section: ``{section: (model, domain)}``."""

        def any_of(*terms):
            terms = [term for term in terms if term]
            return ["|"] * (len(terms) - 1) + terms if terms else [("id", "=", 0)]

        numbers = [n for n in number if n]
        return {
            "calls": (
                "permanence.call",
                any_of(
                    numbers and ("caller_number", "in", numbers),
                    numbers and ("caller_number_raw", "in", numbers),
                    email and ("caller_email", "=ilike", email),
                ),
            ),
            "messages": (
                "permanence.message",
                any_of(
                    numbers and ("caller_phone", "in", numbers),
                    email and ("caller_email", "=ilike", email),
                ),
            ),
        }

    @api.model
    def _privacy_fields(self):
        """Fields exported per section (what the person may read)."""
        return {
            "calls": [
                "name",
                "client_id",
                "date_start",
                "date_end",
                "caller_number",
                "caller_name",
                "caller_company",
                "caller_email",
                "outcome",
                "notes",
            ],
            "answers": ["call_id", "question", "value_display"],
            "messages": [
                "client_id",
                "call_id",
                "create_date",
                "caller_name",
                "caller_company",
                "caller_phone",
                "caller_email",
                "subject",
                "body",
                "state",
            ],
            "contacts": ["name", "email", "phone", "mobile", "street", "city"],
        }

    @api.model
    def _privacy_collect(self, number, email):
        """Everything about one person that the current user may see:
        ``{section: recordset}``. Searched as the user, so record rules
        decide which clients are looked into."""
        found = {
            section: self.env[model].search(domain)
            for section, (model, domain) in self._privacy_domains(number, email).items()
        }
        found["answers"] = found["calls"].answer_ids
        partners = self.env["res.partner"]
        for candidate in number:
            if candidate:
                partners |= partners._permanence_find_by_number(candidate)
        if email:
            partners |= partners.search([("email", "=ilike", email)])
        # Only callers' contacts: people of a client or users stay out of it
        used = partners.filtered(
            lambda p: p.user_ids or p.is_company or p.parent_id or p.child_ids
        )
        found["contacts"] = partners - used
        return found

    @api.model
    def _privacy_rows(self, found):
        """Plain rows of ``found`` for the export."""
        specs = self._privacy_fields()
        rows = {}
        for section, records in found.items():
            names = [
                name
                for name in specs.get(section, ["display_name"])
                if name in records._fields
            ]
            rows[section] = (
                records.with_context(permanence_access_kind="export").read(
                    names, load=None
                )
                if records
                else []
            )
        return rows

    @api.model
    def _privacy_erase(self, found, now=None):
        """Anonymise what ``found`` holds; records under legal hold are left
        as they are. Returns the counts."""
        self = self.sudo()  # the wizard checked the group; found is the user's
        now = now or fields.Datetime.now()
        counts = {}
        calls = found.get("calls", self.env["permanence.call"]).sudo()
        calls = calls.filtered(lambda c: not c.legal_hold)
        messages = found.get("messages", self.env["permanence.message"]).sudo()
        messages = messages.filtered(lambda m: not m.call_id.legal_hold)
        self.env.flush_all()
        if calls:
            self._add(counts, self._retention_anonymise_calls(calls.ids, now))
        if messages:
            self._add(counts, self._retention_anonymise_messages(messages.ids, now))
        contacts = found.get("contacts")
        if contacts:
            self._add(counts, self._retention_clean_partners(contacts.ids))
        self.env.invalidate_all()
        return counts
