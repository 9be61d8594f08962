"""French ships complete: every term of our addons that Odoo would export
for translation (Python and JavaScript strings, views, fields, selections,
templates, data records) has a French translation in the addon's
``i18n/fr.po``, and the ``.pot`` holds every such term. Demo records are
written in French already and are left out."""

import ast
import os

import polib
from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS = ("permanence_telephonique", "permanence_agenda", "permanence_voip")


def _demo_xmlids(env, module):
    """The external ids of the records the module's demo files create,
    with those Odoo gives their ``_inherits`` parents (a demo
    ``product.product`` ``x`` also creates the ``product.template``
    ``x_product_template``)."""
    path = get_module_path(module)
    with open(os.path.join(path, "__manifest__.py"), encoding="utf-8") as manifest:
        demo_files = ast.literal_eval(manifest.read()).get("demo", [])
    xmlids = set()
    for name in demo_files:
        if not name.endswith(".xml"):
            continue
        tree = etree.parse(os.path.join(path, name))
        for node in tree.iterfind(".//record"):
            xmlid = node.get("id")
            xmlid = xmlid if "." in xmlid else f"{module}.{xmlid}"
            xmlids.add(xmlid)
            model = env.get(node.get("model"))
            for parent in model._inherits if model is not None else ():
                xmlids.add(f"{xmlid}_{parent.replace('.', '_')}")
    return xmlids


def _po_entries(module, filename):
    path = os.path.join(get_module_path(module), "i18n", filename)
    return {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(path)
        if not entry.obsolete and "fuzzy" not in entry.flags
    }


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    def _terms(self, modules):
        reader = TranslationModuleReader(self.env.cr, modules=list(modules))
        demo = set().union(*(_demo_xmlids(self.env, module) for module in modules))
        terms = {}
        for module, ttype, name, res_id, source, __, __ in reader:
            if module not in modules or (ttype == "model" and res_id in demo):
                continue
            terms.setdefault(module, {})[source] = f"{ttype} {name} {res_id}"
        return terms

    def test_every_term_is_translated_into_french(self):
        modules = [
            name
            for name in ADDONS
            if self.env["ir.module.module"]._get(name).state == "installed"
        ]
        problems = []
        for module, terms in self._terms(modules).items():
            template = _po_entries(module, f"{module}.pot")
            french = _po_entries(module, "fr.po")
            for source, where in sorted(terms.items()):
                if source not in template:
                    problems.append(f"{module}: not in the .pot ({where}): {source!r}")
                if not french.get(source):
                    problems.append(f"{module}: no French ({where}): {source!r}")
        self.assertFalse(
            problems,
            "Regenerate the .pot (odoo --i18n-export) and translate into fr.po:\n"
            + "\n".join(problems[:200]),
        )
