# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools import billing

PER_MINUTE = {"unit": "minutes", "rounding": "minute", "free_under": 0, "wrap_up": 0}


@tagged("post_install", "-at_install")
class TestBillingTools(BaseCase):
    def test_per_second(self):
        rule = dict(PER_MINUTE, rounding="second")
        self.assertEqual(billing.call_units(90, rule), 1.5)
        self.assertEqual(billing.billed_seconds(61, "second"), 61)

    def test_per_started_minute(self):
        self.assertEqual(billing.call_units(1, PER_MINUTE), 1)
        self.assertEqual(billing.call_units(60, PER_MINUTE), 1)
        self.assertEqual(billing.call_units(61, PER_MINUTE), 2)
        self.assertEqual(billing.call_units(0, PER_MINUTE), 0)

    def test_rounding_is_per_call_not_on_the_sum(self):
        # three 61-second calls: 6 started minutes, not ceil(183 / 60) = 4
        self.assertEqual(billing.total_units([61, 61, 61], PER_MINUTE), 6)

    def test_free_under(self):
        rule = dict(PER_MINUTE, free_under=30)
        self.assertEqual(billing.call_units(29, rule), 0)
        self.assertEqual(billing.call_units(30, rule), 1)
        per_call = {"unit": "calls", "free_under": 30}
        self.assertEqual(billing.total_units([10, 29, 30, 300], per_call), 2)

    def test_wrap_up_added_before_rounding(self):
        rule = dict(PER_MINUTE, wrap_up=60)
        self.assertEqual(billing.call_units(30, rule), 2)
        # a free call gets no wrap-up either
        rule["free_under"] = 30
        self.assertEqual(billing.call_units(20, rule), 0)

    def test_unknown_rounding(self):
        with self.assertRaises(ValueError):
            billing.billed_seconds(10, "hour")

    def test_overage_and_percent(self):
        self.assertEqual(billing.overage(120, 100), 20)
        self.assertEqual(billing.overage(80, 100), 0)
        self.assertEqual(billing.usage_percent(80, 100), 80)
        self.assertEqual(billing.usage_percent(80, 0), 0)

    def test_thresholds_once_each(self):
        self.assertEqual(billing.reached_threshold(79), 0)
        self.assertEqual(billing.reached_threshold(85), 80)
        self.assertEqual(billing.reached_threshold(85, already=80), 0)
        self.assertEqual(billing.reached_threshold(130, already=0), 100)
        self.assertEqual(billing.reached_threshold(130, already=100), 0)

    def test_periods(self):
        self.assertEqual(
            billing.period_of(date(2026, 2, 14)), (date(2026, 2, 1), date(2026, 2, 28))
        )
        self.assertEqual(
            billing.period_of(date(2026, 2, 14), 15),
            (date(2026, 1, 15), date(2026, 2, 14)),
        )
        # 31 = end of month, clamped in short months
        self.assertEqual(
            billing.period_of(date(2026, 3, 5), 31),
            (date(2026, 2, 28), date(2026, 3, 30)),
        )
        self.assertEqual(
            billing.previous_period(date(2026, 1, 3)),
            (date(2025, 12, 1), date(2025, 12, 31)),
        )

    def test_prorating(self):
        start, end = date(2026, 1, 1), date(2026, 1, 31)
        self.assertEqual(billing.overlap_days(start, end, date(2026, 1, 17)), 15)
        self.assertEqual(
            billing.overlap_days(start, end, date(2025, 6, 1), date(2026, 1, 16)), 16
        )
        self.assertEqual(billing.overlap_days(start, end, date(2026, 2, 1)), 0)
        self.assertAlmostEqual(billing.prorate(310.0, 15, 31), 150.0)
        self.assertEqual(billing.prorate(310.0, 31, 31), 310.0)

    def test_included_units_round_half_up(self):
        # 5 calls for 15 days of 30: 2.5 calls, 3 included (round() gives 2).
        self.assertEqual(billing.included_units(5, 15, 30, billing.UNIT_CALLS), 3)
        self.assertEqual(billing.included_units(7, 15, 30, billing.UNIT_CALLS), 4)
        self.assertEqual(billing.included_units(4, 15, 30, billing.UNIT_CALLS), 2)
        self.assertEqual(billing.included_units(5, 30, 30, billing.UNIT_CALLS), 5)
        # Minutes keep hundredths: 0.25 min for 15 of 30 days is 0.125 -> 0.13.
        self.assertEqual(
            billing.included_units(0.25, 15, 30, billing.UNIT_MINUTES), 0.13
        )
        self.assertEqual(
            billing.included_units(100, 10, 31, billing.UNIT_MINUTES), 32.26
        )

    def test_tiers(self):
        tiers = [(100, 1.0), (200, 0.8), (None, 0.5)]
        self.assertEqual(billing.tiered_amount(50, tiers), 50.0)
        self.assertEqual(billing.tiered_amount(150, tiers), 140.0)
        self.assertEqual(billing.tiered_amount(300, tiers), 230.0)

    def test_csv(self):
        text = billing.calls_csv(
            [["C1", "2026-01-02 10:00:00", "", "Message", 61, 2]],
            ["a", "b", "c", "d", "e", "f"],
        )
        self.assertEqual(text.splitlines()[1], "C1;2026-01-02 10:00:00;;Message;61;2")
