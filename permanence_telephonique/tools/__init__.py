from . import phone
from . import filtering
from . import messaging
from . import coverage
from . import oncall
from . import emergency
from . import retention
