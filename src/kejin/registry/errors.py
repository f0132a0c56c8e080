"""Registry errors, all in the Kejin error family."""

from kejin.core.errors import InvalidInput, NotFound, PermissionDenied


class InvalidCreditCode(InvalidInput):
    """A unified social credit code failed the format or check-character test."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message, problems=None, **params)
        self.field = "uscc"


class EnterpriseNotFound(NotFound):
    pass


class FinancialsNotShared(PermissionDenied):
    """A list filter or sort on financial data outside the enterprises that consented to show
    the reader their figures (stage, revenue); names the field."""

    code = "consent-required"
