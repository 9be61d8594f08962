from . import ack
