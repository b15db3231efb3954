"""URL map: the versioned API, its schema and docs, the admin, and health probes."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pricing_site import views

# Django tries these in turn. An include under "" that does not hold the path costs a few
# microseconds per pattern it holds (each miss is recorded for the 404 page), one under its own
# prefix almost nothing: apps with one prefix include under it, and the models' routes come before
# the quotes', as a prediction is the cheaper request (`python -m bench`, README "Performance").
api_v1_patterns: list[URLPattern | URLResolver] = [
    path("ping", views.PingApi.as_view(), name="ping"),
    path("zipcodes/", include("zipcodes.api.urls")),
    path("indices/", include("indices.api.urls")),
    path("", include("mlmodels.api.urls")),
    path("", include("strategies.api.urls")),
    path("", include("tariffs.api.urls")),
]

# Swagger UI adds <style> elements of its own as it renders: the one page allowed them.
SWAGGER_CSP: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

urlpatterns = [
    path("api/v1/", include((api_v1_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        csp_override(SWAGGER_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="docs",
    ),
    # Anything else under /api/ answers the JSON 404, never an HTML page.
    re_path(r"^api/", views.api_not_found),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/", include("tariffs.urls")),  # the tariff's models' former admin addresses
    path("admin/", admin.site.urls),
    # The admin's language switch posts here (the choice is kept in the session and a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = views.handle_bad_request
handler500 = views.handle_server_error

admin.site.site_header = gettext_lazy("Motor insurance pricing")
admin.site.site_title = gettext_lazy("Motor insurance pricing")
admin.site.index_title = gettext_lazy("Pricing tables, models and indices")
# Lists get the whole width of a 1366 px office screen; the breadcrumbs and the home page lead
# to every table.
admin.site.enable_nav_sidebar = False
# "View site" opens what this site offers outside the admin: the API and its documentation.
admin.site.site_url = "/api/docs/"
