# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Permanence téléphonique",
    "summary": "Outsourced answering service: client accounts, call sheets, "
    "messages and the operator console",
    "version": "18.0.1.0.0",
    "category": "Services/Answering Service",
    "website": "https://github.com/permanence-telephonique/permanence",
    "author": "Permanence Téléphonique Contributors",
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": ["mail", "portal", "phone_validation", "resource"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/permanence_security.xml",
        "security/ir.model.access.csv",
        "security/portal/ir.model.access.csv",
        "security/permanence_rules.xml",
        "security/permanence_portal_rules.xml",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/permanence_client_views.xml",
        "views/permanence_client_number_views.xml",
        "views/permanence_interlocutor_views.xml",
        "views/permanence_call_reason_views.xml",
        "views/permanence_filter_rule_views.xml",
        "views/permanence_call_views.xml",
        "views/permanence_message_views.xml",
        "views/permanence_change_request_views.xml",
        "views/menus.xml",
        "views/portal_templates.xml",
        "views/permanence_transmission_views.xml",
        "views/acknowledge_templates.xml",
    ],
    "demo": [
        "demo/permanence_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "permanence_telephonique/static/src/js/tours/*.js",
        ],
    },
}
