"""One settings module, driven by environment variables, with local defaults that run.

Every variable can also come from a `.env` file at the project root (python-dotenv).
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-secret-key-change-me"
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Field encryption (LinkedIn passwords, session cookies, LLM keys). A Fernet key: 32 url-safe
# base64-encoded bytes. Checked at start-up so a bad key never means silent plaintext.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_celery_beat",
    "crm",
    "outreach",
    "qualifier",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.middleware.HtmxMessagesMiddleware",
    "crm.middleware.TeamMiddleware",
    "outreach.views.setup_onboarding.OnboardingGate",  # first login → the onboarding wizard
]

ROOT_URLCONF = "config.urls"

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
                "crm.context_processors.team",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def _database() -> dict:
    url = env("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            # SQLITE_PATH lets a test start Celery workers on the test database file.
            "NAME": Path(env("SQLITE_PATH")) if env("SQLITE_PATH") else DATA_DIR / "outreach.sqlite3",
            # A file, not :memory:, so Celery workers and dbt started by tests see the test data.
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"),
            },
        }
    scheme = urlparse(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite:// (got scheme {scheme!r}).")
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (expected postgres://user@host/dbname).")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    # The embedded default: no Redis needed on one machine (~0.1 s latency).
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or f"file://{DATA_DIR / 'celery-results'}"
else:
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = False
# Engine: browser tasks go to the account's own queue (one solo worker each), LLM and qualifier
# work to theirs, so a slow fit or LLM never blocks a browser. An unacknowledged task (its
# worker died) is redelivered after the visibility timeout; claims make the rerun idempotent.
CELERY_TASK_ROUTES = ("outreach.engine.routing.route_task",)
CELERY_VISIBILITY_TIMEOUT = int(env_float("CELERY_VISIBILITY_TIMEOUT", 900))
if not CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
ENGINE_TICK_SECONDS = env_float("ENGINE_TICK_SECONDS", 15)  # beat: how often accounts are looked at
ENGINE_MEAN_GAP_SECONDS = env_float("ENGINE_MEAN_GAP_SECONDS", 30)  # Poisson gaps between account ticks
ENGINE_ACCOUNT_LEASE_SECONDS = env_float("ENGINE_ACCOUNT_LEASE_SECONDS", 600)  # a tick's hold on its account
ENGINE_ENRICH_PER_TICK = int(env_float("ENGINE_ENRICH_PER_TICK", 5))
ENGINE_ENRICH_MIN_INTERVAL = env_float("ENGINE_ENRICH_MIN_INTERVAL", 1.0)  # seconds between profile scrapes
ENGINE_QUALIFY_PER_TICK = int(env_float("ENGINE_QUALIFY_PER_TICK", 20))
ENGINE_SUPERVISOR_INTERVAL = env_float("ENGINE_SUPERVISOR_INTERVAL", 10)  # run_browser_workers reconcile period
ENGINE_LLM_RETRY_SECONDS = env_float("ENGINE_LLM_RETRY_SECONDS", 300)  # re-ask a failed LLM step (keywords, follow-up)

# --- LinkedIn and the browser ------------------------------------------------------------------
LINKEDIN_BASE_URL = env("LINKEDIN_BASE_URL", "https://www.linkedin.com").rstrip("/")
SANDBOX_BASE_URL = env("SANDBOX_BASE_URL", "http://127.0.0.1:8765").rstrip("/")
CHROMIUM_EXECUTABLE = env("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
BROWSER_HEADLESS = env_bool("BROWSER_HEADLESS", True)
BROWSER_IDLE_SECONDS = env_float("BROWSER_IDLE_SECONDS", 600)
HUMAN_DELAY_MIN = env_float("HUMAN_DELAY_MIN", 5.0)
HUMAN_DELAY_MAX = env_float("HUMAN_DELAY_MAX", 8.0)
TYPING_DELAY_MIN_MS = env_float("TYPING_DELAY_MIN_MS", 50)
TYPING_DELAY_MAX_MS = env_float("TYPING_DELAY_MAX_MS", 200)

# --- LLM ------------------------------------------------------------------------------------
LLM_API_KEY = env("LLM_API_KEY")
LLM_API_BASE = env("LLM_API_BASE")
AI_MODEL = env("AI_MODEL", "gpt-4o-mini")
LLM_TIMEOUT = env_float("LLM_TIMEOUT", 60)

# --- Qualifier ------------------------------------------------------------------------------
EMBEDDING_MODEL = env("EMBEDDING_MODEL", "packaged:all-MiniLM-L6-v2")
MODELS_DIR = DATA_DIR / "models"

# --- Analytics ------------------------------------------------------------------------------
ANALYTICS_DIR = BASE_DIR / "analytics"
ANALYTICS_DUCKDB_PATH = DATA_DIR / "analytics.duckdb"
ANALYTICS_BUILD_TIMEOUT = env_float("ANALYTICS_BUILD_TIMEOUT", 600)  # seconds before dbt is stopped
ANALYTICS_DEBOUNCE_SECONDS = env_float("ANALYTICS_DEBOUNCE_SECONDS", 120)  # rebuild at most this often after activity
# A LinkedIn action asks for a (debounced) rebuild; off in tests that do not test analytics.
ANALYTICS_REBUILD_AFTER_ACTIVITY = env_bool("ANALYTICS_REBUILD_AFTER_ACTIVITY", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("httpx", "httpcore", "openai", "urllib3", "langchain", "fastembed", "dbt", "asyncio")
    },
}
