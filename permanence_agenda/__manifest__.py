# Copyright 2026 Permanence Téléphonique Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Permanence téléphonique - Agenda",
    "summary": "Book appointments in the client companies' agendas during a call",
    "version": "18.0.1.0.0",
    "category": "Services/Answering Service",
    "website": "https://github.com/permanence-telephonique/permanence",
    "author": "Permanence Téléphonique Contributors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["permanence_telephonique", "calendar"],
    "external_dependencies": {"python": ["vobject", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/permanence_agenda_rules.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/permanence_agenda_views.xml",
        "views/permanence_appointment_type_views.xml",
        "views/calendar_event_views.xml",
        "views/permanence_call_views.xml",
        "views/permanence_interlocutor_views.xml",
        "views/permanence_appointment_booking_views.xml",
        "views/portal_templates.xml",
        "views/permanence_activity_report_templates.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/permanence_agenda_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "permanence_agenda/static/src/js/tours/*.js",
        ],
    },
}
