# shellcheck shell=bash
# Helpers shared by scripts/run and scripts/test. Sourced, never executed.
#
# Database connection: libpq's own environment variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD) apply to Odoo and to these helpers alike; unset, libpq
# uses the local socket and the current user's role.

PY=${PERMANENCE_PYTHON:-python3}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { echo "$SCRIPT: $*" >&2; }

# One line on stderr and exit 2 when Odoo 18.0 cannot be imported.
require_odoo() {
    local major
    if ! major=$("$PY" -c 'import odoo.release as r; print(r.version_info[0])' \
        2>/dev/null); then
        say "Odoo 18.0 is not importable by $PY — install Odoo 18.0 community" \
            "first (see README, Prerequisites)."
        exit 2
    fi
    if [ "$major" != 18 ]; then
        say "$PY imports Odoo $major, not Odoo 18.0 — install Odoo 18.0" \
            "community first (see README, Prerequisites)."
        exit 2
    fi
}

# Sets ODOO_CMD (array) and ODOO_ADDONS_PATH.
locate_odoo() {
    local info
    info=$("$PY" - "$REPO_ROOT" <<'PYEOF'
import os
import sys

import odoo
import odoo.addons

root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
paths = [sys.argv[1]]
# a source checkout keeps most addons in <root>/addons; odoo/addons (base,
# web, mail...) is always added by Odoo itself but listing it does no harm
for path in [os.path.join(root, "addons"), *odoo.addons.__path__]:
    if os.path.isdir(path) and path not in paths:
        paths.append(path)
bin_ = os.path.join(root, "odoo-bin")
sys.stdout.write((bin_ if os.path.isfile(bin_) else "") + "\n" + ",".join(paths))
PYEOF
    )
    local bin=${info%%$'\n'*}
    ODOO_ADDONS_PATH=${info#*$'\n'}
    if [ -n "$bin" ]; then
        ODOO_CMD=("$PY" "$bin")
    else
        ODOO_CMD=("$PY" -m odoo)
    fi
}

# Installs the packages of the given requirements files, only if one is
# missing (checked by distribution name, which is fast).
ensure_requirements() {
    local missing
    missing=$("$PY" - "$@" <<'PYEOF'
import importlib.metadata as md
import re
import sys

missing = []
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            name = re.split(r"[\s<>=!~;\[@]", line, maxsplit=1)[0]
            pinned = re.search(r"==\s*([\w.]+)", line)
            try:
                version = md.version(name)
            except md.PackageNotFoundError:
                missing.append(name)
                continue
            if pinned and version != pinned[1]:
                missing.append(f"{name}=={pinned[1]}")
print(" ".join(missing))
PYEOF
    ) || return 1
    [ -z "$missing" ] && return 0
    say "installing missing Python packages: $missing"
    local args=() f
    for f in "$@"; do args+=(-r "$f"); done
    "$PY" -m pip install -q "${args[@]}" \
        || PIP_BREAK_SYSTEM_PACKAGES=1 "$PY" -m pip install -q "${args[@]}"
}

pg_ok() {
    "$PY" -c 'import psycopg2; psycopg2.connect(dbname="postgres", connect_timeout=3).close()' \
        2>/dev/null
}

# Starts the local PostgreSQL cluster (Debian's pg_ctlcluster) if nothing
# answers, and creates the current user's role if it is missing.
ensure_postgres() {
    pg_ok && return 0
    local isready_args=(-q -h "${PGHOST:-localhost}")
    [ -n "${PGPORT:-}" ] && isready_args+=(-p "$PGPORT")
    if command -v pg_isready >/dev/null && ! pg_isready "${isready_args[@]}" \
        && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        local version
        for version in /etc/postgresql/*/; do
            version=$(basename "$version")
            say "starting PostgreSQL $version"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        done
        local i
        for i in $(seq 30); do
            pg_isready "${isready_args[@]}" && break
            sleep 1
        done
    fi
    pg_ok && return 0
    if [ "$(id -u)" = 0 ] && [ -z "${PGUSER:-}" ] && command -v runuser >/dev/null \
        && runuser -u postgres -- psql -Atqc "select 1" postgres >/dev/null 2>&1; then
        say "creating the PostgreSQL role $(id -un)"
        runuser -u postgres -- createuser --superuser "$(id -un)" || true
    fi
    pg_ok && return 0
    say "PostgreSQL is not reachable (PGHOST=${PGHOST:-<socket>}," \
        "PGUSER=${PGUSER:-$(id -un)}) — start it or set PGHOST/PGUSER (see README)."
    exit 3
}

# Runs SQL on the maintenance database; prints one column of the result.
pg_query() {
    "$PY" - "$@" <<'PYEOF'
import sys

import psycopg2

conn = psycopg2.connect(dbname=sys.argv[2] if len(sys.argv) > 2 else "postgres")
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(sys.argv[1])
    if cr.description:
        for row in cr.fetchall():
            print(row[0])
conn.close()
PYEOF
}

drop_database() {
    "$PY" - "$1" <<'PYEOF'
import sys

import psycopg2
from psycopg2 import sql

conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(sys.argv[1])
        )
    )
conn.close()
PYEOF
}

now() { date +%s; }

# Creates database $1 as Odoo's database manager does for a firm in France
# (country, EUR, French language, then accounting with the French chart and
# VAT), with Odoo's demo data; further arguments go to Odoo's configuration.
create_french_database() {
    local db=$1
    shift
    "$PY" "$REPO_ROOT/scripts/create_db.py" "$db" --addons-path="$ODOO_ADDONS_PATH" "$@"
}

# The repository's installable addons, comma-separated (PERMANENCE_ADDONS
# overrides).
repo_addons() {
    if [ -n "${PERMANENCE_ADDONS:-}" ]; then
        echo "$PERMANENCE_ADDONS"
        return
    fi
    "$PY" - "$REPO_ROOT" <<'PYEOF'
import ast
import pathlib
import sys

names = []
for manifest in sorted(pathlib.Path(sys.argv[1]).glob("*/__manifest__.py")):
    if ast.literal_eval(manifest.read_text()).get("installable", True):
        names.append(manifest.parent.name)
print(",".join(names))
PYEOF
}
