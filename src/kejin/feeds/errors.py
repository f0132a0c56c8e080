"""Feed errors, all in the Kejin error family."""

from kejin.core.errors import InvalidInput


class InvalidFeedFile(InvalidInput):
    """A feed file that cannot be read as a whole (encoding, header); nothing is stored."""
