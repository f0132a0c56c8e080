"""Coverage errors, all in the Kejin error family."""

from kejin.core.errors import NotFound


class NoMatchRun(NotFound):
    """No match run has been stored yet, so there is no coverage to show."""

    code = "no-match-run"


class PolicyNotInRun(NotFound):
    """The newest match run did not read a policy of that code."""

    code = "policy-not-in-run"
