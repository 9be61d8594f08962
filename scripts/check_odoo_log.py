"""Read the log of an Odoo test run and judge it.

Usage: python3 scripts/check_odoo_log.py LOGFILE DBNAME

Fails (exit 1) when the log holds a line at level ERROR or CRITICAL, a
WARNING about this repository's addons (logger ``odoo.addons.permanence_*``,
or a message naming a ``permanence_*`` module or ``permanence.*`` model), no
test summary, or a summary of zero tests. Prints the offending lines, then
the closing line ``odoo: N passed, M failed`` (M = failures + errors).
"""

import re
import sys
from datetime import datetime

# 2026-01-01 10:00:00,123 4242 WARNING dbname odoo.models: message
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
# odoo/tests/result.py OdooTestResult.__str__, logged by
# odoo/service/server.py once the run is over:
# "0 failed, 0 error(s) of 42 tests when loading database 'x'"
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests"
    r" when loading database"
)
OURS = re.compile(r"permanence[._]")
HEAD_LINES, TAIL_LINES = 8, 12  # of a traceback under a problem line
# "Starting TestClass.test_method ..." logged by Odoo's test runner
STARTING = re.compile(r"^Starting (?P<test>\w+\.\w+) \.\.\.")
# Browser tests: tours and the click-everywhere bot
BROWSER_TEST = re.compile(r"Tour|ClickEverywhere")
STAMP = "%Y-%m-%d %H:%M:%S,%f"


def browser_test_seconds(starts):
    """``{test: seconds}`` of the browser tests, each from its start to the
    start of the next test (or the end of the run)."""
    seconds = {}
    for (test, start), (__, end) in zip(starts, starts[1:], strict=False):
        if BROWSER_TEST.search(test.split(".")[0]):
            seconds[test] = (end - start).total_seconds()
    return seconds


def stamp(line):
    return datetime.strptime(line[:23], STAMP)


def main(path, dbname):
    problems = []
    summary = None
    starts = []
    current = None  # the problem whose traceback lines follow
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            line = raw.rstrip("\n")
            match = LINE.match(line)
            if not match:
                if current is not None:
                    current.append(line)
                continue
            current = None
            level, logger, msg = match["level"], match["logger"], match["msg"]
            started = STARTING.match(msg)
            if started:
                starts.append((started["test"], stamp(line)))
            found = SUMMARY.search(msg)
            if found and logger == "odoo.tests.result":
                summary = found
                starts.append(("end.of_run", stamp(line)))
                continue
            about_us = logger.startswith("odoo.addons.permanence_") or OURS.search(
                f"{logger} {msg.replace(dbname, '')}"
            )
            if level in ("ERROR", "CRITICAL") or (level == "WARNING" and about_us):
                current = [line]
                problems.append(current)
    for block in problems:
        if len(block) > 1 + HEAD_LINES + TAIL_LINES:
            cut = len(block) - 1 - HEAD_LINES - TAIL_LINES
            block = [
                *block[: 1 + HEAD_LINES],
                f"    [... {cut} lines ...]",
                *block[-TAIL_LINES:],
            ]
        print("\n".join(block))
    if problems:
        print(
            f"check_odoo_log: {len(problems)} line(s) at ERROR/CRITICAL, or WARNING"
            " about our addons, above (see the full log)"
        )
    browser = browser_test_seconds(starts)
    if browser:
        print(
            f"browser tests (tours, click everywhere): {len(browser)} tests,"
            f" {sum(browser.values()):.0f} s"
        )
        for test, seconds in sorted(browser.items()):
            print(f"  {seconds:6.1f} s  {test}")
    if summary is None:
        print("check_odoo_log: Odoo logged no test summary (did it crash?)")
        return 1
    failed = int(summary["failed"]) + int(summary["errors"])
    run = int(summary["run"])
    if run == 0:
        print("check_odoo_log: no test ran — a run with zero tests fails")
    print(f"odoo: {run - failed} passed, {failed} failed")
    return 1 if problems or failed or run == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
