from . import signature
from . import events
from . import lookup
from . import ari
from . import cdr
from . import shifts
