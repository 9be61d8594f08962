# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Permanence téléphonique - VoIP",
    "summary": "Telephony events webhook, instant caller recognition, screen "
    "pop, click-to-dial and announced transfer",
    "version": "18.0.1.0.0",
    "category": "Services/Answering Service",
    "website": "https://github.com/permanence-telephonique/permanence",
    "author": "Permanence Téléphonique Contributors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["permanence_telephonique", "bus", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/permanence_voip_rules.xml",
        "data/permanence_wallboard_data.xml",
        "wizards/permanence_voip_cdr_import_views.xml",
        "views/permanence_voip_pbx_views.xml",
        "views/permanence_voip_event_views.xml",
        "views/permanence_call_views.xml",
        "views/permanence_message_views.xml",
        "views/res_users_views.xml",
        "views/permanence_wallboard_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/permanence_voip_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "permanence_voip/static/src/js/screen_pop.js",
            "permanence_voip/static/src/js/phone_field_dial.js",
            "permanence_voip/static/src/xml/phone_field_dial.xml",
            "permanence_voip/static/src/js/presence_systray.js",
            "permanence_voip/static/src/xml/presence_systray.xml",
            "permanence_voip/static/src/js/wallboard.js",
            "permanence_voip/static/src/xml/wallboard.xml",
            "permanence_voip/static/src/scss/wallboard.scss",
        ],
        "web.assets_tests": [
            "permanence_voip/static/src/js/tours/*.js",
        ],
    },
}
