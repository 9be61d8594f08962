# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """Smoke test of the skeleton: it installs with its dependencies."""

    def _module(self, name):
        return self.env["ir.module.module"].search([("name", "=", name)])

    def test_module_installed(self):
        module = self._module("permanence_agenda")
        self.assertEqual(len(module), 1)
        self.assertEqual(module.state, "installed")
        self.assertFalse(module.application)

    def test_dependencies_installed(self):
        module = self._module("permanence_agenda")
        self.assertCountEqual(
            module.dependencies_id.mapped("name"),
            ("permanence_telephonique", "calendar"),
        )
        for name in ("permanence_telephonique", "calendar"):
            self.assertEqual(self._module(name).state, "installed", name)
