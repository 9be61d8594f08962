from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import coverage, service_period
from .common import CommittedCase, PermanenceCase

PARIS = "Europe/Paris"
PORTAL = "base.group_portal"


def paris(*args):
    """Naive UTC of a wall time in Paris."""
    return service_period.to_utc(datetime(*args), PARIS)


class TestServicePeriodTools(PermanenceCase):
    """The time zone arithmetic, on the days clocks change in Paris (last
    Sunday of March and of October)."""

    def test_to_utc_across_daylight_saving(self):
        # Winter (UTC+1) then summer (UTC+2) around 28 March 2027
        self.assertEqual(paris(2027, 3, 27, 12, 0), datetime(2027, 3, 27, 11, 0))
        self.assertEqual(paris(2027, 3, 28, 12, 0), datetime(2027, 3, 28, 10, 0))
        # 02:30 does not exist that night: it is 03:30 summer time
        self.assertEqual(paris(2027, 3, 28, 2, 30), datetime(2027, 3, 28, 1, 30))
        # Summer then winter around 31 October 2027; 02:30 happens twice,
        # taken as winter time (the later one)
        self.assertEqual(paris(2027, 10, 30, 12, 0), datetime(2027, 10, 30, 10, 0))
        self.assertEqual(paris(2027, 10, 31, 12, 0), datetime(2027, 10, 31, 11, 0))
        self.assertEqual(paris(2027, 10, 31, 2, 30), datetime(2027, 10, 31, 1, 30))
        self.assertEqual(
            service_period.to_local(datetime(2027, 3, 28, 10, 0), PARIS),
            datetime(2027, 3, 28, 12, 0),
        )

    def test_hours_by_month(self):
        # The night clocks go forward lasts an hour less
        self.assertEqual(
            service_period.hours_by_month(
                paris(2027, 3, 27, 20, 0), paris(2027, 3, 28, 8, 0), PARIS
            ),
            {date(2027, 3, 1): 11.0},
        )
        # Cut at midnight of the first of the month, Paris time
        self.assertEqual(
            service_period.hours_by_month(
                paris(2027, 10, 31, 20, 0), paris(2027, 11, 1, 4, 0), PARIS
            ),
            {date(2027, 10, 1): 4.0, date(2027, 11, 1): 4.0},
        )

    def test_coverage_override(self):
        self.assertTrue(coverage.is_covered("business_hours", False, service="on"))
        self.assertFalse(coverage.is_covered("always", True, service="off"))
        self.assertFalse(coverage.is_covered("business_hours", False))
        self.assertTrue(coverage.is_covered("after_hours", False, service=None))


