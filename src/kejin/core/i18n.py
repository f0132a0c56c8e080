"""Translations: gettext catalogs (Babel .po files under `kejin/locale`) compiled in memory.

English message ids are the source language; `zh_CN` and `en` catalogs ship with the package.
Compiling at load time means an installed or editable checkout needs no build step.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("zh_CN", "en")

# Callables whose arguments are message ids, for extraction (scripts/update-catalogs and the
# catalog-completeness test): gettext aliases, `translate(locale, msgid)`, `FieldProblem(field,
# reason)` and every error class, whose first argument is the English message.
MESSAGE_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "translate": (2,),
    "FieldProblem": (2,),
    "KejinError": None,
    "InvalidInput": None,
    "NotFound": None,
    "Conflict": None,
    "PreconditionFailed": None,
    "PermissionDenied": None,
    "InvalidCreditCode": None,
    "EnterpriseNotFound": None,
    "FinancialsNotShared": None,
    "InvalidDocument": None,
    "DocumentConflict": None,
    "InvalidSearch": None,
    "InvalidTopic": None,
    "TopicExists": None,
    "TopicNotFound": None,
    "TopicChanged": None,
    "PreconditionRequired": None,
    "DocumentNotFound": None,
    "NotSignedIn": None,
    "InvalidCredentials": None,
    "TooManyAttempts": None,
    "InvalidInvitation": None,
    "CsrfRefused": None,
    "LengthRequired": None,
    "PayloadTooLarge": None,
    "UnsupportedMediaType": None,
    "AccessRefused": None,
    "GrantNotFound": None,
    "InstitutionNotFound": None,
    "CellError": None,
    "InvalidFeedFile": None,
    "RuleSetNotInForce": None,
    "InvalidRuleSet": None,
    "InvalidEffortModel": None,
    "NoAssessmentRun": None,
    "NeedNotFound": None,
    "NotYourNeed": None,
    "NotEligibleProvider": None,
    "AlreadyPickedUp": None,
    "NeedChanged": None,
    "UnreadableData": None,
    "UnknownTable": None,
    "TooFewForFolds": None,
    "ChallengerUnavailable": None,
    "TargetNotBinary": None,
    "MissingFeature": None,
    "NoPredictiveFeature": None,
    "UnknownArtefact": None,
    "NoModelInService": None,
    "EmptyPopulation": None,
    "MonitoringRunNotFound": None,
    "ProductNotInForce": None,
    "EmptyCatalogue": None,
    "NoMatchRun": None,
    "PolicyNotInRun": None,
}
DEFAULT_LOCALE = "zh_CN"


@cache
def translations(locale: str) -> Translations:
    """The compiled catalog for `locale` (one of `LOCALES`)."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    po = resources.files("kejin") / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message id for extraction where it is defined; it is translated when displayed."""
    return message


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """Pick a locale: an explicit choice (cookie/query) wins, then the browser's header."""
    if preferred in LOCALES:
        return preferred
    for tag in _ranked_tags(accept_language or ""):
        lang = tag.lower().replace("_", "-")
        if lang.startswith("zh"):
            return "zh_CN"
        if lang.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def _ranked_tags(header: str) -> Iterable[str]:
    weighted = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def translate(locale: str, message: str, **params: object) -> str:
    """Translate an English message id and fill its `{placeholders}`."""
    text = translations(locale).gettext(message)
    return text.format(**params) if params else text
