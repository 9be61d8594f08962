from . import permanence_voip_pbx
from . import permanence_voip_event
from . import permanence_call
from . import permanence_message
from . import res_partner
from . import res_users
from . import permanence_retention
