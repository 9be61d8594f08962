from . import ack
from . import portal
from . import emergency_portal
from . import billing_portal
from . import web
from . import report_portal
from . import service_portal
from . import availability_portal
