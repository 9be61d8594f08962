from . import permanence_appointment_booking
from . import permanence_appointment_booking_slot
