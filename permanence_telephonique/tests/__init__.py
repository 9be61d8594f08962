from . import test_tools
from . import test_client
from . import test_call
from . import test_message
from . import test_security
from . import test_console_tour
from . import test_transmission
from . import test_portal
