from . import permanence_invoice_wizard
from . import permanence_privacy_wizard
from . import permanence_activity_report_wizard
