# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supervisors' live wallboard: what the board shows, read in a few
queries as the supervisor, and the bus messages that keep it live.

Pushes (bus type ``permanence_voip/wallboard``) are built once per event and
sent to the supervisors of the company the event belongs to: one search of
the recipients, and the bus rows are inserted together at commit, whatever
the number of supervisors. Supervisors see every client account of their
companies (record rules ``rule_permanence_*_supervisor``), confidential ones
included; still, a push about a confidential client's call carries no
detail (only its id and the fact that it changed): each board then reads
its calls again as its own user, so the record rules decide what it shows.
No push carries the caller's identity (name, number): the board does not
show it.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.permanence_telephonique.tools.access import SUPERVISOR, check_rights

OPERATOR_GROUP = "permanence_telephonique.group_permanence_operator"
SUPERVISOR_GROUP = "permanence_telephonique.group_permanence_supervisor"
BUS_TYPE = "permanence_voip/wallboard"
# A call still "ringing" or "in progress" after this long was never closed by
# the PBX: not live any more.
LIVE_HOURS = 12
# Service level of the last minutes under this share turns the tile red.
SERVICE_LEVEL_MINUTES = 30
SERVICE_LEVEL_FLOOR = 80.0
MESSAGE_URGENCIES = ("urgent", "critical")
MESSAGE_LIMIT = 50
EMERGENCY_OPEN_STATES = ("running", "fallback")
CALL_FIELDS = [
    "client_id",
    "user_id",
    "state",
    "date_start",
    "date_answer",
    "date_hangup",
    "direction",
]
PARTS = ("calls", "operators", "figures", "emergencies", "messages")


