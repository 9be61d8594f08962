# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil
import subprocess
from datetime import date, datetime, timedelta

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CommittedCase, PermanenceCase

MONTH = date(2026, 10, 1)
TODAY = date(2026, 11, 5)  # the monthly run of November reports October
# October 2026 in Paris, in UTC: summer time until the 25th.
OCT_START = datetime(2026, 9, 30, 22, 0)
OCT_END = datetime(2026, 10, 31, 23, 0)
WAIT = 20


def pdf_text(pdf):
    """The text of a PDF, as Debian's pdftotext (poppler-utils) reads it."""
    binary = shutil.which("pdftotext")
    if not binary:
        raise AssertionError(
            "pdftotext is missing: run scripts/ensure-test-deps (poppler-utils)"
        )
    result = subprocess.run(
        [binary, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


class ActivityFixtures(PermanenceCase):
    """October 2026 for the plumber (Paris time): answered calls within and
    beyond the target, an abandoned call, a transfer, messages with their
    acknowledgement, an emergency, and a package of 5 calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.client.write({"tz": "Europe/Paris", "service_target": 20})
        cls.medical.write({"tz": "Europe/Paris"})
        Reason = cls.env["permanence.call.reason"]
        cls.leak = Reason.create({"name": "Fuite d'eau", "client_id": cls.client.id})
        cls.quote = Reason.create(
            {"name": "Demande de devis", "client_id": cls.client.id}
        )
        # Thursday 1 October, 00:30 in Paris: in October although the 30th
        # of September in UTC.
        first = datetime(2026, 9, 30, 22, 30)
        # Tuesday 13 October, 10:00 in Paris
        tuesday = datetime(2026, 10, 13, 8, 0)
        cls.calls = cls.env["permanence.call"]
        specs = [
            (first, 10, 95, "message", cls.leak),
            (tuesday, 5, 120, "message", cls.leak),
            (tuesday + timedelta(hours=1), 45, 300, "transferred", cls.quote),
            (tuesday + timedelta(hours=2), 12, 40, "information", cls.quote),
        ]
        for start, wait, talk, outcome, reason in specs:
            answer = start + timedelta(seconds=wait)
            cls.calls |= cls.new_call(
                cls.client,
                caller_name="Jean Appelant",
                caller_number="+33612345678",
                date_start=start,
                date_answer=answer,
                date_end=answer + timedelta(seconds=talk),
                state="done",
                outcome=outcome,
                reason_id=reason.id,
                transfer_interlocutor_id=(
                    cls.boss_interlocutor.id if outcome == "transferred" else False
                ),
            )
        cls.calls |= cls.new_call(
            cls.client,
            date_start=tuesday + timedelta(hours=3),
            date_end=tuesday + timedelta(hours=3, seconds=30),
            state="done",
            outcome="abandoned",
        )
        # Sunday 1 November, 00:30 in Paris: November, not October.
        cls.november_call = cls.new_call(
            cls.client,
            date_start=datetime(2026, 10, 31, 23, 30),
            date_answer=datetime(2026, 10, 31, 23, 30, 5),
            date_end=datetime(2026, 10, 31, 23, 35),
            state="done",
            outcome="message",
        )
        Message = cls.env["permanence.message"]
        cls.acknowledged = Message.create(
            {
                "client_id": cls.client.id,
                "call_id": cls.calls[0].id,
                "caller_name": "Jean Appelant",
                "subject": "Fuite sous l'évier",
                "recipient_ids": [(6, 0, cls.boss_interlocutor.ids)],
            }
        )
        cls.acknowledged.write(
            {
                "state": "acknowledged",
                "date_sent": tuesday,
                "date_acknowledged": tuesday + timedelta(minutes=12),
            }
        )
        cls.plan = cls.env["permanence.plan"].create(
            {"name": "Essentiel 5 appels", "unit": "calls", "included_units": 5}
        )
        cls.subscription = cls.env["permanence.subscription"].create(
            {
                "client_id": cls.client.id,
                "plan_id": cls.plan.id,
                "date_start": date(2026, 1, 1),
            }
        )
        cls.client.activity_report_recipient_ids = cls.boss
        cls.Report = cls.env["permanence.activity.report"]

    def report_of(self, client, lang="en_US"):
        client.lang = lang
        report, _created = self.Report._ensure(client, MONTH)
        return report


@tagged("post_install", "-at_install")
class TestActivityReport(ActivityFixtures):
    def test_figures_are_the_shared_sql_and_billing(self):
        report = self.report_of(self.client)
        values = report._activity_values()
        expected = self.env["permanence.call"]._permanence_figures(
            [
                ("client_id", "=", self.client.id),
                ("date_start", ">=", OCT_START),
                ("date_start", "<", OCT_END),
            ]
        )[()]
        self.assertEqual(values["figures"], expected)
        self.assertEqual(expected["offered"], 5)  # not the November call
        self.assertEqual(expected["answered"], 4)
        self.assertEqual(expected["abandoned"], 1)
        self.assertEqual(expected["service_level"], 60.0)  # 3 in 20 s of 5
        self.assertEqual(expected["talk_duration"], 95 + 120 + 300 + 40)
        billed = self.subscription._usage(MONTH, date(2026, 10, 31))[
            self.subscription.id
        ]
        [usage] = values["usage"]
        self.assertEqual(usage["units"], billed["units"])
        self.assertEqual(usage["included"], billed["included"])
        self.assertEqual(usage["calls"], billed["calls"])
        self.assertEqual(usage["calls"], 4)  # abandoned calls are not billed
        # Charts in the client's time zone: 00h and 10h-13h, Tuesday
        hours = {bar["label"]: bar["count"] for bar in values["hour_bars"]}
        self.assertEqual(hours["00h"], 1)
        self.assertEqual(hours["10h"], 1)
        self.assertEqual(sum(hours.values()), 5)
        days = {bar["label"]: bar["count"] for bar in values["weekday_bars"]}
        self.assertEqual(days["Tuesday"], 4)
        self.assertEqual(days["Thursday"], 1)
        reasons = {bar["label"]: bar["count"] for bar in values["reason_bars"]}
        self.assertEqual(
            reasons, {"Fuite d'eau": 2, "Demande de devis": 2, "No reason": 1}
        )
        self.assertEqual(values["transfers"]["count"], 1)
        self.assertEqual(values["messages"]["count"], 1)
        self.assertEqual(values["messages"]["average_delay"], 720)

    def test_pdf_in_english(self):
        report = self.report_of(self.client, "en_US")
        report._generate()
        self.assertEqual(report.attachment_id.mimetype, "application/pdf")
        self.assertTrue(report.attachment_id.raw.startswith(b"%PDF"))
        text = pdf_text(report.attachment_id.raw)
        self.assertIn("Plomberie Test", text)
        self.assertIn("October 2026", text)
        self.assertIn("Calls offered", text)
        self.assertIn("Service level", text)
        self.assertIn("60.0 %", text)
        self.assertIn("Tuesday", text)
        self.assertIn("Fuite d'eau", text)
        self.assertIn("Jean Appelant", text)  # an ordinary client: named
        self.assertIn("12 min 00 s", text)  # acknowledged after 12 minutes
        self.assertIn("Essentiel 5 appels", text)

    def test_pdf_in_french(self):
        report = self.report_of(self.client, "fr_FR")
        report._generate()
        text = pdf_text(report.attachment_id.raw)
        self.assertIn("Plomberie Test", text)
        self.assertIn("octobre 2026", text)
        self.assertNotIn("October", text)
        self.assertIn("mardi", text)
        self.assertIn("60,0 %", text)  # French decimal comma
        self.assertIn("Transféré", text)  # outcome label in French
        self.assertNotIn("Tuesday", text)

    def test_confidential_client_without_callers(self):
        call = self.new_call(
            self.medical,
            caller_name="Patiente Secrète",
            caller_number="+33699887766",
            date_start=datetime(2026, 10, 14, 8, 0),
            date_answer=datetime(2026, 10, 14, 8, 0, 5),
            date_end=datetime(2026, 10, 14, 8, 5),
            state="done",
            outcome="message",
        )
        message = self.env["permanence.message"].create(
            {
                "client_id": self.medical.id,
                "call_id": call.id,
                "caller_name": "Patiente Secrète",
                "caller_phone": "+33699887766",
                "subject": "Message de Patiente Secrète",
                "recipient_ids": [(6, 0, self.doctor_interlocutor.ids)],
            }
        )
        message.write({"state": "sent", "date_sent": datetime(2026, 10, 14, 8, 6)})
        report = self.report_of(self.medical)
        report._generate()
        text = pdf_text(report.attachment_id.raw)
        self.assertIn("Cabinet Test", text)
        self.assertIn("Not acknowledged", text)
        self.assertNotIn("Secrète", text)
        self.assertNotIn("99 88 77 66", text)
        self.assertNotIn("699887766", text)

    def test_monthly_run_is_idempotent(self):
        clients = self.client | self.medical
        first = self.Report._cron_generate(today=TODAY, clients=clients)
        self.assertEqual(first.client_id, clients)
        self.assertEqual(set(first.mapped("month")), {MONTH})
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self.Report._name), ("res_id", "in", first.ids)]
        )
        self.assertEqual(len(attachments), 2)
        # emailed to the plumber's chosen recipient; the practice chose none
        self.assertEqual(
            first.filtered(lambda r: r.client_id == self.client).state, "sent"
        )
        self.assertEqual(
            first.filtered(lambda r: r.client_id == self.medical).state, "generated"
        )
        plumber = first.filtered(lambda r: r.client_id == self.client)
        mail = self.env["mail.mail"].search(
            [("model", "=", plumber._name), ("res_id", "=", plumber.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.boss)
        self.assertEqual(mail.attachment_ids, plumber.attachment_id)
        self.assertIn("October 2026", mail.subject)
        second = self.Report._cron_generate(today=TODAY, clients=clients)
        self.assertFalse(second)
        self.assertEqual(
            self.Report.search_count(
                [("client_id", "in", clients.ids), ("month", "=", MONTH)]
            ),
            2,
        )
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", self.Report._name), ("res_id", "in", first.ids)]
            ),
            2,
        )

    def test_monthly_run_in_batches(self):
        clients = self.client | self.medical
        cron = self.env.ref(
            "permanence_telephonique.ir_cron_permanence_activity_report"
        )
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        first = self.Report._cron_generate(today=TODAY, clients=clients, limit=1)
        self.assertEqual(len(first), 1)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers,
            "the job runs again for the other client",
        )
        second = self.Report._cron_generate(today=TODAY, clients=clients, limit=1)
        self.assertEqual((first | second).client_id, clients)
        self.assertFalse(self.Report._cron_generate(today=TODAY, clients=clients))

    def test_regenerate_replaces_the_attachment(self):
        report = self.report_of(self.client)
        report._generate()
        old = report.attachment_id
        supervisor_report = report.with_user(self.supervisor)
        supervisor_report.action_regenerate()
        self.assertTrue(report.attachment_id)
        self.assertNotEqual(report.attachment_id, old)
        self.assertFalse(old.exists())
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", report._name), ("res_id", "=", report.id)]
            ),
            1,
        )
        with self.assertRaises(AccessError):
            report.with_user(self.operator).action_regenerate()

    def test_regenerate_from_the_client_form(self):
        action = self.client.with_user(
            self.supervisor
        ).action_permanence_activity_report()
        wizard = (
            self.env["permanence.activity.report.wizard"]
            .with_user(self.supervisor)
            .with_context(**action["context"])
            .create({"month": date(2026, 10, 17)})
        )
        result = wizard.action_generate()
        report = self.Report.browse(result["res_id"])
        self.assertEqual(report.month, MONTH)
        self.assertEqual(report.client_id, self.client)
        self.assertTrue(report.attachment_id.raw.startswith(b"%PDF"))
        with self.assertRaises(AccessError):
            self.client.with_user(self.operator).action_permanence_activity_report()


@tagged("post_install", "-at_install")
class TestActivityReportRace(CommittedCase):
    """Two monthly runs at the same moment make one report."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            partner = env["res.partner"].create(
                {"name": "Serrurerie Concurrente", "is_company": True}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Serrurerie Concurrente",
                    "code": "CONCREP",
                    "partner_id": partner.id,
                    "state": "active",
                    "lang": "en_US",
                }
            )
            return {"partner": partner.id, "client": client.id}

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        reports = env["permanence.activity.report"].search(
            [("client_id", "=", self.ids["client"])]
        )
        reports.attachment_id.unlink()
        reports.unlink()
        env["permanence.client"].browse(self.ids["client"]).unlink()
        env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_two_runs_at_once_make_one_report(self):
        def run(env):
            client = env["permanence.client"].browse(self.ids["client"])
            return (
                env["permanence.activity.report"]
                ._cron_generate(today=TODAY, clients=client)
                .ids
            )

        with mute_logger(
            "odoo.addons.permanence_telephonique.models.permanence_activity_report"
        ):
            first, second, blocked = self.race(run, run, WAIT)
        self.assertEqual(len(first), 1, first)
        self.assertTrue(blocked, "the second run waited on the first")
        self.assertEqual(second, [], "the second run made no report")

        def count(env):
            reports = env["permanence.activity.report"].search(
                [("client_id", "=", self.ids["client"])]
            )
            attachments = env["ir.attachment"].search_count(
                [("res_model", "=", reports._name), ("res_id", "in", reports.ids)]
            )
            return len(reports), attachments

        self.assertEqual(self.run_in_new_transaction(count), (1, 1))


