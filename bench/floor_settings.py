"""Settings of the floors (bench/floor.py): an otherwise empty Django project with DRF, on the
service's database with the service's connection settings."""

import environ

SECRET_KEY = "bench-floor-only"  # noqa: S105 - serves the floors on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor"
INSTALLED_APPS = ["rest_framework", "bench"]
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {"default": environ.Env().db("DATABASE_URL")}
# As the service's: persistent connections (pricing_site/settings.py).
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
