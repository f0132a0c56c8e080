"""Credit-model errors, all in the Kejin error family."""

from __future__ import annotations

from kejin.core.errors import InvalidInput, KejinError, NotFound


class UnreadableData(InvalidInput):
    """The training or scoring data cannot be read (unknown format, missing file)."""

    code = "unreadable-data"


class UnknownTable(InvalidInput):
    """The training table is not a plain identifier or is no table or view of the database."""

    code = "unknown-table"


class TargetNotBinary(InvalidInput):
    """The target column does not hold exactly two outcomes."""

    code = "target-not-binary"


class TooFewForFolds(InvalidInput):
    """Cross-validation asks for more folds than an outcome has rows to share among them."""

    code = "too-few-for-folds"


class MissingFeature(InvalidInput):
    """Data to score lacks a column the scorecard needs."""

    code = "missing-feature"


class NoPredictiveFeature(KejinError):
    """No feature reached the minimum information value: there is nothing to score with."""

    code = "no-predictive-feature"


class ChallengerUnavailable(KejinError):
    """The challenger's library (an optional dependency) is not installed."""

    code = "challenger-unavailable"


class UnknownArtefact(InvalidInput):
    """A model file is not a scorecard artefact of a format this version reads."""

    code = "unknown-artefact"


class NoModelInService(NotFound):
    """No scorecard has been put in service under the data directory's models folder."""

    code = "no-credit-model"


class EmptyPopulation(InvalidInput):
    """No enterprise of the registry existed on the monitoring day: nothing to compare."""

    code = "empty-population"


class MonitoringRunNotFound(NotFound):
    """No stored monitoring run has this id."""

    code = "monitoring-run-not-found"
