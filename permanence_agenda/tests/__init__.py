from . import test_install
from . import test_slots
from . import test_availability
from . import test_booking
from . import test_concurrency
from . import test_ical
from . import test_portal
from . import test_booking_tour
