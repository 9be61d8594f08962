import re

from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import NOW, AgendaCase

# The keys action_service.js (CTX_KEY_REGEX) keeps from the screen's context.
WEB_CLIENT_DROPS = re.compile(
    r"^(?:(?:default_|search_default_|show_).+|.+_view_ref|group_by|active_id"
    r"|active_ids|orderedBy)$"
)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestConsoleContext(AgendaCase):
    """The booking assistant run with exactly the context the web client
    gives it from the console: the console action's context, then
    ``active_model``/``active_id`` of the call added by the button, and no
    ``tracking_disable`` (the tests' default env hides tracking bugs)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.call = cls.new_call(
            cls.medical,
            caller_number_raw="06 11 22 33 44",
            caller_name="Marie Patiente",
            caller_email="marie@example.com",
        )

    def console_env(self, call, user=None):
        action = self.env.ref(
            "permanence_telephonique.action_permanence_call_console"
        )._get_action_dict()
        context = safe_eval(action.get("context") or "{}")
        context.update(
            lang="fr_FR",
            tz="Europe/Paris",
            active_model="permanence.call",
            active_id=call.id,
            active_ids=call.ids,
        )
        return self.env(user=user or self.allowed_operator, context=context)

    @staticmethod
    def returned_action_env(env, action):
        """The env the web client opens a button's returned action with
        (``doActionButton``): the screen's context minus its defaults and view
        references, then the caller's active record, then the action's own."""
        context = {
            key: value
            for key, value in env.context.items()
            if not WEB_CLIENT_DROPS.match(key)
        }
        context.update(
            active_model=env.context["active_model"],
            active_id=env.context["active_id"],
            active_ids=env.context["active_ids"],
        )
        context.update(action.get("context") or {})
        return env(context=context)

    def open_assistant(self, call):
        """Click the console button, then open the returned form."""
        env = self.console_env(call)
        action = call.with_env(env).action_book_appointment()
        env = self.returned_action_env(env, action)
        return env[action["res_model"]].browse(action["res_id"])

    def test_book_a_slot_with_the_console_context(self):
        wizard = self.open_assistant(self.call)
        with Form(wizard) as form:
            form.reason = "Renouvellement"
        wizard.slot_ids[0].action_book()
        event = self.call.appointment_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(event.booking_reason, "Renouvellement")
        self.assertEqual(self.call.outcome, "appointment")
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "permanence.call"), ("res_id", "=", self.call.id)]
            ),
            "no meeting activity pinned on the call by the console's context",
        )

    def test_book_the_typed_time_with_the_console_context(self):
        wizard = self.open_assistant(self.call)
        start = wizard.slot_ids[2].start
        with Form(wizard) as form:
            form.start = start
        wizard.action_book()
        self.assertEqual(self.call.appointment_ids.start, start)

    def test_move_and_cancel_with_the_console_context(self):
        wizard = self.open_assistant(self.call)
        wizard.slot_ids[0].action_book()
        event = self.call.appointment_ids
        callback = self.new_call(self.medical, caller_number_raw="0611223344")
        # A button on a row of the console's appointments: the row is the
        # active record, the button adds the call.
        env = self.console_env(callback)
        line = event.with_env(
            env(
                context=dict(
                    env.context,
                    permanence_call_id=callback.id,
                    active_model="calendar.event",
                    active_id=event.id,
                    active_ids=event.ids,
                )
            )
        )
        action = line.action_permanence_open_move()
        env = self.returned_action_env(line.env, action)
        mover = env[action["res_model"]].browse(action["res_id"])
        target = mover.slot_ids.filtered(lambda s: s.start != event.start)[0]
        target.action_book()
        self.assertEqual(event.start, target.start)
        self.assertEqual(callback.outcome, "appointment")
        line.action_permanence_cancel_from_call()
        self.assertEqual(event.booking_state, "cancelled")
