"""Topic errors, all in the Kejin error family."""

from kejin.core.errors import Conflict, InvalidInput, NotFound


class InvalidTopic(InvalidInput):
    """A topic's name, slug, query or filters refused; `field` names which."""


class TopicExists(Conflict):
    """Another topic already has this slug."""


class TopicNotFound(NotFound):
    """No topic has this slug."""
