from odoo.tests import Form, tagged

from .common import PermanenceCase

# Field types mail.tracking.value knows how to record (Odoo 18).
TRACKABLE = {
    "integer",
    "float",
    "char",
    "text",
    "datetime",
    "monetary",
    "date",
    "boolean",
    "selection",
    "many2one",
    "one2many",
    "many2many",
}
OUR_MODULES = ("permanence_telephonique", "permanence_agenda", "permanence_voip")


@tagged("post_install", "-at_install")
class TestTracking(PermanenceCase):
    """Tracking runs for real here (no ``tracking_disable``), as in the
    browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")

    def test_no_tracking_on_unsupported_field_types(self):
        bad = [
            f"{model_name}.{field.name} ({field.type})"
            for model_name in self.env.registry
            for field in self.env[model_name]._fields.values()
            if getattr(field, "tracking", None)
            and field.type not in TRACKABLE
            and getattr(field, "_module", None) in OUR_MODULES
        ]
        self.assertFalse(bad, "tracked fields of a type mail cannot track")

    def test_supervisor_edits_instructions_and_the_change_is_noted(self):
        env = self.env(user=self.supervisor, context={"lang": "fr_FR"})
        client = env["permanence.client"].browse(self.client.id)
        client.instructions = "<p>Ne jamais donner le portable du gérant.</p>"
        with Form(client) as form:
            form.instructions = (
                "<p>Ne jamais donner le portable du gérant.</p>"
                "<p>Fermé le lundi matin.</p>"
            )
        self.env.cr.precommit.run()  # tracking is written on commit
        self.assertIn("Fermé le lundi matin", client.instructions)
        note = client.message_ids[:1]
        self.assertIn("Fermé le lundi matin", note.body)
        self.assertIn("portable du gérant", note.body, "unchanged lines shown")
        self.assertEqual(note.author_id, self.supervisor.partner_id)

    def test_applying_a_change_request_keeps_an_audit(self):
        self.client.instructions = "<p>Anciennes consignes.</p>"
        change = self.env["permanence.change.request"].create(
            {
                "client_id": self.client.id,
                "kind": "instructions",
                "proposed_text": "Nouvelles consignes.",
            }
        )
        change.with_user(self.supervisor).with_context(
            tracking_disable=False
        ).action_apply()
        self.env.cr.precommit.run()  # tracking is written on commit
        self.assertIn("Nouvelles consignes", self.client.instructions)
        note = self.client.message_ids[:1]
        self.assertIn("Anciennes consignes", note.body)
        self.assertIn("Nouvelles consignes", note.body)
