# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """Smoke test of the skeleton: it installs with its dependencies."""

    def _module(self, name):
        return self.env["ir.module.module"].search([("name", "=", name)])

    def test_module_installed(self):
        module = self._module("permanence_voip")
        self.assertEqual(len(module), 1)
        self.assertEqual(module.state, "installed")
        self.assertFalse(module.application)

    def test_dependencies_installed(self):
        module = self._module("permanence_voip")
        self.assertCountEqual(
            module.dependencies_id.mapped("name"),
            ("permanence_telephonique", "bus", "mail"),
        )
        for name in ("permanence_telephonique", "bus", "mail"):
            self.assertEqual(self._module(name).state, "installed", name)

    def test_french_translation(self):
        """The French translation loads and covers the operator's messages."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["permanence_voip"], ["fr_FR"], overwrite=True
        )
        pbx = self.env["permanence.voip.pbx"].with_context(lang="fr_FR")
        self.assertEqual(
            self.env["ir.model.fields"]
            .with_context(lang="fr_FR")
            ._get("res.users", "permanence_presence")
            .field_description,
            "Disponibilité",
        )
        self.assertEqual(
            pbx.env._("No telephony platform is set up for %s.", "X"),
            "Aucun standard téléphonique n'est configuré pour X.",
        )

    def test_one_call_per_telephony_id_held_by_the_database(self):
        """The webhook's lock serialises the events of a call; the unique
        constraint is the database's own guarantee behind it."""
        self.env.cr.execute(
            """
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'permanence_call'::regclass AND contype = 'u'
            """
        )
        self.assertIn(
            "UNIQUE (company_id, external_id)",
            [row[0] for row in self.env.cr.fetchall()],
        )
