from . import permanence_agenda
from . import permanence_agenda_busy
from . import permanence_appointment_type
from . import calendar_event
from . import calendar_attendee
from . import permanence_call
from . import permanence_interlocutor
from . import res_partner
