import ast

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import PermanenceCase

# Names a domain may use that are not fields of the edited record.
CONTEXT_NAMES = {
    "uid",
    "context",
    "allowed_company_ids",
    "current_company_id",
    "id",
    "active_id",
    "active_ids",
    "active_model",
    "parent",
    "True",
    "False",
    "None",
}


def domain_names(domain):
    """The free names a view domain reads."""
    if not isinstance(domain, str):
        return set()
    return {
        node.id
        for node in ast.walk(ast.parse(domain.strip()))
        if isinstance(node, ast.Name)
    } - CONTEXT_NAMES


@tagged("post_install", "-at_install")
class TestNewFormChoices(PermanenceCase):
    """Every *New* form of the Permanence menus, opened with its menu
    action's context, offers choices in each many2one the user can fill
    before anything else: the client account first of all (its domain must
    not read the record's own, still empty, company)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")

    def menu_actions(self):
        root = self.env.ref("permanence_telephonique.menu_permanence_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        return [
            action
            for action in menus.mapped("action")
            if action
            and action._name == "ir.actions.act_window"
            and "form" in (action.view_mode or "").split(",")
        ]

    def new_form(self, action, user):
        context = safe_eval(action.context or "{}", {"uid": user.id})
        context.update(lang="fr_FR", tz="Europe/Paris")
        model = self.env(user=user, context=context)[action.res_model]
        view = action.view_ids.filtered(lambda v: v.view_mode == "form").view_id
        if not view and action.view_id.type == "form":
            view = action.view_id
        return Form(model, view=view or None)

    def field_domain(self, form, name, info):
        nodes = form._view["tree"].xpath(
            f"//field[@name='{name}'][not(ancestor::field)]"
        )
        domain = next((n.get("domain") for n in nodes if n.get("domain")), None)
        return domain if domain is not None else info.get("domain") or []

    def test_new_forms_offer_their_choices(self):
        checked = set()
        for user in (self.supervisor, self.manager):
            for action in self.menu_actions():
                model = self.env(user=user)[action.res_model]
                if not model.has_access("create"):
                    continue
                form = self.new_form(action, user)
                values = form._get_all_values()
                for name, info in form._view["fields"].items():
                    if info.get("type") != "many2one":
                        continue
                    if form._get_modifier(name, "invisible") or form._get_modifier(
                        name, "readonly"
                    ):
                        continue
                    domain = self.field_domain(form, name, info)
                    if any(
                        not values.get(dep)
                        for dep in domain_names(domain) - {"company_id"}
                    ):
                        continue  # depends on another choice made first
                    comodel = self.env(user=user)[info["relation"]]
                    if not comodel.search_count([], limit=1):
                        continue
                    eval_context = {
                        **form._get_eval_context(),
                        "uid": user.id,
                        "allowed_company_ids": user.company_ids.ids,
                        "current_company_id": user.company_id.id,
                    }
                    if isinstance(domain, str):
                        domain = safe_eval(domain, eval_context)
                    checked.add((action.res_model, name))
                    with self.subTest(
                        user=user.login, model=action.res_model, field=name
                    ):
                        self.assertTrue(
                            comodel.name_search("", domain, limit=1),
                            f"New {action.res_model}: no choice offered in {name} "
                            f"(domain {domain})",
                        )
        self.assertIn(("permanence.subscription", "client_id"), checked)
        self.assertIn(("permanence.agenda", "client_id"), checked)
