"""Search errors, all in the Kejin error family."""

from kejin.core.errors import InvalidInput


class InvalidSearch(InvalidInput):
    """A query, filter or page refused; `field` names the parameter."""
