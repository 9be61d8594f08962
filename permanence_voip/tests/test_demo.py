# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
from pathlib import Path

from odoo.tests import HttpCase, tagged

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "demo-secret-change-me"


@tagged("post_install", "-at_install")
class TestDemoPbx(HttpCase):
    """The README's signed example works against the demo PBX: the plumber's
    main line rings, from a known customer of his."""

    def test_readme_example_against_demo(self):
        pbx = self.env.ref("permanence_voip.pbx_demo", raise_if_not_found=False)
        if not pbx:
            self.skipTest("installed without demo data")
        if README.exists():
            self.assertIn(f"SECRET={SECRET}", README.read_text())
        self.assertEqual(pbx.secret, SECRET)
        body = json.dumps(
            {
                "pbx": "demo",
                "event": "ringing",
                "call_id": "demo-readme-1",
                "from": "06 98 76 54 32",
                "to": "01 48 00 11 22",
                "timestamp": "2026-03-02T10:00:00+01:00",
            }
        ).encode()
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = self.url_open(
            "/permanence/voip/event",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Permanence-Signature": f"sha256={digest}",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["client"]["name"], "Plomberie Durand")
        self.assertEqual(answer["caller"]["name"], "Nathalie Perrin")

    def test_demo_operators_have_extensions(self):
        claire = self.env.ref(
            "permanence_telephonique.user_operator_claire", raise_if_not_found=False
        )
        if not self.env.ref("permanence_voip.pbx_demo", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        self.assertEqual(claire.permanence_extension, "101")
