"""One settings module, driven by the environment.

With no variables set it runs a local demo: SQLite, Celery tasks run in-process, email to the
console, DEBUG on. `DATABASE_URL` and `CELERY_BROKER_URL` switch to PostgreSQL and Redis;
`DJANGO_ENV=production` switches on production mode, which insists on a real secret key and host
list and passes `manage.py check --deploy`.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "partners.apps.PilotAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "common",
    "rest_framework",
    "drf_spectacular",
    "partners",
    "fidelity",
    "forums",
    "reports",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "partners.middleware.SecurityHeadersMiddleware",
    "partners.middleware.AuditDeniedMiddleware",
    "partners.middleware.TwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "partners.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once (the demo): write-ahead logging lets reads carry on during a
    # write, and a transaction takes the write lock at its start, waiting up to 20 s for it,
    # rather than failing with "database is locked" when it turns from reading to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Login throttling: five failures for one account from one address lock that account, from that
# address only, for 15 minutes; colleagues at the same address still sign in, and so does the
# person themself after resetting their password. Behind TRUSTED_PROXY_COUNT reverse proxies the
# address is read from X-Forwarded-For (partners.audit.client_ip, also used by the audit trail).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "partners.audit.axes_username"
AXES_CLIENT_IP_CALLABLE = "partners.audit.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# {{ date }} reads "20 October 2026" and {{ datetime }} "30 November 2026, 19:42", local time.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Cache: memory per process by default; CACHE_URL (e.g. redis://host:6379/1) shares it.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Rendered dashboard panels are cached under a key that changes with any saved return.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# Open data packs withhold counts from 1 to OPEN_DATA_THRESHOLD - 1 (docs/open-data.md).
OPEN_DATA_THRESHOLD = env.int("OPEN_DATA_THRESHOLD", default=5)

# The read-only JSON API (docs/api.md): personal bearer tokens only, so no session and no CSRF;
# pages of API_PAGE_SIZE rows; API_RATE calls per token (a minute, an hour...) kept in the cache.
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)
API_RATE = env.str("API_RATE", default="120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.api_tokens.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "partners.api_tokens.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["partners.api_tokens.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE},
    "DEFAULT_PAGINATION_CLASS": "common.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "partners.api_schema.ScopedAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Housing First QA API",
    "DESCRIPTION": "Read-only: the pilot's structure, returns, figures, forums and reports, "
    "as the token's person sees them. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema holds no data: anyone may read it, as the docs page does.
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status"; each set of choices gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ReturnStatusEnum": "fidelity.returns.models.ReturnStatus",
        "ImprovementActionStatusEnum": "fidelity.improvement.models.ActionStatus",
        "ForumActionStatusEnum": "forums.models.ActionStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
    },
}
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console by default; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) for real mail.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Housing First QA <qa@localhost>")

# Celery: with no broker, tasks run eagerly in-process (the demo); with one, a worker runs them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Security headers. The policy allows no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Request bodies: form fields up to 5 MB; a request with files up to 5 MB in all is held in
# memory, a larger one spooled to disk. Each upload form caps its own files and total with a
# clear message (fidelity.spreadsheets.forms: 2 MB a file, 20 files and 10 MB an import).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

DEMO_PASSWORD_DEFAULT = "housing-first-demo"  # noqa: S105 (demo data only)

# Panels the home page loads with htmx, each served by the app that owns the data; names that do
# not resolve are skipped.
HOME_PANELS = ["fidelity:home_panel", "forums:home_panel", "reports:home_panel"]

# Apps whose `demo.seed(pilot)` seed_demo calls, in dependency order.
DEMO_APPS = ["fidelity", "forums", "reports"]

# The base of the canonical URLs of FHIR exports (a framework's Questionnaire, whose returns'
# QuestionnaireResponses point to it): docs/exchange.md.
FHIR_BASE_URL = env.str("FHIR_BASE_URL", default="https://housing-first-fidelity.example/fhir")

# Reports
# Link in the "your report is ready" email; a report running with no heartbeat for this long
# (or queued and never started) is sent again by the sweep; builds retry with this back-off.
REPORTS_SITE_URL = env.str("REPORTS_SITE_URL", default="http://127.0.0.1:8000")
REPORTS_STALE_AFTER_MINUTES = env.int("REPORTS_STALE_AFTER_MINUTES", default=10)
REPORTS_RETRY_BACKOFF_SECONDS = env.int("REPORTS_RETRY_BACKOFF_SECONDS", default=30)
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=5)
# WeasyPrint logs every layout step at INFO, pikepdf its start-up; only their warnings matter.
LOGGING["loggers"].update(
    {logger: {"level": "WARNING"} for logger in ("weasyprint", "fontTools", "pikepdf")}
)

# Data protection: how many days each kind of record is kept before the nightly job
# (ops.tasks.apply_retention) deletes it. The privacy notice prints these (common.retention).
RETENTION_DAYS = {
    "security_events": env.int("RETENTION_SECURITY_EVENTS_DAYS", default=2 * 365),
    "reminders": env.int("RETENTION_REMINDERS_DAYS", default=2 * 365),
    "report_versions": env.int("RETENTION_REPORT_VERSIONS_DAYS", default=6 * 365),
    "history": env.int("RETENTION_HISTORY_DAYS", default=6 * 365),
    "sessions": env.int("RETENTION_SESSIONS_DAYS", default=0),
}

# Two-factor sign-in (partners.two_factor): required for administrators and pilot managers when
# on; on by default in production, off in the demo and tests unless set.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Housing First QA")

# Council sign-in (partners.oidc, docs/security.md): a council's OpenID Connect provider signs its
# staff in, matched by verified email to an account here that holds a role; none is created.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
# Whether a council sign-in stands in for this app's two-factor code (only if the council's
# provider itself insists on a second factor).
OIDC_COUNTS_AS_TWO_FACTOR = env.bool("OIDC_COUNTS_AS_TWO_FACTOR", default=False)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("partners.oidc.CouncilOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    OIDC_CREATE_USER = False
    OIDC_TIMEOUT = 10
