from . import permanence_invoice_wizard
