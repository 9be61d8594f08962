from . import main
from . import session
