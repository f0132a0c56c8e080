"""Assessment errors, all in the Kejin error family."""

from kejin.core.errors import InvalidInput, NotFound


class RuleSetNotInForce(NotFound):
    """No version of a rule set is in force on the evaluation date."""

    code = "ruleset-not-in-force"


class InvalidRuleSet(InvalidInput):
    """A rule-set data file does not follow the rule-file format."""

    code = "invalid-ruleset"


class NoAssessmentRun(NotFound):
    """The registry has not been assessed yet, so there are no stored results to show."""

    code = "no-assessment-run"
