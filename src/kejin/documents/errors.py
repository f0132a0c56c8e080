"""Document-library errors, all in the Kejin error family."""

from kejin.core.errors import Conflict, InvalidInput, NotFound


class InvalidDocument(InvalidInput):
    """A document or document file was refused; `problems` name each field (and row) and reason."""


class DocumentConflict(Conflict):
    """The external id is already taken by a document with different content."""


class DocumentNotFound(NotFound):
    """No stored document has this external id."""
