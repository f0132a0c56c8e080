"""Topic errors, all in the Kejin error family."""

from kejin.core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed


class InvalidTopic(InvalidInput):
    """A topic's name, slug, query or filters refused; `field` names which."""


class TopicExists(Conflict):
    """Another topic already has this slug."""


class TopicNotFound(NotFound):
    """No topic has this slug."""


class TopicChanged(PreconditionFailed):
    """The topic changed (edited or refreshed) since the editor read it: the edit is refused
    (412 on the API; the form answers 409 and asks to reload)."""

    code = "topic-changed"
