from . import ack
from . import portal
