"""Jinja2 rendering: one environment per locale, with its gettext catalog and formatters.

Templates live in each package's `templates/` folder (`kejin.web` for the layout and error
page, `kejin.registry` for registry pages). Environments are built on first use and cached.
"""

from __future__ import annotations

import json
from functools import cache, partial
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kejin.core.i18n import translations
from kejin.web import formatting
from kejin.web.labels import label
from kejin.web.locale import locale_of

TEMPLATE_PACKAGES = (
    "kejin.web",
    "kejin.registry",
    "kejin.identity",
    "kejin.audit",
    "kejin.consent",
    "kejin.assessment",
    "kejin.credit",
    "kejin.products",
    "kejin.matching",
    "kejin.needs",
    "kejin.topics",
    "kejin.notifications",
    "kejin.coverage",
    "kejin.briefs",
    "kejin.search",
)


@cache
def environment(locale: str) -> Environment:
    """The template environment for `locale` (translations, filters and globals bound)."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader(package, "templates") for package in TEMPLATE_PACKAGES]),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=partial(formatting.number, locale),
        money=partial(formatting.money, locale),
        share=partial(formatting.share, locale),
        rate=partial(formatting.rate, locale),
        day=partial(formatting.day, locale),
        label=partial(label, locale),
        chart=chart_json,
    )
    env.globals.update(locale=locale, html_lang=locale.replace("_", "-"))
    return env


def chart_json(figure: dict[str, Any]) -> Markup:
    """A figure as JSON safe to embed in a `<script type="application/json">` element."""
    text = json.dumps(figure, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S704 - escaped above


def page_url(request: Request, **params: Any) -> str:
    """The current URL with some query parameters replaced (pagination, language toggle)."""
    return str(request.url.include_query_params(**params).replace(scheme="", netloc=""))


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render `template` in the request's locale."""
    env = environment(locale_of(request))
    html = env.get_template(template).render(request=request, page_url=page_url, **context)
    return HTMLResponse(html, status_code=status_code)
