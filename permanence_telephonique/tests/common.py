import threading
import time
from contextlib import closing

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL, mute_logger

OPERATOR = "permanence_telephonique.group_permanence_operator"
SUPERVISOR = "permanence_telephonique.group_permanence_supervisor"
MANAGER = "permanence_telephonique.group_permanence_manager"


class PermanenceCase(TransactionCase):
    """Two companies, users of each group, and three client accounts:
    an ordinary one, a confidential medical practice, and one of the other
    company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database speaks French (its superuser too): the tests read the
        # English texts, so they say which language they work in.
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, lang="en_US")
        )
        cls.company = cls.env.ref("base.main_company")
        cls.company.country_id = cls.env.ref("base.fr")
        cls.company.email = "permanence@example.com"
        cls.other_company = cls.env["res.company"].create(
            {"name": "Autre permanence", "country_id": cls.env.ref("base.fr").id}
        )
        cls.operator = new_test_user(
            cls.env, "pt_operator", groups=OPERATOR, name="Olivia Operator"
        )
        cls.allowed_operator = new_test_user(
            cls.env, "pt_allowed", groups=OPERATOR, name="Claire Allowed"
        )
        cls.supervisor = new_test_user(cls.env, "pt_supervisor", groups=SUPERVISOR)
        cls.manager = new_test_user(cls.env, "pt_manager", groups=MANAGER)
        cls.other_operator = new_test_user(
            cls.env,
            "pt_other_company",
            groups=OPERATOR,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.plumber_partner = Partner.create(
            {
                "name": "Plomberie Test",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.practice_partner = Partner.create(
            {
                "name": "Cabinet Test",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.boss = Partner.create(
            {
                "name": "Marc Plombier",
                "parent_id": cls.plumber_partner.id,
                "email": "marc@plomberie.example.com",
                "mobile": "06 01 02 03 04",
            }
        )
        cls.doctor = Partner.create(
            {
                "name": "Dr Paul Test",
                "parent_id": cls.practice_partner.id,
                "email": "paul@cabinet.example.com",
                "phone": "01 45 00 00 01",
            }
        )
        Client = cls.env["permanence.client"]
        cls.client = Client.create(
            {
                "name": "Plomberie Test",
                "code": "PLOMB",
                "partner_id": cls.plumber_partner.id,
                "state": "active",
                "coverage_mode": "always",
                "greeting_script": "Plomberie Test, bonjour !",
                "number_ids": [(0, 0, {"number": "01 48 00 00 01"})],
                "interlocutor_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": cls.boss.id,
                            "transfer_allowed": True,
                            "role": "Gérant",
                        },
                    )
                ],
            }
        )
        cls.medical = Client.create(
            {
                "name": "Cabinet Test",
                "code": "MED",
                "partner_id": cls.practice_partner.id,
                "state": "active",
                "sector": "medical",
                "confidential": True,
                "allowed_operator_ids": [(6, 0, cls.allowed_operator.ids)],
                "greeting_script": "Cabinet Test, bonjour",
                "number_ids": [(0, 0, {"number": "01 45 00 00 00"})],
                "interlocutor_ids": [(0, 0, {"partner_id": cls.doctor.id})],
            }
        )
        cls.foreign = Client.with_company(cls.other_company).create(
            {
                "name": "Client Autre Société",
                "code": "OTHER",
                "partner_id": cls.plumber_partner.id,
                "company_id": cls.other_company.id,
                "state": "active",
            }
        )
        cls.boss_interlocutor = cls.client.interlocutor_ids
        cls.doctor_interlocutor = cls.medical.interlocutor_ids

    @classmethod
    def new_call(cls, client, **vals):
        return cls.env["permanence.call"].create(dict(client_id=client.id, **vals))


# A row the database refuses: what an injected failure raises, and the
# loggers that report it (muted in the tests that inject one).
REFUSED = "refused by the database for this row"
BATCH_LOGGERS = (
    "odoo.addons.permanence_telephonique.models.permanence_batch",
    "odoo.addons.permanence_telephonique.models.permanence_outbox_mixin",
    "odoo.sql_db",
)


def refuse_rows(cr, table, event, when, *params):
    """Make the database refuse the ``event`` (INSERT or UPDATE) of the rows
    of ``table`` matching ``when`` (a trigger condition on NEW and OLD) with a
    real error (a check violation), as a corrupt or unexpected row would.
    Created in the caller's transaction: it goes away with it."""
    cr.execute(
        SQL(
            "CREATE OR REPLACE FUNCTION permanence_test_refuse() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION %s "
            "USING ERRCODE = 'check_violation'; END $$",
            SQL(f"'{REFUSED}'"),
        )
    )
    cr.execute(
        SQL(
            "CREATE TRIGGER %s BEFORE %s ON %s FOR EACH ROW WHEN (%s) "
            "EXECUTE FUNCTION permanence_test_refuse()",
            SQL.identifier(f"permanence_test_refuse_{table}"),
            SQL("UPDATE" if event == "UPDATE" else "INSERT"),
            SQL.identifier(table),
            SQL(when, *params),
        )
    )


class CommittedCase(TransactionCase):
    """Tests whose data other transactions must see: fixtures are committed
    in their own transactions (and removed after the test), as two Odoo
    workers would see them."""

    def connect(self):
        cursor = sql_db.db_connect(self.env.cr.dbname).cursor()
        cursor.execute("SET lock_timeout = '20s'")
        # Given the registry, the environment does not look it up (which
        # waits for the registry lock the test runner holds).
        cursor.transaction = api.Transaction(self.registry)
        return cursor

    def run_in_new_transaction(self, function):
        with closing(self.connect()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            result = function(env)
            # Committed on purpose: the other transactions must see it.
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def waiting_on_a_lock(self):
        with closing(self.connect()) as cr:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cr.fetchone()[0] > 0

    def race(self, first, second, wait=20):
        """Run ``first(env)`` and ``second(env)`` in two transactions, as two
        people clicking at once: the first transaction stays open until the
        second one waits on its lock (at most ``wait`` seconds), then commits.

        Returns ``(first result, second result, blocked)``: each function's
        value, or the exception it raised (its transaction rolled back), and
        whether the second transaction waited on the first."""
        first_done = threading.Event()
        results = {}
        observed = {"blocked": False}
        dbname = self.env.cr.dbname

        def person(name, function, hold):
            threading.current_thread().dbname = dbname
            with closing(self.connect()) as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                try:
                    with mute_logger("odoo.sql_db"):
                        results[name] = function(env)
                        env.flush_all()
                except Exception as error:  # reported by the caller's assertions
                    results[name] = error
                    cr.rollback()
                    first_done.set()
                    return
                if hold:
                    first_done.set()
                    deadline = time.monotonic() + wait
                    while time.monotonic() < deadline:
                        if self.waiting_on_a_lock():
                            observed["blocked"] = True
                            break
                        time.sleep(0.05)
                cr.commit()  # pylint: disable=invalid-commit

        threads = [
            threading.Thread(target=person, args=("first", first, True)),
            threading.Thread(target=person, args=("second", second, False)),
        ]
        threads[0].start()
        self.assertTrue(first_done.wait(wait))
        threads[1].start()
        for thread in threads:
            thread.join(wait * 2)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        return results["first"], results["second"], observed["blocked"]
