# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's figures in the portal: the headline, the statistics of a
period, the search and the CSV export of the calls, over HTTP with real
portal sessions."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

import pytz

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers import portal as portal_controller
from ..tools import periods
from .common import PermanenceCase

PORTAL = "base.group_portal"
TZ = "Europe/Paris"


def local_to_utc(day, hour, minute=0):
    local = pytz.timezone(TZ).localize(datetime.combine(day, time(hour, minute)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class TestPeriodTools(PermanenceCase):
    """The periods and the CSV cells, without the database."""

    def test_bounds(self):
        today = date(2026, 3, 31)  # a Tuesday
        self.assertEqual(
            periods.bounds("week", today), (date(2026, 3, 30), date(2026, 4, 5))
        )
        # A week starting on Sunday
        self.assertEqual(periods.bounds("week", today, 6)[0], date(2026, 3, 29))
        self.assertEqual(
            periods.bounds("month", today), (date(2026, 3, 1), date(2026, 3, 31))
        )
        self.assertEqual(
            periods.bounds("last_month", today), (date(2026, 2, 1), date(2026, 2, 28))
        )
        self.assertEqual(
            periods.bounds("last_3_months", today),
            (date(2026, 1, 1), date(2026, 3, 31)),
        )
        self.assertEqual(
            periods.bounds("last_month", date(2026, 1, 15)),
            (date(2025, 12, 1), date(2025, 12, 31)),
        )
        self.assertEqual(
            periods.bounds(
                "custom", today, date_from="2026-01-05", date_to="2026-01-05"
            ),
            (date(2026, 1, 5), date(2026, 1, 5)),
        )

    def test_bad_custom_dates(self):
        today = date(2026, 3, 31)
        cases = {
            ("", "2026-01-01"): "missing",
            ("2026-01-01", None): "missing",
            ("2026-13-45", "2026-01-01"): "invalid",
            ("not a date", "2026-01-01"): "invalid",
            ("0001-01-01", "0001-01-02"): "invalid",
            ("2026-02-01", "2026-01-01"): "order",
            ("2024-01-01", "2026-01-01"): "too_long",
        }
        for (date_from, date_to), code in cases.items():
            with self.subTest(date_from=date_from, date_to=date_to):
                with self.assertRaises(periods.PeriodError) as caught:
                    periods.bounds("custom", today, 0, date_from, date_to)
                self.assertEqual(caught.exception.code, code)

    def test_utc_range_daylight_saving(self):
        # The last Sunday of March 2026 has 23 hours in Paris
        start, end = periods.utc_range(date(2026, 3, 29), date(2026, 3, 29), TZ)
        self.assertEqual(start, datetime(2026, 3, 28, 23, 0))
        self.assertEqual(end - start, timedelta(hours=23))

    def test_csv_injection(self):
        text = periods.csv_text(
            ["a", "b"], [["=1+1", "+33601020304"], ["-2", "@SUM(A1)"], ["ok", 42]]
        )
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(
            rows,
            [
                ["a", "b"],
                ["'=1+1", "'+33601020304"],
                ["'-2", "'@SUM(A1)"],
                ["ok", "42"],
            ],
        )


class AnalyticsFixtures(PermanenceCase):
    """The plumber's calls in a past week, a law firm (another client) and
    portal users of each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.write({"tz": TZ, "service_target": 20})
        cls.medical.write({"tz": TZ})
        Partner = cls.env["res.partner"]
        law_partner = Partner.create({"name": "Cabinet Avocats Stats"})
        lawyer = Partner.create(
            {"name": "Maître Stats", "parent_id": law_partner.id, "email": "ms@x.com"}
        )
        cls.law = cls.env["permanence.client"].create(
            {
                "name": "Avocats Stats",
                "code": "LAWST",
                "partner_id": law_partner.id,
                "state": "active",
                "tz": TZ,
            }
        )
        cls.plumber_user = cls._portal_user("pt_stats_plumber", cls.boss)
        cls.lawyer_user = cls._portal_user("pt_stats_lawyer", lawyer)
        cls.doctor_user = cls._portal_user("pt_stats_doctor", cls.doctor)
        Reason = cls.env["permanence.call.reason"]
        cls.leak = Reason.create({"client_id": cls.client.id, "name": "Fuite d'eau"})
        cls.quote = Reason.create({"client_id": cls.client.id, "name": "Devis"})

        today = datetime.now(pytz.timezone(TZ)).date()
        cls.day = today - timedelta(days=5)
        cls.date_from = (cls.day - timedelta(days=1)).isoformat()
        cls.date_to = cls.day.isoformat()
        cls.jeanne = cls._call(
            cls.client,
            local_to_utc(cls.day, 9, 10),
            wait=5,
            caller_name="Jeanne Dupont",
            caller_number_raw="+33601020304",
            reason_id=cls.leak.id,
        )
        cls.paul = cls._call(
            cls.client,
            local_to_utc(cls.day, 14, 30),
            wait=40,
            caller_name="Paul Durandeau",
            caller_number_raw="07 81 22 33 44",
            reason_id=cls.quote.id,
        )
        cls.lost = cls._call(
            cls.client,
            local_to_utc(cls.day, 9, 45),
            wait=12,
            abandoned=True,
            caller_number_raw="+33699887766",
        )
        cls.outbound = cls._call(
            cls.client,
            local_to_utc(cls.day, 11, 0),
            wait=3,
            direction="outbound",
            caller_name="=HYPERLINK(evil)",
            caller_number_raw="+33655443322",
        )
        cls.old = cls._call(
            cls.client,
            local_to_utc(cls.day - timedelta(days=100), 10, 0),
            wait=5,
            caller_name="Ancien Appelant",
        )
        cls.law_call = cls._call(
            cls.law,
            local_to_utc(cls.day, 9, 20),
            wait=5,
            caller_name="LAW-SECRET-CALLER",
            caller_number_raw="+33601020304",
        )
        cls.period_query = (
            f"client_id={cls.client.id}&period=custom"
            f"&date_from={cls.date_from}&date_to={cls.date_to}"
        )

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login,
            groups=PORTAL,
            partner_id=partner.id,
            name=partner.name,
            email=partner.email,
            lang="en_US",
            tz=TZ,
        )

    @classmethod
    def _call(cls, client, start, wait, abandoned=False, **values):
        values.update(client_id=client.id, date_start=start, state="done")
        if abandoned:
            values.update(outcome="abandoned", date_end=start + timedelta(seconds=wait))
        else:
            answer = start + timedelta(seconds=wait)
            values.setdefault("outcome", "message")
            values.update(date_answer=answer, date_end=answer + timedelta(seconds=90))
        return cls.env["permanence.call"].create(values)


@tagged("post_install", "-at_install")
class TestPortalAnalytics(HttpCase, AnalyticsFixtures):
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _get(self, url):
        response = self.url_open(url, allow_redirects=False)
        if not response.is_redirect:
            self.assertEqual(response.status_code, 200, url)
        return response

    def _assert_redirect_my(self, response):
        self.assertTrue(response.is_redirect, response.url)
        self.assertRegex(response.headers["Location"], r"/my$")

    @staticmethod
    def _value(html, css_class):
        match = re.search(rf'class="[^"]*\b{css_class}\b[^"]*">\s*([^<]*?)\s*<', html)
        return match and match.group(1)

    def _rows(self, html):
        return {int(value) for value in re.findall(r'data-call-id="(\d+)"', html)}

    def _csv(self, query):
        response = self._get(f"/my/permanence/calls/export.csv?{query}")
        self.assertFalse(response.is_redirect, response.headers.get("Location"))
        self.assertIn("text/csv", response.headers["Content-Type"])
        self.assertIn(".csv", response.headers["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    def _figures(self, user, client, start=None, end=None):
        domain = [("client_id", "=", client.id)]
        if start:
            domain += [("date_start", ">=", start), ("date_start", "<", end)]
        return (
            self.env["permanence.call"].with_user(user)._permanence_figures(domain)[()]
        )

    # Headline ------------------------------------------------------------------

    def test_home_headline_counts_answered_calls_only(self):
        now = fields.Datetime.now()
        self._call(self.client, now - timedelta(seconds=120), wait=4)
        self._call(self.client, now - timedelta(seconds=60), wait=30, abandoned=True)
        tz = pytz.timezone(TZ)
        month_first = datetime.now(tz).date().replace(day=1)
        start = local_to_utc(month_first, 0)
        month_calls = self.env["permanence.call"].search_count(
            [("client_id", "=", self.client.id), ("date_start", ">=", start)]
        )
        answered = self._figures(self.plumber_user, self.client, start, now)["answered"]
        # The abandoned call of this month is not counted
        self.assertLess(answered, month_calls)
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence?client_id={self.client.id}").text
        self.assertEqual(
            self._value(html, "o_permanence_month_call_count"), str(answered)
        )
        self.assertIn("Calls answered for you this month", html)

    # Statistics ---------------------------------------------------------------

    def test_confidential_account_figures_are_the_accounts(self):
        """A confidential account's user lists only the calls behind the
        messages they received, but the figures are the account's: the same
        as the monthly report's (every call of the account)."""
        medical = [
            self._call(self.medical, local_to_utc(self.day, 10, 0), wait=6),
            self._call(self.medical, local_to_utc(self.day, 10, 5), wait=30),
            self._call(
                self.medical, local_to_utc(self.day, 10, 9), wait=9, abandoned=True
            ),
        ]
        start, end = periods.utc_range(
            date.fromisoformat(self.date_from), date.fromisoformat(self.date_to), TZ
        )
        account = self.env["permanence.call"]._permanence_figures(
            [
                ("client_id", "=", self.medical.id),
                ("date_start", ">=", start),
                ("date_start", "<", end),
            ]
        )[()]
        self.assertEqual((account["offered"], account["abandoned"]), (3, 1))
        self._login(self.doctor_user)
        query = self.period_query.replace(
            f"client_id={self.client.id}", f"client_id={self.medical.id}"
        )
        html = self._get(f"/my/permanence/statistics?{query}").text
        self.assertEqual(self._value(html, "o_permanence_fig_offered"), "3")
        self.assertEqual(self._value(html, "o_permanence_fig_abandoned"), "1")
        self.assertEqual(
            self._value(html, "o_permanence_fig_service_level"),
            f"{account['service_level']:.1f}",
        )
        # ... while the list shows none of these callers' calls
        listed = self._rows(self._get(f"/my/permanence/calls?{query}").text)
        self.assertFalse(listed & {call.id for call in medical})

    def test_statistics_figures_of_a_period(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/statistics?{self.period_query}").text
        start, end = periods.utc_range(
            date.fromisoformat(self.date_from), date.fromisoformat(self.date_to), TZ
        )
        expected = self._figures(self.plumber_user, self.client, start, end)
        # The calls above: 3 inbound (the outbound one is not offered), one
        # abandoned, one answered within the 20 s target.
        self.assertEqual(
            (expected["offered"], expected["answered"], expected["abandoned"]),
            (3, 2, 1),
        )
        self.assertEqual(
            self._value(html, "o_permanence_fig_offered"), str(expected["offered"])
        )
        self.assertEqual(
            self._value(html, "o_permanence_fig_answered"), str(expected["answered"])
        )
        self.assertEqual(
            self._value(html, "o_permanence_fig_abandoned"),
            str(expected["abandoned"]),
        )
        self.assertEqual(
            self._value(html, "o_permanence_fig_answer_rate"),
            f"{expected['answer_rate']:.1f}",
        )
        self.assertEqual(self._value(html, "o_permanence_fig_answer_rate"), "66.7")
        self.assertEqual(
            self._value(html, "o_permanence_fig_service_level"),
            f"{expected['service_level']:.1f}",
        )
        self.assertEqual(self._value(html, "o_permanence_fig_service_level"), "33.3")
        self.assertEqual(self._value(html, "o_permanence_fig_target"), "20")
        # ASA of the answered calls only: (5 + 40) / 2
        self.assertEqual(expected["asa"], 22.5)
        self.assertIn(self._value(html, "o_permanence_fig_asa"), ("22", "23"))
        # By reason: one call each, and the abandoned one without a reason
        rows = re.findall(
            r'data-offered="(\d+)">\s*<td class="o_permanence_reason_name">([^<]*)<',
            html,
        )
        self.assertEqual(
            sorted((name, int(count)) for count, name in rows),
            [("Devis", 1), ("Fuite d&#39;eau", 1), ("No reason given", 1)],
        )
        # By hour of the day, in the client's time zone
        hours = {
            int(hour): (int(offered), int(answered), int(abandoned))
            for hour, offered, answered, abandoned in re.findall(
                r'data-hour="(\d+)" data-offered="(\d+)" data-answered="(\d+)"'
                r' data-abandoned="(\d+)"',
                html,
            )
        }
        self.assertEqual(hours[9], (2, 1, 1))
        self.assertEqual(hours[14], (1, 1, 0))
        self.assertEqual(hours[11], (0, 0, 0))  # the outbound call
        self.assertEqual(sum(offered for offered, __, __ in hours.values()), 3)
        # The weekly chart is still there, its headline counting the
        # answered calls only (not the abandoned, not the outbound one)
        self.assertEqual(len(re.findall(r'data-count="(\d+)"', html)), 12)
        self.assertEqual(self._value(html, "o_permanence_stat_total"), "2")

    def test_period_selector(self):
        self._login(self.plumber_user)
        url = f"/my/permanence/statistics?client_id={self.client.id}"
        for period in ("week", "month", "last_month", "last_3_months", "nonsense"):
            with self.subTest(period=period):
                html = self._get(f"{url}&period={period}").text
                self.assertIn("o_permanence_fig_offered", html)
                self.assertNotIn("o_permanence_period_error", html)
        html = self._get(f"{url}&period=last_3_months").text
        # The 3 inbound calls of 5 days ago are in the last 3 months
        self.assertEqual(self._value(html, "o_permanence_fig_offered"), "3")
        bad = {
            "garbage": ("not a date", "2026-01-01"),
            "impossible day": ("2026-13-45", "2026-01-01"),
            "reversed": (self.date_to, self.date_from),
            "missing": ("", self.date_to),
            "too long": ("2020-01-01", "2026-01-01"),
            "markup": ("<script>alert(1)</script>", "2026-01-01"),
            "far past": ("0001-01-01", "0001-01-02"),
        }
        for case, (date_from, date_to) in bad.items():
            with self.subTest(case=case):
                query = f"period=custom&date_from={date_from}&date_to={date_to}"
                for page in ("statistics", "calls"):
                    html = self._get(f"/my/permanence/{page}?{query}").text
                    self.assertIn("o_permanence_period_error", html)
                    self.assertNotIn("<script>alert", html)
                response = self._get(f"/my/permanence/calls/export.csv?{query}")
                self.assertTrue(response.is_redirect)
                self.assertIn("/my/permanence/calls?", response.headers["Location"])
        html = self._get(f"{url}&period=custom&date_from=2026-02-01&date_to=2026-01-01")
        self.assertIn("comes after its last day", html.text)

    # Calls: search and export -------------------------------------------------------

    def test_calls_search(self):
        self._login(self.plumber_user)
        base = f"/my/permanence/calls?{self.period_query}"
        self.assertEqual(
            self._rows(self._get(base).text),
            {self.jeanne.id, self.paul.id, self.lost.id, self.outbound.id},
        )
        searches = {
            "06 01 02 03 04": {self.jeanne.id},
            "+33601020304": {self.jeanne.id},
            "0781223344": {self.paul.id},
            "durandeau": {self.paul.id},
            "fuite": {self.jeanne.id},
            "DEVIS": {self.paul.id},
            "nobody-like-this": set(),
        }
        for search, expected in searches.items():
            with self.subTest(search=search):
                html = self._get(f"{base}&search={search.replace('+', '%2B')}").text
                self.assertEqual(self._rows(html), expected)
                # The law firm's call with the same number never shows
                self.assertNotIn("LAW-SECRET-CALLER", html)
        # The search combines with the period: the old call is outside it
        html = self._get(f"{base}&search=Ancien").text
        self.assertEqual(self._rows(html), set())
        html = self._get(
            f"/my/permanence/calls?client_id={self.client.id}&search=Ancien"
        )
        self.assertEqual(self._rows(html.text), {self.old.id})

    def test_calls_export(self):
        self._login(self.plumber_user)
        html = self._get(f"/my/permanence/calls?{self.period_query}&search=fuite").text
        link = re.search(r"<a[^>]*o_permanence_calls_export[^>]*>", html)
        self.assertTrue(link)
        self.assertIn("/my/permanence/calls/export.csv?", link.group(0))
        self.assertIn("search=fuite", link.group(0))
        self.assertIn(f"date_from={self.date_from}", link.group(0))
        rows = self._csv(f"{self.period_query}")
        self.assertEqual(
            rows[0],
            [
                "Date",
                "Direction",
                "Caller",
                "Number",
                "Reason",
                "Outcome",
                "Talk time (s)",
            ],
        )
        self.assertEqual(len(rows), 5)  # the 4 calls of the period
        by_time = {row[0][-8:-3]: row for row in rows[1:]}
        jeanne = by_time["09:10"]
        self.assertEqual(jeanne[0], f"{self.day.isoformat()} 09:10:00")
        # The number is the plumber's boss's: the caller's company is known
        self.assertEqual(
            jeanne[1:4],
            ["Inbound", "Jeanne Dupont (Plomberie Test)", "06 01 02 03 04"],
        )
        self.assertEqual(jeanne[4:], ["Fuite d'eau", "Message taken", "90"])
        self.assertEqual(by_time["09:45"][5], "Abandoned")
        outbound = by_time["11:00"]
        self.assertEqual(outbound[1], "Outbound")
        # CSV injection: a formula is written as text
        self.assertEqual(outbound[2], "'=HYPERLINK(evil)")
        # Same filters as the list
        rows = self._csv(f"{self.period_query}&search=%2B33601020304")
        self.assertEqual([row[2][:13] for row in rows[1:]], ["Jeanne Dupont"])
        self.assertNotIn("LAW-SECRET-CALLER", str(rows))

    def test_calls_export_is_bounded(self):
        self._login(self.plumber_user)
        # The bound is 10,000 calls; two here, so that the test stays small
        with patch.object(portal_controller, "CALLS_EXPORT_LIMIT", 2):
            rows = self._csv(f"client_id={self.client.id}&period=all")
            html = self._get(f"/my/permanence/calls?client_id={self.client.id}").text
        # The newest two: Paul's call at 14:30 and the outbound one at 11:00
        self.assertEqual([row[0][-8:-3] for row in rows[1:]], ["14:30", "11:00"])
        self.assertRegex(html, r"o_permanence_export_limit text-warning")
        self.assertEqual(portal_controller.CALLS_EXPORT_LIMIT, 10000)

    def test_confidential_export_names_no_caller(self):
        call = self._call(
            self.medical,
            local_to_utc(self.day, 10, 0),
            wait=5,
            caller_name="MED-SECRET-PATIENT",
            caller_number_raw="+33612121212",
        )
        unseen = self._call(
            self.medical,
            local_to_utc(self.day, 10, 30),
            wait=5,
            caller_name="MED-OTHER-PATIENT",
        )
        self.env["permanence.message"].create(
            {
                "client_id": self.medical.id,
                "subject": "MED-MSG",
                "caller_name": "MED-SECRET-PATIENT",
                "recipient_ids": [(6, 0, self.doctor_interlocutor.ids)],
                "state": "sent",
                "call_id": call.id,
            }
        )
        self._login(self.doctor_user)
        query = (
            f"client_id={self.medical.id}&period=custom"
            f"&date_from={self.date_from}&date_to={self.date_to}"
        )
        rows = self._csv(query)
        # Only the call behind the doctor's message, without its caller
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][2:4], ["", ""])
        self.assertNotIn("MED-SECRET-PATIENT", str(rows))
        self.assertNotIn("MED-OTHER-PATIENT", str(rows))
        log = self.env["permanence.access.log"].search(
            [("user_id", "=", self.doctor_user.id), ("kind", "=", "export")]
        )
        self.assertEqual(log.mapped("res_id"), call.ids)
        # The statistics are the account's (both calls), without any caller
        html = self._get(f"/my/permanence/statistics?{query}").text
        self.assertEqual(self._value(html, "o_permanence_fig_offered"), "2")
        self.assertNotIn("MED-OTHER-PATIENT", html)
        self.assertTrue(unseen)

    # Isolation -------------------------------------------------------------------

    def test_other_client_sees_and_exports_nothing(self):
        self._login(self.lawyer_user)
        for url in (
            f"/my/permanence/statistics?{self.period_query}",
            f"/my/permanence/calls?{self.period_query}&search=Jeanne",
            f"/my/permanence/calls/export.csv?{self.period_query}",
            "/my/permanence/calls/export.csv?client_id=99999999999&period=month",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self._assert_redirect_my(response)
                self.assertNotIn(b"Jeanne", response.content)
        # Their own export holds their own call only
        rows = self._csv(f"client_id={self.law.id}&period=all")
        self.assertEqual([row[2][:17] for row in rows[1:]], ["LAW-SECRET-CALLER"])
        # And the plumber never gets the law firm's calls
        self._login(self.plumber_user)
        self._assert_redirect_my(
            self._get(f"/my/permanence/calls/export.csv?client_id={self.law.id}")
        )

    def test_internal_operator_not_affected(self):
        # An operator not allowed on the confidential client: the portal
        # pages of that account redirect, the operators' screens still work.
        self._login(self.operator)
        for url in (
            f"/my/permanence/statistics?client_id={self.medical.id}",
            f"/my/permanence/calls/export.csv?client_id={self.medical.id}",
        ):
            with self.subTest(url=url):
                self._assert_redirect_my(self._get(url))
        self.assertEqual(
            self.url_open(
                "/odoo/action-permanence_telephonique.action_permanence_call"
            ).status_code,
            200,
        )
        figures = (
            self.env["permanence.call"]
            .with_user(self.operator)
            ._permanence_figures([("client_id", "=", self.client.id)])[()]
        )
        self.assertEqual(figures["answered"], 3)
