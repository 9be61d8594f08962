"""End to end: a PBX event pops the call on the operator's screen.

A real Odoo server; an operator logged in with a real websocket to Odoo's
bus, as the browser holds it; the PBX posts a signed ``ringing`` event to
the webhook. The operator's websocket must receive the pop-up notification
with the call, then its closing when the call is answered by someone else.
This is the path the in-process tests cannot cover, since Odoo's test
cursor does not send bus notifications.
"""

import hashlib
import hmac
import json
import time

import requests
import websocket

OPERATOR = "e2e_operator"


def signed_post(url, secret, event):
    body = json.dumps(event).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(
        f"{url}/permanence/voip/event",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Permanence-Signature": f"sha256={signature}",
        },
        timeout=10,
    )


def receive(ws, wanted_type, timeout):
    """The payload of the first bus notification of ``wanted_type``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ws.settimeout(max(0.1, deadline - time.time()))
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        for notification in json.loads(raw):
            message = notification.get("message", {})
            if message.get("type") == wanted_type:
                return message.get("payload")
    return None


def test_ringing_pops_on_the_operator_screen(odoo_db):
    process, url = odoo_db.start()
    try:
        call = odoo_db.rpc(url)
        fr = call("res.country", "search", [("code", "=", "FR")])[0]
        call("res.company", "write", [1], {"country_id": fr})
        group = call(
            "ir.model.data",
            "check_object_reference",
            "permanence_telephonique",
            "group_permanence_operator",
        )[1]
        user = call(
            "res.users",
            "create",
            {
                "name": "Opératrice E2E",
                "login": OPERATOR,
                "password": "e2e-Operator-1",
                "groups_id": [(4, group)],
                "permanence_presence": "available",
            },
        )
        company = call(
            "res.partner", "create", {"name": "Pop SARL", "is_company": True}
        )
        call(
            "permanence.client",
            "create",
            {
                "name": "Pop SARL",
                "code": "POP",
                "partner_id": company,
                "state": "active",
                "greeting_script": "Pop SARL, bonjour",
                "number_ids": [(0, 0, {"number": "01 42 42 42 42"})],
            },
        )
        pbx = call("permanence.voip.pbx", "create", {"name": "E2E", "code": "e2e"})
        secret = call("permanence.voip.pbx", "read", [pbx], ["secret"])[0]["secret"]

        # The operator's browser: a session, then the bus websocket.
        session = requests.Session()
        login = session.post(
            f"{url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": odoo_db.name,
                    "login": OPERATOR,
                    "password": "e2e-Operator-1",
                },
            },
            timeout=10,
        ).json()
        assert login["result"]["uid"] == user
        ws = websocket.create_connection(
            url.replace("http", "ws") + "/websocket?version=18.0-4",
            cookie=f"session_id={session.cookies['session_id']}",
            origin=url,
            timeout=10,
        )
        try:
            ws.send(
                json.dumps(
                    {"event_name": "subscribe", "data": {"channels": [], "last": 0}}
                )
            )
            time.sleep(0.5)  # let the subscription reach the bus
            sent = time.time()
            response = signed_post(
                url,
                secret,
                {
                    "pbx": "e2e",
                    "event": "ringing",
                    "call_id": "e2e-pop-1",
                    "from": "06 12 34 56 78",
                    "to": "+33 1 42 42 42 42",
                    "timestamp": "2026-03-02T10:00:00+01:00",
                },
            )
            assert response.status_code == 200, response.text
            answer = response.json()
            assert answer["client"]["name"] == "Pop SARL"
            assert answer["client"]["greeting"] == "Pop SARL, bonjour"
            ring = receive(ws, "permanence_voip/ring", timeout=10)
            popped_in = time.time() - sent
            assert ring is not None, "no pop-up reached the operator's websocket"
            assert ring["call_id"] == answer["call_id"]
            assert ring["client"] == "Pop SARL"
            assert popped_in < 5, popped_in

            response = signed_post(
                url,
                secret,
                {
                    "pbx": "e2e",
                    "event": "answered",
                    "call_id": "e2e-pop-1",
                    "operator": "admin",
                    "timestamp": "2026-03-02T10:00:04+01:00",
                },
            )
            assert response.status_code == 200, response.text
            closed = receive(ws, "permanence_voip/close", timeout=10)
            assert closed is not None, "the pop-up was not closed"
            assert closed["call_id"] == answer["call_id"]
        finally:
            ws.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
