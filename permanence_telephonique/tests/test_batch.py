from contextlib import closing
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BATCH_LOGGERS, REFUSED, CommittedCase, refuse_rows
from .servers import RecordingHttpServer
from .test_transmission import TransmissionCase


@tagged("post_install", "-at_install")
class TestBadRowNeverBlocks(TransmissionCase):
    """The transmission crons go past a row the database refuses: the others
    are processed, the bad one carries its error and waits or stops, and the
    next run does not start with it again."""

    def _sent_messages(self, count, **vals):
        messages = self.env["permanence.message"]
        for index in range(count):
            message = self._message(caller_name=f"Appelant {index}", **vals)
            message.action_send()
            messages |= message
        return messages

    def test_delivery_cron_goes_past_a_bad_row(self):
        with RecordingHttpServer([(200, {"id": "sms-ok"})]) as gateway_server:
            self._gateway(gateway_server.url)
            deliveries = self._sent_messages(4, urgency="urgent").delivery_ids
            self.assertEqual(deliveries.mapped("channel"), ["sms"] * 4)
            # The oldest one, which used to come first again on every run.
            bad = deliveries.sorted("id")[0]
            refuse_rows(
                self.env.cr,
                "permanence_message_delivery",
                "UPDATE",
                "NEW.id = %s AND NEW.state = 'sent'",
                bad.id,
            )
            with mute_logger(*BATCH_LOGGERS):
                self.assertGreaterEqual(self.Delivery._process_due(), 4)
            self.assertEqual((deliveries - bad).mapped("state"), ["sent"] * 3)
            self.assertEqual(bad.state, "pending")
            self.assertEqual(bad.attempt_count, 1)
            self.assertIn(REFUSED, bad.last_error)
            self.assertIn(REFUSED, bad.attempt_ids.error)
            self.assertGreater(bad.next_attempt_at, fields.Datetime.now())
            # Not due any more: the next run leaves it alone.
            self.Delivery._process_due()
            self.assertEqual((bad.state, bad.attempt_count), ("pending", 1))
            # At least once: its SMS may have left before the refusal, and
            # is sent again later with the same idempotency reference.
            self.assertEqual(len(gateway_server.requests), 4)
            self.assertEqual(
                {
                    r["headers"]["X-Permanence-Reference"]
                    for r in gateway_server.requests
                },
                set(deliveries.mapped("reference")),
            )

    def test_escalation_cron_goes_past_a_bad_row(self):
        self.client.user_id = self.supervisor
        self.boss_interlocutor.urgent_channel = "email"
        messages = self._sent_messages(3, urgency="critical")
        messages.escalation_due_at = fields.Datetime.now() - timedelta(minutes=1)
        bad = messages[0]
        refuse_rows(
            self.env.cr,
            "permanence_message",
            "UPDATE",
            "NEW.id = %s AND COALESCE(NEW.escalation_level, 0)"
            " > COALESCE(OLD.escalation_level, 0)",
            bad.id,
        )
        with mute_logger(*BATCH_LOGGERS):
            self.assertEqual(self.env["permanence.message"]._cron_escalate(), 3)
        self.assertEqual((messages - bad).mapped("escalation_level"), [1, 1])
        self.assertEqual(bad.escalation_level, 0)
        self.assertFalse(bad.escalation_due_at, "out of the way")
        activity = bad.activity_ids
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertIn(REFUSED, activity.note)
        self.assertIn(REFUSED, bad.message_ids[0].body)
        self.assertEqual(self.env["permanence.message"]._cron_escalate(), 0)

    def test_digest_cron_goes_past_a_bad_client(self):
        (self.client | self.medical).daily_digest = True
        # a confidential client gets content-free notices, hence no digest,
        # unless it asked for the content
        self.medical.content_free_notice = False
        self.new_call(self.client, caller_name="Mme Lenoir")
        self.new_call(self.medical, caller_name="M. Petit")
        refuse_rows(
            self.env.cr,
            "mail_message",
            "INSERT",
            "NEW.model = 'permanence.client' AND NEW.res_id = %s"
            " AND NEW.message_type = 'email_outgoing'",
            self.client.id,
        )
        with mute_logger(*BATCH_LOGGERS):
            self.env["permanence.client"]._cron_send_digest()
        # (the demo clients' own mails are not this test's)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "permanence.client"),
                ("res_id", "in", (self.client | self.medical).ids),
            ]
        )
        self.assertEqual(mails.mapped("res_id"), [self.medical.id])
        self.assertIn(
            "The daily digest could not be sent", self.client.message_ids[0].body
        )
        self.assertIn(REFUSED, self.client.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestOutboxRowsApart(CommittedCase):
    """The outbox as several workers see it, each in its own transaction:
    a bad row's error is committed apart at once (the batch's transaction
    has not ended yet), the rows another worker holds are skipped, and a row
    held by a worker that died is sent by the next run."""

    def setUp(self):
        super().setUp()
        self.gateway_server = RecordingHttpServer([(200, {"id": "sms-ok"})])
        self.gateway_server.__enter__()
        self.addCleanup(self.gateway_server.__exit__, None, None, None)

        def fixture(env):
            gateway = env["permanence.sms.gateway"].create(
                {
                    "name": "Passerelle des lots",
                    "provider": "generic_json",
                    "url": self.gateway_server.url,
                    "sender": "PERMANENCE",
                }
            )
            past = fields.Datetime.now() - timedelta(minutes=1)
            rows = env["permanence.sms.outbox"].create(
                [
                    {
                        "gateway_id": gateway.id,
                        "number": f"+3361234560{index}",
                        "body": f"Rendez-vous confirmé {index}",
                        "next_attempt_at": past,
                    }
                    for index in range(5)
                ]
            )
            refuse_rows(
                env.cr,
                "permanence_sms_outbox",
                "UPDATE",
                "NEW.id = %s AND NEW.state = 'sent'",
                rows[0].id,
            )
            return {"gateway": gateway.id, "rows": rows.ids}

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        env.cr.execute(
            "DROP TRIGGER IF EXISTS permanence_test_refuse_permanence_sms_outbox"
            " ON permanence_sms_outbox"
        )
        env["permanence.sms.outbox"].browse(self.ids["rows"]).unlink()
        env["permanence.sms.gateway"].browse(self.ids["gateway"]).unlink()

    def rows(self, env):
        return {
            row.id: (row.state, row.attempt_count, row.last_error or "")
            for row in env["permanence.sms.outbox"].browse(self.ids["rows"])
        }

    def test_bad_row_recorded_apart_held_rows_skipped_dead_worker_resumed(self):
        bad, held, *others = self.ids["rows"]
        # A worker is sending ``held``: it holds the row's lock.
        worker = self.connect()
        self.addCleanup(lambda: worker.closed or worker.close())
        worker.execute(
            "SELECT id FROM permanence_sms_outbox WHERE id = %s FOR UPDATE", [held]
        )
        with closing(self.connect()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            with mute_logger(*BATCH_LOGGERS):
                env["permanence.sms.outbox"]._process_due()
            # Before this batch commits, its bad row's error is already
            # there for everybody: written in a transaction of its own.
            seen = self.run_in_new_transaction(self.rows)
            self.assertEqual(seen[bad][:2], ("pending", 1))
            self.assertIn(REFUSED, seen[bad][2])
            self.assertEqual({seen[i][0] for i in others}, {"pending"})
            cr.commit()  # pylint: disable=invalid-commit
        seen = self.run_in_new_transaction(self.rows)
        self.assertEqual([seen[i][0] for i in others], ["sent"] * 3)
        self.assertEqual(seen[held][:2], ("pending", 0), "skipped, not waited for")
        # The worker dies (its connection goes): the row is sent next run.
        worker.close()
        with mute_logger(*BATCH_LOGGERS):
            self.run_in_new_transaction(self.process)
        seen = self.run_in_new_transaction(self.rows)
        self.assertEqual(seen[held][0], "sent")
        self.assertEqual(seen[bad][:2], ("pending", 1), "waits for its next try")
        self.assertEqual(len(self.gateway_server.requests), 5)

    def process(self, env):
        return env["permanence.sms.outbox"]._process_due()

    def test_a_row_changed_by_another_worker_meanwhile(self):
        """The batch's snapshot predates another worker's change to a due
        row: taking it is a serialization failure, which is nobody's fault.
        The row is not set aside; the cron takes a new snapshot and goes on."""
        bad, changed, *others = self.ids["rows"]
        with closing(self.connect()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("SELECT 1")  # this batch's snapshot is taken here

            def change(other_env):
                other_env.cr.execute(
                    "UPDATE permanence_sms_outbox SET body = body || ' (modifié)'"
                    " WHERE id IN %s",
                    [(bad, changed)],
                )

            self.run_in_new_transaction(change)
            with mute_logger(*BATCH_LOGGERS):
                env["permanence.sms.outbox"]._process_due(auto_commit=True)
        seen = self.run_in_new_transaction(self.rows)
        self.assertEqual([seen[i][0] for i in [changed, *others]], ["sent"] * 4)
        self.assertEqual(seen[bad][:2], ("pending", 1))
        self.assertIn(REFUSED, seen[bad][2])
        self.assertNotIn("could not serialize", seen[bad][2])
        self.assertEqual(len(self.gateway_server.requests), 5)
