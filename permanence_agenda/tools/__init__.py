from . import slots
from . import ical
from . import vcard
