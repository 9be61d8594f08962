# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading

from odoo.tests import tagged

from odoo.addons.bus.models.bus import dispatch
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.addons.permanence_telephonique.tests.ui_common import FrenchHttpCase

from .common import SUPERVISOR, VoipCase

BOARD_START = "/odoo/action-permanence_telephonique.action_permanence_call"


class BusRelay:
    """What PostgreSQL's NOTIFY does on a real server: wake the open
    websockets so that they send the new bus messages. Odoo's test cursor
    drops the post-commit hook that would NOTIFY; this thread stands in for
    it (the board itself still only listens to the bus)."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.wait(0.2):
            websockets = set()
            for sockets in list(dispatch._channels_to_ws.values()):
                websockets.update(sockets)
            for websocket in websockets:
                websocket.trigger_notification_dispatching()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


@tagged("post_install", "-at_install")
class TestWallboardTour(VoipCase, FrenchHttpCase, WebsocketCase):
    """Nadia, supervisor, watches the live wallboard while the PBX rings a
    call, an operator answers it and the caller hangs up. Odoo refuses
    websockets under tests unless the test opens them (WebsocketCase): the
    browser's bus connects as on a real server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nadia = cls.french_user("wb_nadia", SUPERVISOR, name="Nadia Superviseure")
        cls.operator.permanence_presence = "available"
        cls.allowed_operator.permanence_presence = "pause"

    def test_board_follows_the_pbx_events_without_reload(self):
        with BusRelay():
            self.start_tour(BOARD_START, "permanence_voip_wallboard", login="wb_nadia")
        call = self.calls("wb-tour-1")
        self.assertTrue(call.date_hangup, "the caller hung up")
        self.assertEqual(call.user_id, self.operator)
        self.assertTrue(call.answered_in_target)
