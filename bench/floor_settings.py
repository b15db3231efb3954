"""Settings of the bare floor (bench/floor.py): an otherwise empty Django project with DRF."""

SECRET_KEY = "bench-floor-only"  # noqa: S105 - serves one constant answer on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor"
INSTALLED_APPS = ["rest_framework"]
MIDDLEWARE: list[str] = []
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
