"""The application factory: `create_app(platform)` wires routers, errors, locale and assets.

Nothing here reads the environment or connects at import time; `kejin serve` calls
`bootstrap()` and passes the resulting `Platform` in.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import swagger_ui_bundle
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.responses import FileResponse, HTMLResponse, JSONResponse

from kejin import __version__
from kejin.assessment import api as assessment_api
from kejin.assessment import web as assessment_web
from kejin.audit import api as audit_api
from kejin.audit import web as audit_web
from kejin.bootstrap import Platform
from kejin.briefs import api as briefs_api
from kejin.briefs import web as briefs_web
from kejin.consent import api as consent_api
from kejin.consent import web as consent_web
from kejin.coverage import api as coverage_api
from kejin.coverage import web as coverage_web
from kejin.credit import api as credit_api
from kejin.credit import monitoring_web as credit_monitoring_web
from kejin.credit import web as credit_web
from kejin.documents import api as documents_api
from kejin.feeds import api as feeds_api
from kejin.identity import api as identity_api
from kejin.identity import web as identity_web
from kejin.matching import api as matching_api
from kejin.matching import web as matching_web
from kejin.needs import api as needs_api
from kejin.needs import web as needs_web
from kejin.notifications import api as notifications_api
from kejin.notifications import web as notifications_web
from kejin.products import api as products_api
from kejin.products import web as products_web
from kejin.registry import api as registry_api
from kejin.registry import web as registry_web
from kejin.search import api as search_api
from kejin.search import web as search_web
from kejin.topics import api as topics_api
from kejin.topics import web as topics_web
from kejin.web import auth, problems
from kejin.web.guards import RequestGuard
from kejin.web.locale import locale_middleware
from kejin.web.policy import public

PLOTLY_URL = "/static/vendor/plotly.min.js"
SWAGGER_URL = "/static/vendor/swagger-ui"
ASSET_MAX_AGE = 7 * 24 * 3600


def plotly_js_path() -> Path:
    """plotly.js as shipped inside the installed plotly wheel (no CDN)."""
    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def _operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids: the endpoint function's name."""
    return route.name


def create_app(platform: Platform) -> FastAPI:
    """A ready-to-serve application for `platform`."""
    app = FastAPI(
        title="Kejin",
        version=__version__,
        description="Technology-finance support system: enterprise registry API.",
        generate_unique_id_function=_operation_id,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.platform = platform
    auth.install(app)

    def upload_limits() -> dict[str, int]:
        return {documents_api.UPLOAD_PATH: platform.settings.document_max_bytes}

    app.add_middleware(RequestGuard, uploads=upload_limits)
    app.middleware("http")(locale_middleware)
    problems.install(app)
    plotly_js = plotly_js_path()

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(public)])
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get(PLOTLY_URL, include_in_schema=False, dependencies=[Depends(public)])
    def plotly_asset() -> FileResponse:
        headers = {"Cache-Control": f"public, max-age={ASSET_MAX_AGE}"}
        return FileResponse(plotly_js, media_type="text/javascript", headers=headers)

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(public)])
    def api_docs() -> HTMLResponse:
        """Swagger UI from the swagger-ui-bundle wheel, so the docs work offline."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Kejin API",
            swagger_js_url=f"{SWAGGER_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_URL}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_URL}/favicon-32x32.png",
        )

    swagger_assets = StaticFiles(directory=swagger_ui_bundle.swagger_ui_path)
    app.mount(SWAGGER_URL, swagger_assets, name="swagger")
    app.mount("/static", StaticFiles(packages=[("kejin.web", "static")]), name="static")
    app.include_router(registry_api.router)
    app.include_router(registry_web.router)
    app.include_router(identity_api.router)
    app.include_router(identity_web.router)
    app.include_router(audit_api.router)
    app.include_router(audit_web.router)
    app.include_router(consent_api.router)
    app.include_router(consent_web.router)
    app.include_router(feeds_api.router)
    app.include_router(documents_api.router)
    app.include_router(assessment_api.router)
    app.include_router(assessment_web.router)
    app.include_router(credit_api.router)
    app.include_router(credit_web.router)
    app.include_router(credit_monitoring_web.router)
    app.include_router(products_api.router)
    app.include_router(products_web.router)
    app.include_router(coverage_api.router)
    app.include_router(coverage_web.router)
    app.include_router(matching_api.router)
    app.include_router(matching_web.router)
    app.include_router(needs_api.router)
    app.include_router(needs_web.router)
    app.include_router(notifications_api.router)
    app.include_router(notifications_web.router)
    app.include_router(briefs_api.router)
    app.include_router(briefs_web.router)
    app.include_router(search_api.router)
    app.include_router(search_web.router)
    app.include_router(topics_api.router)
    app.include_router(topics_web.router)
    return app