class PermanenceWallboard(models.AbstractModel):
    _name = "permanence.wallboard"
    _description = "Live wallboard of the supervisors"

    # Reading the board ----------------------------------------------------

    @api.model
    def permanence_wallboard_data(self, parts=None):
        """What the board shows, read as the current user (record rules
        apply): ``parts`` among calls, operators, figures, emergencies,
        messages (all by default). Dates are UTC strings; the board computes
        the live waits and countdowns itself from ``server_time``."""
        check_rights(self.env["permanence.call"], "read", SUPERVISOR)
        if parts is not None and (
            not isinstance(parts, list | tuple)
            or not all(isinstance(part, str) for part in parts)
        ):
            raise UserError(_("The parts of the board to read must be a list."))
        parts = [part for part in (parts or PARTS) if part in PARTS]
        now = fields.Datetime.now()
        data = {
            "server_time": fields.Datetime.to_string(now),
            "labels": self._wallboard_labels(),
        }
        for part in parts:
            data[part] = getattr(self, f"_wallboard_{part}")(now)
        if "figures" in parts or "calls" in parts:
            data["clients"] = self._wallboard_clients(data)
        return data

    def _wallboard_labels(self):
        """The states' names in the user's language."""
        users = self.env["res.users"]._fields
        message = self.env["permanence.message"]._fields
        return {
            key: dict(field._description_selection(self.env))
            for key, field in (
                ("presence", users["permanence_presence"]),
                ("reason", users["permanence_pause_reason"]),
                ("urgency", message["urgency"]),
            )
        }

    def _wallboard_companies(self):
        return self.env.companies.ids

    def _wallboard_calls(self, now):
        Call = self.env["permanence.call"]
        rows = Call.search_read(
            [
                ("state", "in", ("ringing", "ongoing")),
                ("date_hangup", "=", False),
                ("company_id", "in", self._wallboard_companies()),
                ("date_start", ">=", now - timedelta(hours=LIVE_HOURS)),
            ],
            CALL_FIELDS,
            order="date_start, id",
        )
        return [self._wallboard_call_values(row) for row in rows]

    @api.model
    def _wallboard_call_values(self, row):
        return {
            "id": row["id"],
            "client_id": row["client_id"] and row["client_id"][0],
            "client": row["client_id"] and row["client_id"][1],
            "user_id": row["user_id"] and row["user_id"][0],
            "user": row["user_id"] and row["user_id"][1],
            "state": row["state"],
            # Ringing, or the caller still on the line (after the hang-up the
            # operator finishes the sheet: wrap-up, not a call in progress)
            "live": row["state"] in ("ringing", "ongoing") and not row["date_hangup"],
            "direction": row["direction"],
            "date_start": fields.Datetime.to_string(row["date_start"]),
            "date_answer": row["date_answer"]
            and fields.Datetime.to_string(row["date_answer"]),
        }

    def _wallboard_operators(self, now):
        rows = self.env["res.users"].search_read(
            [
                ("share", "=", False),
                ("groups_id", "in", self.env.ref(OPERATOR_GROUP).ids),
                ("company_ids", "in", self._wallboard_companies()),
            ],
            [
                "name",
                "permanence_presence",
                "permanence_presence_since",
                "permanence_pause_reason",
            ],
            order="name, id",
        )
        return [self._wallboard_operator_values(row) for row in rows]

    @api.model
    def _wallboard_operator_values(self, row):
        return {
            "id": row["id"],
            "name": row["name"],
            "state": row["permanence_presence"] or "offline",
            "since": row["permanence_presence_since"]
            and fields.Datetime.to_string(row["permanence_presence_since"]),
            "reason": row["permanence_pause_reason"] or False,
        }

    def _wallboard_day_start(self, now):
        """Midnight today in the user's time zone (the company's first
        client's zone would differ between clients: the board counts the
        supervisor's day), as naive UTC."""
        tz = pytz.timezone(self.env.user.tz or "Europe/Paris")
        local = pytz.utc.localize(now).astimezone(tz)
        midnight = tz.localize(datetime.combine(local.date(), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    def _wallboard_figures(self, now):
        """Today's figures per client and overall, and the service level of
        the last minutes per client: the shared SQL figures
        (``_permanence_figures``), three queries."""
        Call = self.env["permanence.call"]
        # The figures are SQL over stored columns the ORM does not know the
        # query reads: write what this transaction changed first.
        Call.flush_model()
        companies = [("company_id", "in", self._wallboard_companies())]
        today = companies + [("date_start", ">=", self._wallboard_day_start(now))]
        recent = companies + [
            ("date_start", ">=", now - timedelta(minutes=SERVICE_LEVEL_MINUTES))
        ]
        per_client = Call._permanence_figures(today, ["client_id"])
        (total,) = Call._permanence_figures(today).values()
        last = Call._permanence_figures(recent, ["client_id"])
        return {
            "total": total,
            "per_client": {
                str(client.id): values
                for (client,), values in per_client.items()
                if client
            },
            "recent_service_level": {
                str(client.id): values["service_level"]
                for (client,), values in last.items()
                if client
            },
            "day_start": fields.Datetime.to_string(self._wallboard_day_start(now)),
        }

    def _wallboard_clients(self, data):
        """Name, answer-time target and confidentiality of the clients the
        board shows (one read)."""
        ids = {call["client_id"] for call in data.get("calls", ()) if call["client_id"]}
        ids |= {int(key) for key in data.get("figures", {}).get("per_client", {})}
        clients = self.env["permanence.client"].search_read(
            [("id", "in", list(ids))],
            ["name", "service_target", "confidential"],
            order="name, id",
        )
        return {
            str(client["id"]): {
                "id": client["id"],
                "name": client["name"],
                "service_target": client["service_target"],
                "confidential": client["confidential"],
            }
            for client in clients
        }

    def _wallboard_emergencies(self, now):
        rows = self.env["permanence.emergency"].search_read(
            [
                ("state", "in", EMERGENCY_OPEN_STATES),
                ("company_id", "in", self._wallboard_companies()),
            ],
            ["name", "client_id", "state", "urgency", "due_at", "step_index"],
            order="due_at, id",
        )
        return [
            {
                "id": row["id"],
                "name": row["name"],
                "client": row["client_id"] and row["client_id"][1],
                "client_id": row["client_id"] and row["client_id"][0],
                "state": row["state"],
                "urgency": row["urgency"],
                "step": row["step_index"] + 1,
                "due_at": row["due_at"] and fields.Datetime.to_string(row["due_at"]),
                "overdue": bool(
                    row["state"] == "running" and row["due_at"] and row["due_at"] < now
                ),
            }
            for row in rows
        ]

    def _wallboard_messages(self, now):
        rows = self.env["permanence.message"].search_read(
            [
                ("state", "=", "sent"),
                ("urgency", "in", MESSAGE_URGENCIES),
                ("company_id", "in", self._wallboard_companies()),
            ],
            ["subject", "client_id", "urgency", "date_sent", "create_date"],
            order="date_sent, id",
            limit=MESSAGE_LIMIT,
        )
        return [
            {
                "id": row["id"],
                "subject": row["subject"],
                "client": row["client_id"] and row["client_id"][1],
                "urgency": row["urgency"],
                "date_sent": fields.Datetime.to_string(
                    row["date_sent"] or row["create_date"]
                ),
            }
            for row in rows
        ]

    # Pushing events -------------------------------------------------------

    @api.model
    def _wallboard_supervisors(self, companies):
        """Internal supervisors (managers included) of ``companies``: one
        query."""
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("groups_id", "in", self.env.ref(SUPERVISOR_GROUP).ids),
                    ("company_ids", "in", companies.ids),
                ]
            )
        )

    @api.model
    def _wallboard_send(self, companies, payloads):
        """Send ``payloads`` (built once) to the supervisors of
        ``companies``. The bus inserts its rows together at commit."""
        self._wallboard_send_each([(companies, payload) for payload in payloads])

    @api.model
    def _wallboard_send_each(self, messages):
        """Send each ``(companies, payload)`` of ``messages`` to the
        supervisors of those companies only: one search of the supervisors
        of them all (their companies read together), whatever the number of
        messages and supervisors."""
        messages = [
            (companies, payload) for companies, payload in messages if companies
        ]
        if not messages:
            return
        everyone = self.env["res.company"].union(*(c for c, _p in messages))
        supervisors = self._wallboard_supervisors(everyone)
        for companies, payload in messages:
            for user in supervisors:
                if user.company_ids & companies:
                    user._bus_send(BUS_TYPE, payload)

    @api.model
    def _wallboard_push_calls(self, calls):
        """A call rang, was answered, hung up or closed: one message per
        call to the supervisors of its company (its details unless its
        client is confidential)."""
        calls = calls.sudo()
        if not calls:
            return
        rows = calls.read(CALL_FIELDS)
        confidential = set(calls.client_id.filtered("confidential").ids)
        messages = []
        for call, row in zip(calls, rows, strict=True):
            values = self._wallboard_call_values(row)
            if values["client_id"] in confidential:
                payload = {"kind": "call", "id": call.id, "confidential": True}
            else:
                payload = {"kind": "call", "call": values}
            messages.append((call.company_id, payload))
        self._wallboard_send_each(messages)

    @api.model
    def _wallboard_push_operators(self, users):
        """Operators changed state: one message each to the supervisors of
        their own companies."""
        users = users.sudo().filtered(lambda u: not u.share)
        if not users:
            return
        rows = users.read(
            [
                "name",
                "permanence_presence",
                "permanence_presence_since",
                "permanence_pause_reason",
            ]
        )
        self._wallboard_send_each(
            (
                user.company_ids,
                {"kind": "operator", "operator": self._wallboard_operator_values(row)},
            )
            for user, row in zip(users, rows, strict=True)
        )

    @api.model
    def _wallboard_push_part(self, companies, part):
        """Something of ``part`` (emergencies, messages) changed: the boards
        read that part again as their user."""
        self._wallboard_send(companies, [{"kind": "refresh", "parts": [part]}])

    @api.model
    def _wallboard_push_alert(self, alert):
        """A threshold was crossed: a notification on the supervisors'
        screens (wallboard open or not) and the board's flags refreshed."""
        supervisors = self._wallboard_supervisors(alert.company_id)
        for user in supervisors:
            user._bus_send(
                "simple_notification",
                {
                    "type": "danger",
                    "title": _("Live wallboard"),
                    "message": alert.name,
                    "sticky": False,
                },
            )
            user._bus_send(
                BUS_TYPE,
                {
                    "kind": "alert",
                    "alert": {"id": alert.id, "kind": alert.kind},
                    "parts": ["figures", "emergencies"],
                },
            )
