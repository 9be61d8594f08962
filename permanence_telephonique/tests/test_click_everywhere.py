import logging
import time

from odoo.tests import tagged

from .ui_common import APP_MENU, MANAGER, OPERATOR, SUPERVISOR, FrenchHttpCase

_logger = logging.getLogger(__name__)

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    f".startClickEverywhere('{APP_MENU}');"
)
CLICK_NEW = f"window.permanenceClickNew('{APP_MENU}');"


@tagged("post_install", "-at_install")
class TestClickEverywhere(FrenchHttpCase):
    """Odoo's own "click everywhere" bot over the Permanence app (every
    menu, every view type, every filter), then *Nouveau* on every menu, as
    operator, supervisor and manager, in French: no error anywhere. Runs
    after all our addons are installed, so it covers their menus too."""

    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "operator": cls.french_user("pt_click_operator", OPERATOR),
            "supervisor": cls.french_user("pt_click_supervisor", SUPERVISOR),
            "manager": cls.french_user(
                "pt_click_manager", f"{MANAGER},account.group_account_manager"
            ),
        }

    def click_everywhere(self, role):
        login = self.users[role].login
        start = time.time()
        self.browser_js(
            "/odoo",
            CLICKBOT,
            "odoo.isReady === true",
            login=login,
            timeout=900,
            success_signal="clickbot test succeeded",
        )
        self.browser_js(
            "/odoo",
            CLICK_NEW,
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="permanence click new succeeded",
        )
        _logger.info("click everywhere as %s took %.1fs", role, time.time() - start)

    def test_click_everywhere_as_operator(self):
        self.click_everywhere("operator")

    def test_click_everywhere_as_supervisor(self):
        self.click_everywhere("supervisor")

    def test_click_everywhere_as_manager(self):
        self.click_everywhere("manager")