@tagged("post_install", "-at_install")
class TestActivityReportPortal(HttpCase, PermanenceCase):
    """The reports page: the portal users of the account only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Report = cls.env["permanence.activity.report"]
        cls.plumber_report, _created = Report._ensure(cls.client, MONTH)
        cls.medical_report, _created = Report._ensure(cls.medical, MONTH)
        for report in cls.plumber_report | cls.medical_report:
            attachment = cls.env["ir.attachment"].create(
                {
                    "name": report._file_name(),
                    "raw": b"%PDF-1.4 " + report.client_id.code.encode(),
                    "res_model": report._name,
                    "res_id": report.id,
                }
            )
            report.write({"attachment_id": attachment.id, "state": "generated"})
        cls.plumber_user = cls._portal("pt_rep_plumber", cls.boss)
        cls.doctor_user = cls._portal("pt_rep_doctor", cls.doctor)

    @classmethod
    def _portal(cls, login, partner):
        return new_test_user(
            cls.env,
            login,
            groups="base.group_portal",
            partner_id=partner.id,
            password=login,
        )

    def test_owner_lists_and_downloads(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        html = self.url_open(f"/my/permanence/reports?client_id={self.client.id}").text
        self.assertIn(f"/my/permanence/reports/{self.plumber_report.id}/pdf", html)
        self.assertNotIn(f"/my/permanence/reports/{self.medical_report.id}/pdf", html)
        response = self.url_open(f"/my/permanence/reports/{self.plumber_report.id}/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.content, b"%PDF-1.4 PLOMB")
        home = self.url_open(f"/my/permanence?client_id={self.client.id}").text
        self.assertIn('href="/my/permanence/reports"', home)

    def test_portal_home_counter(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        self.assertIn('href="/my/permanence/reports"', self.url_open("/my").text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["permanence_report_count"]}
        )
        self.assertEqual(counters["permanence_report_count"], 1)

    def test_other_client_gets_404(self):
        self.authenticate(self.doctor_user.login, self.doctor_user.login)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/permanence/reports/{self.plumber_report.id}/pdf"
            )
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"PLOMB", response.content)
        html = self.url_open("/my/permanence/reports").text
        self.assertNotIn(f"/reports/{self.plumber_report.id}/pdf", html)
        self.assertIn(f"/reports/{self.medical_report.id}/pdf", html)
        # asking for the plumber's account shows nothing of it
        response = self.url_open(
            f"/my/permanence/reports?client_id={self.client.id}", allow_redirects=False
        )
        self.assertNotIn(f"/reports/{self.plumber_report.id}/pdf", response.text)
        with mute_logger("odoo.http"):
            missing = self.url_open("/my/permanence/reports/99999999999/pdf")
        self.assertEqual(missing.status_code, 404)

    def test_portal_user_chooses_recipients(self):
        self.authenticate(self.plumber_user.login, self.plumber_user.login)
        self.url_open("/my/permanence/reports")
        response = self.url_open(
            "/my/permanence/reports/recipients",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "client_id": self.client.id,
                "recipient_ids": [str(self.boss.id), str(self.doctor.id)],
            },
            allow_redirects=False,
        )
        self.assertTrue(response.is_redirect)
        # the doctor is not one of the plumber's contacts: ignored
        self.assertEqual(self.client.activity_report_recipient_ids, self.boss)


@tagged("post_install", "-at_install")
class TestActivityReportDemo(TransactionCase):
    """After a fresh install with demo data, the portal users of the demo
    clients find last month's report."""

    def test_demo_clients_have_last_month(self):
        clients = self.env["permanence.client"]
        for xmlid in ("client_martin", "client_durand", "client_lefevre"):
            client = self.env.ref(
                f"permanence_telephonique.{xmlid}", raise_if_not_found=False
            )
            if not client:
                self.skipTest("no demo data")
            clients |= client
        reports = self.env["permanence.activity.report"].search(
            [("client_id", "in", clients.ids), ("attachment_id", "!=", False)]
        )
        self.assertEqual(reports.client_id, clients)


@tagged("post_install", "-at_install")
class TestActivityReportTour(HttpCase):
    """The demo plumber finds last month's report in the portal and keeps
    receiving it."""

    def test_portal_reports_tour(self):
        user = self.env["res.users"].search([("login", "=", "durand")])
        client = self.env.ref(
            "permanence_telephonique.client_durand", raise_if_not_found=False
        )
        if not user or not client:
            self.skipTest("installed without demo data")
        if not client.activity_report_ids.attachment_id:
            self.skipTest("the demo has no report (installed without wkhtmltopdf)")
        recipients = client.activity_report_recipient_ids
        self.assertIn(user.partner_id, recipients)
        self.start_tour("/my/permanence", "permanence_report_portal", login="durand")
        self.assertEqual(client.activity_report_recipient_ids, recipients)
