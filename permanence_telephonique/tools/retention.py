"""Retention arithmetic and the export of one person's data (no database).

The models ask these functions when a kind of data expires for a client and
build the subject-access export from plain rows.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

# Defaults of the policy, in months (CNIL guidance for an answering service)
DEFAULT_MONTHS = {
    "call": 12,
    "message": 12,
    "recording": 6,
    "payload": 3,
    "access_log": 12,
}
BATCH_SIZE = 1000
EXPORT_MONTHS = 1  # a personal data export is downloaded, then deleted


def cutoff(now, months):
    """The instant before which data kept ``months`` months has expired;
    ``None`` when the policy keeps it forever (0 or empty)."""
    if not months or months <= 0:
        return None
    return now - relativedelta(months=months)


def cutoffs(now, policy):
    """``{kind: cutoff}`` for a policy ``{kind: months}``; missing kinds use
    the defaults."""
    return {
        kind: cutoff(now, policy.get(kind, default))
        for kind, default in DEFAULT_MONTHS.items()
    }


def chunks(ids, size=BATCH_SIZE):
    """``ids`` in lists of at most ``size``."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return value


def plain_rows(rows):
    """Rows (dicts) with JSON-friendly values."""
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def to_csv(rows):
    """One CSV text for rows of dicts; columns are the union of the keys in
    the order first seen."""
    columns = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {key: "" if row.get(key) is None else row.get(key) for key in columns}
        )
    return buffer.getvalue()


def export_zip(subject, sections, generated_at):
    """A zip holding ``data.json`` (every section) and one CSV per non-empty
    section: what is kept about ``subject``."""
    sections = {name: plain_rows(rows) for name, rows in sections.items()}
    document = {
        "subject": subject,
        "generated_at": _plain(generated_at),
        "sections": sections,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        for name, rows in sections.items():
            if rows:
                archive.writestr(f"{name}.csv", to_csv(rows))
    return buffer.getvalue()
