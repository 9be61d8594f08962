"""Create an Odoo database for a French answering-service firm.

The company's country (France) and currency (EUR) are set before any addon
is installed, as Odoo's database manager does when one picks France; French
is activated with the installed modules' terms (without becoming the
default language of every new contact: each one takes the language of the
user who creates it, as in a database created in English); then
``account`` is installed, which brings the French chart of accounts and
taxes (``l10n_fr_account``: TVA 20 %) at once, so that our addons' demo
data finds them (a chart loads only at the end of the install that brings
it). Every addon installed afterwards loads its French terms.

Usage: create_db.py <database> [odoo options: --addons-path=... --data-dir=...]
The database gets Odoo's demo data.
"""

import sys

FRENCH = "fr_FR"


def main(argv):
    db_name = argv[1]

    import odoo
    from odoo.service import db as db_service

    odoo.tools.config.parse_config(argv[2:])
    # _initialize_db logs and swallows errors: check the result ourselves
    db_service.exp_create_database(
        db_name, True, None, user_password="admin", login="admin", country_code="FR"
    )
    registry = odoo.modules.registry.Registry(db_name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if env.ref("base.main_company").country_id.code != "FR":
            sys.exit(f"create_db.py: database {db_name} was not initialised")
        env["res.lang"]._activate_lang(FRENCH)
        modules = env["ir.module.module"].search([("state", "=", "installed")])
        modules._update_translations(FRENCH)
        account = env["ir.module.module"].search([("name", "=", "account")])
        account.button_immediate_install()
    registry = odoo.modules.registry.Registry(db_name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if env.ref("base.main_company").chart_template != "fr":
            sys.exit(f"create_db.py: no French chart of accounts in {db_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
