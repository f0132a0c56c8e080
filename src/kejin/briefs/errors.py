"""Brief errors, all in the Kejin error family."""

from kejin.core.errors import NotFound


class NoSuchDocument(NotFound):
    """No stored document has the external id asked for."""

    code = "no-such-document"
