"""URL map: the versioned API, its schema and docs, the admin, and health probes."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pricing_site import views

api_v1_patterns: list[URLPattern | URLResolver] = [
    path("ping", views.PingApi.as_view(), name="ping"),
    path("", include("zipcodes.api.urls")),
    path("", include("indices.api.urls")),
    path("", include("strategies.api.urls")),
    path("", include("mlmodels.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_v1_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Anything else under /api/ answers the JSON 404, never an HTML page.
    re_path(r"^api/", views.api_not_found),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]

handler400 = views.handle_bad_request
handler500 = views.handle_server_error

admin.site.site_header = "pricing_site administration"
admin.site.site_title = "pricing_site"
admin.site.index_title = "Pricing tables, models and indices"
