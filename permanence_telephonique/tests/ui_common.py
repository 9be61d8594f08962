from odoo.tests import HttpCase, new_test_user

OPERATOR = "permanence_telephonique.group_permanence_operator"
SUPERVISOR = "permanence_telephonique.group_permanence_supervisor"
MANAGER = "permanence_telephonique.group_permanence_manager"
ACCOUNTANT = "account.group_account_invoice"
# Modules whose French strings our screens show.
FRENCH_MODULES = [
    "base",
    "web",
    "mail",
    "calendar",
    "account",
    "portal",
    "resource",
    "phone_validation",
    "permanence_telephonique",
    "permanence_agenda",
    "permanence_voip",
]
APP_MENU = "permanence_telephonique.menu_permanence_root"
# Browser checks a tour step can end on: nothing went wrong on screen.
NO_ERROR = "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))"


class FrenchHttpCase(HttpCase):
    """Browser tests with the interface in French, as our first users have
    it: French activated and its translations loaded for our addons and the
    Odoo modules their screens use; test users speak French, in Paris. A
    desktop screen, so that every menu section shows in the top bar."""

    browser_size = "1920x1080"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [("name", "in", FRENCH_MODULES), ("state", "=", "installed")]
        )._update_translations(["fr_FR"])

    @classmethod
    def french_user(cls, login, groups, **values):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            lang="fr_FR",
            tz="Europe/Paris",
            tour_enabled=False,
            **values,
        )
