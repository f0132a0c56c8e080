"""Registry errors, all in the Kejin error family."""

from kejin.core.errors import InvalidInput, NotFound


class InvalidCreditCode(InvalidInput):
    """A unified social credit code failed the format or check-character test."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message, problems=None, **params)
        self.field = "uscc"


class EnterpriseNotFound(NotFound):
    pass
