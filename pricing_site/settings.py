"""Settings for every environment, driven by environment variables (README: Configuration).

Nothing set gives the embedded default for trying the service out: SQLite, a file cache every
local process shares, and jobs queued in files for the local worker `make run` starts (never run
inside the web process). Production sets DATABASE_URL, REDIS_URL and CELERY_BROKER_URL.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes .env.local (DEBUG on, a random secret key) so that every command of the README
# runs as written on a laptop; variables already set always win. Never in the image.
LOCAL_ENV_FILE = BASE_DIR / ".env.local"
if LOCAL_ENV_FILE.exists():
    env.read_env(str(LOCAL_ENV_FILE))
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG-only fallback

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, with a second factor for who approves prices (pricing_site/admin_site.py).
    "pricing_site.apps.PricingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # Its abstract key model and hashing; our ApiKey (pricing_site) is the table used.
    "rest_framework_api_key",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "indices",
    "zipcodes",
    "strategies",
    "mlmodels",
    # Above the four domain apps: it composes them into a premium (its admin extends theirs).
    "tariffs",
    "pricing_site",
]

MIDDLEWARE = [
    "pricing_site.middleware.RequestContextMiddleware",
    "pricing_site.middleware.HostCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the browser, or the one chosen in the admin (nl, fr, en).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pricing_site.urls"
CSRF_FAILURE_VIEW = "pricing_site.views.csrf_failure"
WSGI_APPLICATION = "pricing_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Data stores ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request fast (503 database_unavailable), not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=2)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded default's state shared between local processes: the cache and the job queue.
LOCAL_STATE_DIR = Path(env.str("PRICING_LOCAL_STATE_DIR", default=str(BASE_DIR / ".local")))
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("PRICING_CACHE_KEY_PREFIX", default="pricing")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis outage degrades to database reads instead of failing requests.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "pricing_site.cache"
else:
    # Shared by the server, the worker and every command, so that what one process changes
    # (a promotion, a zipcode load) reaches the others, as Redis does in production.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCAL_STATE_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if not CELERY_BROKER_URL:
    # Jobs wait in files for the local worker `make run` starts: training, zoning and fetching
    # never run inside a web request, so the demo stays responsive.
    queue = LOCAL_STATE_DIR / "queue"
    queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "store_processed": False,
    }
# Results are kept only for the tasks that need them (the chunks of an impact analysis, read
# by the task that aggregates them): in the broker's Redis, or in files beside the file queue.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
if not CELERY_RESULT_BACKEND:
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        CELERY_RESULT_BACKEND = CELERY_BROKER_URL
    else:
        results = LOCAL_STATE_DIR / "results"
        results.mkdir(parents=True, exist_ok=True)
        CELERY_RESULT_BACKEND = f"file://{results}"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=35 * 60)
CELERY_TIMEZONE = "Europe/Brussels"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Statbel publishes near the end of each month; a daily fetch picks it up the next morning.
    "health-index-refresh": {
        "task": "indices.tasks.health_index_refresh",
        "schedule": crontab(hour=7, minute=15),
    },
    # Quotes past their retention period keep no personal data (tariffs/services/privacy.py).
    "quotes-retention": {
        "task": "tariffs.tasks.quotes_retention_apply",
        "schedule": crontab(hour=3, minute=30),
    },
    # Batches past their keeping time are deleted; those whose workers vanished, failed.
    "pricing-batches-expire": {
        "task": "tariffs.tasks.pricing_batches_expire",
        "schedule": crontab(minute=20),
    },
    # A job whose worker machine vanished is never redelivered: fail it so it can be retried.
    "training-jobs-fail-stale": {
        "task": "mlmodels.tasks.training_jobs_fail_stale",
        "schedule": crontab(minute=0),
    },
}

# --- Auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en"
LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Belgian dates, clock and amounts whatever the language (pricing_site/formats).
FORMAT_MODULE_PATH = ["pricing_site.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Without collectstatic (development, tests) WhiteNoise serves straight from the apps' folders.
WHITENOISE_USE_FINDERS = env.bool("DJANGO_STATIC_USE_FINDERS", default=DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Staff logins: after PRICING_LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one
# address, logging in is refused (even with the right password) for the cool-off; each attempt
# is logged and listed in the admin (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("PRICING_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("PRICING_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pricing_site.views.login_locked_out"
# Behind N proxies, the client's address is the Nth from the right of X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env.int("PRICING_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# Whoever may approve or promote gives an authenticator app's code after the password (TOTP):
# on in production, off for `make run`'s demo.
PRICING_OTP_REQUIRED = env.bool("PRICING_OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "pricing_site"
# A staff session ends after this long without a request (each request starts it again).
SESSION_COOKIE_AGE = 60 * env.int("PRICING_SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
# Every page may load only our own scripts, styles and images (charts are data: PNGs); a
# template's own <style> carries the request's nonce; style attributes are allowed (they
# cannot run code).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # And the one inline handler of django-import-export's export page ("select all"), by its
    # hash: `onSelectToggleChange(event)`.
    "script-src": [
        CSP.SELF,
        CSP.UNSAFE_HASHES,
        "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
    ],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

PASSWORD_HASHERS = env.list(
    "DJANGO_PASSWORD_HASHERS",
    default=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
)

# --- Security (hardened whenever DEBUG is off) ------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers and container health checks probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is hard to undo (browsers ship the list): the operator opts in.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # not preloading is a decision, not a lapse
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- REST framework and OpenAPI ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pricing_site.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["pricing_site.permissions.ReadTokenWriteModelPermission"],
    "DEFAULT_RENDERER_CLASSES": ["pricing_site.renderers.JSONBodyRenderer"],
    "DEFAULT_PARSER_CLASSES": ["pricing_site.parsers.JSONBodyParser"],
    "DEFAULT_THROTTLE_CLASSES": ["pricing_site.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("PRICING_THROTTLE_RATE", default="6000/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pricing_site.exception_handler.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pricing_site API",
    "DESCRIPTION": (
        "Pricing backend of a Belgian motor-insurance broker: premium quotes, zipcode risk "
        "classes, the Belgian health index and claim predictions. Every error answers with the "
        "`Error` body: a stable `code`, a human `detail` and, for invalid input, `fields`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The contract is public, so the Swagger UI at /api/docs/ loads it without a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"tokenAuth": []}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pricing_site.openapi.add_common_error_responses",
        "pricing_site.openapi.add_enum_member_names",
        "pricing_site.openapi.forbid_nul_in_input_strings",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TariffChangeKindEnum": "tariffs.models.TariffChange.Kind",
        # Impact analyses and pricing batches go through the same states.
        "JobStateEnum": "tariffs.models.PricingBatch.State",
    },
    # Swagger UI from our own static files (drf-spectacular-sidecar), not from a CDN's @latest.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: one JSON line per event -----------------------------------------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"request_id": {"()": "pricing_site.logs.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The server writes one line per request: gunicorn's access log in the image, runserver's
        # django.server under `make run`. django.request would log every 4xx a second time.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.server": {"level": "INFO", "propagate": True},
        # django-axes logs each failed login and lockout (axes.handlers); not its start-up.
        "axes.apps": {"level": "WARNING", "propagate": True},
    },
}

# --- Project settings (PRICING_*) -------------------------------------------------------------
PRICING_REQUEST_ID_HEADER = "X-Request-ID"
# How often each process asks Redis for the cache generation and adds its clients' request counts
# (one round trip): a write elsewhere reaches this process that much later at most.
PRICING_CACHE_SYNC_INTERVAL_S = env.float("PRICING_CACHE_SYNC_INTERVAL_S", default=0.1)
PRICING_STATBEL_BASE_URL = env.str(
    "PRICING_STATBEL_BASE_URL", default="https://bestat.statbel.fgov.be/bestat/api/views"
)
# The English health-index view by base year (rolling window of recent months).
PRICING_STATBEL_VIEW_ID = env.str(
    "PRICING_STATBEL_VIEW_ID", default="48744f07-252a-4a42-bca3-a2d7cb31c2fd"
)
PRICING_STATBEL_TIMEOUT_S = env.float("PRICING_STATBEL_TIMEOUT_S", default=10.0)
PRICING_STATBEL_RETRIES = env.int("PRICING_STATBEL_RETRIES", default=3)
# Signs stored model artifacts; only artifacts signed with it are ever unpickled.
PRICING_ARTIFACT_SIGNING_KEY = env.str("PRICING_ARTIFACT_SIGNING_KEY", default=SECRET_KEY)
# /metrics: a bearer token; without one only DEBUG's loopback and private networks may read it.
PRICING_METRICS_TOKEN = env.str("PRICING_METRICS_TOKEN", default="")
# What the project is given beside it (real portfolio, Statbel samples): checks and benchmarks use
# it when present and skip without it.
PRICING_SHARED_DIR = env.path("PRICING_SHARED_DIR", default=BASE_DIR.parent / "shared")
# How far ahead a quote may be dated: tariffs and rules for later are not known yet.
PRICING_QUOTE_HORIZON_DAYS = env.int("PRICING_QUOTE_HORIZON_DAYS", default=366)
# Largest dataset accepted by the upload API.
PRICING_DATASET_MAX_BYTES = env.int("PRICING_DATASET_MAX_BYTES", default=50 * 1024 * 1024)
# Four eyes: whoever approves a price change (or promotes a model) is not its author. A deployment
# that has one pricing person may allow approving one's own draft; each such approval is marked
# in the tariff change log.
PRICING_SINGLE_PERSON_APPROVAL = env.bool("PRICING_SINGLE_PERSON_APPROVAL", default=False)
# How long a new API key is valid (a client may be given another lifetime when it is created).
PRICING_API_KEY_LIFETIME_DAYS = env.int("PRICING_API_KEY_LIFETIME_DAYS", default=365)
# Pricing batches (POST /api/v1/pricing-batches/): up to PRICING_BATCH_AT_ONCE policies are priced
# in the request, larger batches by the workers in chunks of PRICING_BATCH_CHUNK_POLICIES (a few
# seconds each). A client has at most PRICING_BATCH_CONCURRENT batches in progress; a batch and
# its results (personal data: ages, postcodes) are deleted PRICING_BATCH_KEPT_HOURS after it came.
PRICING_BATCH_AT_ONCE = env.int("PRICING_BATCH_AT_ONCE", default=1000)
PRICING_BATCH_CHUNK_POLICIES = env.int("PRICING_BATCH_CHUNK_POLICIES", default=20_000)
PRICING_BATCH_MAX_POLICIES = env.int("PRICING_BATCH_MAX_POLICIES", default=200_000)
PRICING_BATCH_MAX_BYTES = env.int("PRICING_BATCH_MAX_BYTES", default=50 * 1024 * 1024)
PRICING_BATCH_CONCURRENT = env.int("PRICING_BATCH_CONCURRENT", default=2)
PRICING_BATCH_KEPT_HOURS = env.int("PRICING_BATCH_KEPT_HOURS", default=7 * 24)
# How long a quote keeps the personal data it was priced with (then generalised, every night).
PRICING_QUOTE_RETENTION_MONTHS = env.int("PRICING_QUOTE_RETENTION_MONTHS", default=13)
