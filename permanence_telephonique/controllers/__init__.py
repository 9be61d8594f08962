from . import ack
from . import portal
from . import emergency_portal
