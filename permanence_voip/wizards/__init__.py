from . import permanence_voip_cdr_import