class ServicePeriodFixtures(PermanenceCase):
    """The plumber works Monday to Friday 9:00-12:00 and 14:00-18:00, Paris
    time, answers in business hours; his plan lets him switch the service
    on or off from the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        attendances = [
            (0, 0, {"name": name, "dayofweek": str(day), "hour_from": f, "hour_to": t})
            for day in range(5)
            for name, f, t in (("morning", 9, 12), ("afternoon", 14, 18))
        ]
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Plumber hours", "tz": PARIS, "attendance_ids": attendances}
        )
        cls.supervisor.lang = "en_US"
        cls.client.write(
            {
                "coverage_mode": "business_hours",
                "resource_calendar_id": cls.calendar.id,
                "tz": PARIS,
                "user_id": cls.supervisor.id,
            }
        )
        cls.plan = cls.env["permanence.plan"].create(
            {
                "name": "Plan self-service",
                "self_service_allowed": True,
                "self_service_max_hours": 3,
            }
        )
        cls.subscription = cls.env["permanence.subscription"].create(
            {
                "client_id": cls.client.id,
                "plan_id": cls.plan.id,
                "date_start": fields.Date.today() - timedelta(days=60),
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            "pt_sp_portal",
            groups=PORTAL,
            partner_id=cls.boss.id,
            name=cls.boss.name,
            email=cls.boss.email,
        )
        cls.Period = cls.env["permanence.service.period"]

    @staticmethod
    def monday():
        """A Monday at least a week ahead (a date, in Paris)."""
        today = fields.Date.today()
        return today + timedelta(days=14 - today.weekday())

    def refused(self, pattern, *args, exception=UserError, **kw):
        """Assert creating that period is refused, and nothing is left."""
        with self.assertRaisesRegex(exception, pattern), self.env.cr.savepoint():
            self.period(*args, **kw)

    def period(self, start, end, user=None, **vals):
        model = self.Period.with_user(user) if user else self.Period
        return model.create(
            dict(
                {
                    "client_id": self.client.id,
                    "mode": "on",
                    "reason": "lunch",
                    "date_from": start,
                    "date_to": end,
                },
                **vals,
            )
        )


@tagged("post_install", "-at_install")
class TestServicePeriod(ServicePeriodFixtures):
    def test_on_and_off_periods_decide_coverage(self):
        day = self.monday().timetuple()[:3]
        lunch = paris(*day, 12, 30)
        morning = paris(*day, 10, 0)
        self.assertFalse(self.client._is_covered_at(lunch))
        self.assertTrue(self.client._is_covered_at(morning))
        self.period(paris(*day, 12, 0), paris(*day, 13, 0))
        off = self.period(paris(*day, 9, 30), paris(*day, 11, 0), mode="off")
        self.assertTrue(self.client._is_covered_at(lunch))
        self.assertFalse(self.client._is_covered_at(morning))
        # A period ends by itself: at its end, the contract hours again
        self.assertTrue(self.client._is_covered_at(paris(*day, 12, 59)))
        self.assertFalse(self.client._is_covered_at(paris(*day, 13, 0)))
        self.assertTrue(self.client._is_covered_at(paris(*day, 11, 0)))
        # What the call records (the console's warning, billing's count)
        lunch_call = self.new_call(self.client, date_start=lunch)
        morning_call = self.new_call(self.client, date_start=morning)
        self.assertTrue(lunch_call.in_coverage)
        self.assertFalse(morning_call.in_coverage)
        # A cancelled period no longer counts; the calls keep their fact
        off._cancel()
        self.assertEqual(off.state, "cancelled")
        self.assertTrue(self.client._is_covered_at(morning))
        self.assertFalse(morning_call.in_coverage)

    def test_periods_across_daylight_saving(self):
        # Sunday 28 March 2027, the day clocks go forward: 12:00-14:00 Paris
        # is 10:00-12:00 UTC (and Sunday is out of the contract hours)
        on = self.period(paris(2027, 3, 28, 12, 0), paris(2027, 3, 28, 14, 0))
        self.assertEqual(on.date_from, datetime(2027, 3, 28, 10, 0))
        self.assertTrue(self.client._is_covered_at(datetime(2027, 3, 28, 10, 30)))
        self.assertFalse(self.client._is_covered_at(datetime(2027, 3, 28, 9, 30)))
        self.assertFalse(self.client._is_covered_at(datetime(2027, 3, 28, 12, 30)))
        self.assertIn(
            "03/28/2027 12:00 PM → 2:00 PM (Europe/Paris)",
            on.with_context(lang="en_US").period_local,
        )
        # Sunday 31 October 2027, the day clocks go back: 12:00 Paris is
        # 11:00 UTC
        on = self.period(paris(2027, 10, 31, 12, 0), paris(2027, 10, 31, 14, 0))
        self.assertEqual(on.date_from, datetime(2027, 10, 31, 11, 0))
        self.assertTrue(self.client._is_covered_at(datetime(2027, 10, 31, 12, 30)))
        self.assertFalse(self.client._is_covered_at(datetime(2027, 10, 31, 10, 30)))
        # The night of 27-28 March lasts 11 hours, not 12
        night = self.period(
            paris(2027, 3, 27, 20, 0), paris(2027, 3, 28, 8, 0), reason="leave"
        )
        self.assertAlmostEqual(night.duration_hours, 11.0)

    def test_overlap_refused(self):
        day = self.monday().timetuple()[:3]
        self.period(paris(*day, 12, 0), paris(*day, 14, 0))
        self.refused(
            "overlaps another period",
            paris(*day, 13, 0),
            paris(*day, 15, 0),
            exception=ValidationError,
        )
        # Back to back is fine
        self.period(paris(*day, 14, 0), paris(*day, 15, 0))

    def test_end_required_and_after_start(self):
        day = self.monday().timetuple()[:3]
        with mute_logger("odoo.sql_db"):
            self.refused("", paris(*day, 12, 0), False, exception=Exception)
            self.refused(
                "", paris(*day, 14, 0), paris(*day, 12, 0), exception=Exception
            )


@tagged("post_install", "-at_install")
class TestServicePeriodContract(ServicePeriodFixtures):
    """What the plan allows, for periods asked for from the portal."""

    def _start(self, days=10, hour=12):
        day = fields.Date.today() + timedelta(days=days)
        return paris(day.year, day.month, day.day, hour, 0)

    def test_self_service_not_in_contract(self):
        self.plan.self_service_allowed = False
        start = self._start()
        self.refused(
            "does not let you switch the service",
            start,
            start + timedelta(hours=1),
            user=self.portal_user,
        )
        # Nor without a subscription running today
        self.plan.self_service_allowed = True
        self.subscription.date_end = fields.Date.today() - timedelta(days=1)
        self.refused(
            "does not let you switch the service",
            start,
            start + timedelta(hours=1),
            user=self.portal_user,
        )
        # The answering service itself is not bound by the plan
        self.assertTrue(self.period(start, start + timedelta(hours=1)))

    def test_monthly_allowance_of_extra_hours(self):
        # Both in the same month, whatever today is
        day = fields.Date.today().replace(day=1) + timedelta(days=45)
        first = paris(day.year, day.month, 10, 12, 0)
        second = paris(day.year, day.month, 11, 12, 0)
        self.period(first, first + timedelta(hours=2), user=self.portal_user)
        self.refused(
            r"includes 3 extra covered hours a month.*4\.0 hours \(2\.0 already",
            second,
            second + timedelta(hours=2),
            user=self.portal_user,
        )
        # One more hour fits; "off" periods are no extra coverage
        self.period(second, second + timedelta(hours=1), user=self.portal_user)
        third = paris(day.year, day.month, 12, 9, 0)
        self.period(
            third, third + timedelta(hours=5), mode="off", user=self.portal_user
        )
        # Nothing left this month, but the next month is another allowance
        following = paris(*(service_period.next_month(day).timetuple()[:3]), 12, 0)
        self.period(following, following + timedelta(hours=3), user=self.portal_user)
        self.assertEqual(
            len(self.Period.search([("client_id", "=", self.client.id)])), 4
        )

    def test_notice_and_past(self):
        self.plan.self_service_notice_hours = 24
        soon = fields.Datetime.now() + timedelta(hours=2)
        self.refused(
            "24 hours of notice", soon, soon + timedelta(hours=1), user=self.portal_user
        )
        # An unplanned absence needs no notice
        self.period(
            soon, soon + timedelta(hours=1), reason="unplanned", user=self.portal_user
        )
        past = fields.Datetime.now() - timedelta(hours=3)
        self.refused(
            "cannot start in the past",
            past,
            past + timedelta(hours=1),
            reason="unplanned",
            user=self.portal_user,
        )

    def test_portal_cannot_force_or_reach_another_client(self):
        start = self._start()
        period = self.period(
            start,
            start + timedelta(hours=1),
            user=self.portal_user,
            source="staff",
            state="cancelled",
            partner_id=self.doctor.id,
        )
        period = period.sudo()
        self.assertEqual(period.source, "portal")
        self.assertEqual(period.state, "confirmed")
        self.assertEqual(period.partner_id, self.boss)
        with self.assertRaises(AccessError):
            self.Period.with_user(self.portal_user).create(
                {
                    "client_id": self.medical.id,
                    "date_from": start,
                    "date_to": start + timedelta(hours=1),
                }
            )
        with self.assertRaises(AccessError):
            period.with_user(self.portal_user).write({"mode": "off"})
        with self.assertRaises(AccessError):
            period.with_user(self.portal_user).action_cancel()
        with self.assertRaises(AccessError):
            period.with_user(self.operator).action_cancel()
        self.assertEqual(period.state, "confirmed")

    def test_every_change_in_the_chatter_for_the_account_manager(self):
        start = self._start()
        before = self.client.message_ids
        period = self.period(
            start, start + timedelta(hours=2), user=self.portal_user, note="Seminar"
        )
        note = self.client.message_ids - before
        self.assertEqual(len(note), 1)
        self.assertIn("Service period planned", note.body)
        self.assertIn("from the client portal by Marc Plombier", note.body)
        self.assertIn("Lunch break", note.body)
        self.assertIn("Seminar", note.body)
        self.assertIn(PARIS, note.body)
        self.assertIn(self.supervisor.partner_id, note.partner_ids)
        before = self.client.message_ids
        period.with_user(self.supervisor).action_cancel()
        note = self.client.message_ids - before
        self.assertIn("Service period cancelled", note.body)
        self.assertEqual(period.state, "cancelled")
        with self.assertRaisesRegex(UserError, "over or cancelled"):
            period.with_user(self.supervisor).action_cancel()
        # A current period ends now instead
        current = self.period(
            fields.Datetime.now() - timedelta(hours=1),
            fields.Datetime.now() + timedelta(hours=1),
        )
        self.assertEqual(current.status, "current")
        before = self.client.message_ids
        current.with_user(self.supervisor).action_cancel()
        self.assertEqual(current.state, "confirmed")
        self.assertLessEqual(current.date_to, fields.Datetime.now())
        self.assertIn("ended early", (self.client.message_ids - before).body)
        # A change by the staff too
        before = self.client.message_ids
        later = self.period(
            start + timedelta(days=1), start + timedelta(days=1, hours=1)
        )
        later.with_user(self.supervisor).write({"mode": "off"})
        self.assertIn(
            "Service period changed",
            " ".join((self.client.message_ids - before).mapped("body")),
        )


@tagged("post_install", "-at_install")
class TestConcurrentPeriods(CommittedCase):
    """Two requests of one client at the same moment, each in its own
    transaction: neither sees the other's period, so the second is made to
    wait and fail with PostgreSQL's serialization error (which Odoo
    retries); retried, it sees the first and is refused for the monthly
    allowance."""

    def setUp(self):
        super().setUp()

        def fixture(env):
            partner = env["res.partner"].create(
                {"name": "Serrurerie Concurrente", "is_company": True}
            )
            client = env["permanence.client"].create(
                {
                    "name": "Serrurerie Concurrente",
                    "code": "CONCSP",
                    "partner_id": partner.id,
                    "state": "active",
                    "tz": PARIS,
                }
            )
            plan = env["permanence.plan"].create(
                {
                    "name": "Plan concurrent",
                    "self_service_allowed": True,
                    "self_service_max_hours": 4,
                }
            )
            subscription = env["permanence.subscription"].create(
                {
                    "client_id": client.id,
                    "plan_id": plan.id,
                    "date_start": fields.Date.today() - timedelta(days=30),
                }
            )
            return {
                "partner": partner.id,
                "client": client.id,
                "plan": plan.id,
                "subscription": subscription.id,
            }

        self.ids = self.run_in_new_transaction(fixture)
        self.addCleanup(self.run_in_new_transaction, self.cleanup)

    def cleanup(self, env):
        client = env["permanence.client"].browse(self.ids["client"])
        env["permanence.service.period"].search(
            [("client_id", "=", client.id)]
        ).unlink()
        env["permanence.subscription"].browse(self.ids["subscription"]).unlink()
        client.message_ids.unlink()
        client.unlink()
        env["permanence.plan"].browse(self.ids["plan"]).unlink()
        env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_two_requests_at_the_same_moment(self):
        month = service_period.next_month(fields.Date.today())

        def ask(day):
            def create(env):
                start = service_period.to_utc(
                    datetime(month.year, month.month, day, 9, 0), PARIS
                )
                env["permanence.service.period"].create(
                    {
                        "client_id": self.ids["client"],
                        "source": "portal",
                        "reason": "leave",
                        "date_from": start,
                        "date_to": start + timedelta(hours=3),
                    }
                )
                return "saved"

            return create

        first, second, blocked = self.race(ask(10), ask(11), 20)
        self.assertEqual(first, "saved")
        self.assertTrue(blocked, "the second request waited on the first")
        self.assertEqual(getattr(second, "pgcode", None), "40001", second)
        # Retried (as Odoo does), it sees the first period
        with self.assertRaisesRegex(UserError, "includes 4 extra covered hours"):
            self.run_in_new_transaction(ask(11))

        def count(env):
            return env["permanence.service.period"].search_count(
                [("client_id", "=", self.ids["client"])]
            )

        self.assertEqual(self.run_in_new_transaction(count), 1)
