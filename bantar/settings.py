"""Settings for the Kampung BANTAR portal. Everything that differs between machines
comes from environment variables; see README.md ("Konfigurasi")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY wajib diisi bila DEBUG mati. Set SECRET_KEY atau jalankan dengan DEBUG=1."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
# Deploy: a short key signs sessions and password-reset links weakly (check --deploy W009).
MIN_SECRET_KEY_LENGTH = 50
if not DEBUG and len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY terlalu pendek ({len(SECRET_KEY)} karakter): bila DEBUG mati, isi "
        f"SECRET_KEY dengan minimal {MIN_SECRET_KEY_LENGTH} karakter acak, misalnya hasil "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rt_registry",
    # Background documents (jobs, worker, PDF helper) used by assessments and awards.
    "documents",
    "assessments",
    "awards",
    # Issue 11: cycle dashboard, indicator analytics, public results, self-check.
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers and exposure (§8): CSP and Permissions-Policy on every response.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bantar.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "bantar.wsgi.application"

# The embedded default is a SQLite file in the project folder; production sets
# DATABASE_URL=postgres://...
# Deploy: production keeps a connection open per gunicorn worker for CONN_MAX_AGE seconds
# and checks it before reuse (a restarted PostgreSQL costs one retry, not a 500). Under
# DEBUG the default is 0: runserver opens a thread per request, so nothing would be reused.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web + worker) share the file: wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Writers take the lock when their transaction begins, so two tablets sending at once
    # wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
# Project corrections to Django's Indonesian messages (bantar/locale/id/).
LOCALE_PATHS = [BASE_DIR / "bantar" / "locale"]
USE_TZ = True
# Dots as thousand separators would also land in ids inside URLs; amounts use the
# |rupiah filter instead (rt_registry/templatetags/bantar.py).
USE_THOUSAND_SEPARATOR = False
# Day-first only: "05/03/2026" is 5 March, never May 3rd.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
FORMAT_MODULE_PATH = ["bantar.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# django-import-export (RT import/export: rt_registry/resources.py, admin_scope.py).
# The file waiting between preview and confirm is kept under MEDIA_ROOT, which every
# server process shares (the default is a temp file of the process that served the preview).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# Without these, anyone who reaches an admin page may import and export its model.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# The package's own formula escaping only drops a leading "=" (not +, -, @) and turns
# every number into text; resources escape instead (rt_registry.resources.FormulaEscapingMixin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Formats (.csv and .xlsx only) are set per admin: the setting wants classes, not paths.

# --- Spreadsheet import caps (rt_registry/spreadsheets.py: RT and proposal imports) ---
# A hostile or accidental file is refused before it costs memory or time. The city has
# about 1,650 RTs; a real RT list is far below every cap. Django's own defaults stay:
# uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) are streamed to a temporary file.
IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the uploaded file itself
IMPORT_MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # .xlsx: all zip members unpacked
IMPORT_MAX_COMPRESSION_RATIO = 100  # .xlsx: per member above 1 MB unpacked
IMPORT_MAX_ARCHIVE_MEMBERS = 100  # .xlsx: a workbook has about a dozen
IMPORT_MAX_ROWS = 5000  # data rows below the header
IMPORT_MAX_COLUMNS = 50
IMPORT_MAX_BLANK_ROWS = 50  # this many blank rows in a row end the reading
IMPORT_MAX_LINE_CHARS = 20000  # .csv: one row
# --- end of spreadsheet import caps ---

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Officers work a shift, not a week: sessions end after a working day.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the tablet page reads the token for its fetch() saves
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Deploy: monitors and load balancers probe /healthz over plain http; a redirect is no answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Client address behind the proxy, login and verification throttling (§4) ---
# How many reverse proxies of ours stand in front of Django, each appending the address it
# received from to X-Forwarded-For. 0: the client is REMOTE_ADDR and X-Forwarded-For is
# ignored; behind one nginx set 1. Read by one helper, rt_registry.throttling.client_ip,
# for django-axes and the /verifikasi/ throttle.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    TRUSTED_PROXY_COUNT = -1
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT harus bilangan bulat 0 atau lebih: jumlah reverse proxy di depan "
        "portal (0 tanpa proxy, 1 di belakang satu nginx)."
    )
# A cache every worker process shares (the /verifikasi/ throttle counts in it): a table in
# the database, created by the migration rt_registry 0006_shared_cache_table.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bantar_cache",
    }
}
# Login throttling: 5 failures per (username, address) lock that pair for 30 minutes, and
# 20 failures from one address across usernames lock that address. Axes holds one limit
# only, so the limit is a callable that adds the per-address check (see its module).
AXES_CLIENT_IP_CALLABLE = "rt_registry.throttling.client_ip"
LOGIN_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_FAILURE_LIMIT = "rt_registry.throttling.login_failure_limit"
# --- end §4 ---

# --- Headers and exposure (§8) ------------------------------------------------------------
# A strict Content-Security-Policy, enforced (not report-only) with DEBUG on and off: every
# script and stylesheet is a vendored static file, no page has inline <script>, <style> or
# style="" (admin and package templates that had them are overridden under templates/).
# data: images are Bootstrap's own (the SVG icons inside bootstrap.min.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # blob: the scoring sheet's photo thumbnails, read from the tablet's own store
        # (static/js/sheet-evidence.js, issue 8 §4).
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Powerful browser features are off on every page; the scoring sheet alone turns camera and
# geolocation on for itself (assessments.scoring_views.SCORING_SHEET_PERMISSIONS).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}
# --- end of headers and exposure -----------------------------------------------------------
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Background work (long PDFs): django-tasks with its database backend; the worker is
# `python manage.py bantar_worker`, started by `make run` and in CI.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Worker health (§2): seconds without a worker heartbeat before /healthz, the work
# panel and the progress page say the worker is not running (503 while jobs wait).
WORKER_SILENT_AFTER = int(os.environ.get("WORKER_SILENT_AFTER", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint's warnings (missing file, unsupported CSS) are worth seeing.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
    },
}

# Public address of the portal, printed under the QR codes of decrees and certificates.
# Deploy: a final decree can never be reprinted, so production refuses to guess it.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip()
if not PUBLIC_BASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PUBLIC_BASE_URL wajib diisi bila DEBUG mati: alamat ini dicetak pada kode QR "
            "SK dan piagam dan tidak dapat diubah lagi. Isi dengan alamat publik portal, "
            "misalnya PUBLIC_BASE_URL=https://bantar.jambikota.go.id"
        )
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"
elif not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"PUBLIC_BASE_URL tidak sah ({PUBLIC_BASE_URL!r}): harus alamat lengkap yang diawali "
        "https://, misalnya PUBLIC_BASE_URL=https://bantar.jambikota.go.id"
    )

# The address line of DPMPPA's letterhead (kop) on the Berita Acara.
DPMPPA_KOP_ADDRESS = os.environ.get("DPMPPA_KOP_ADDRESS", "Kota Jambi")

# --- Document identity (i9-sk; awards/identity.py) -----------------------------------
# DPMPPA_KOP_ADDRESS above is only the first default of Admin › Identitas dokumen.
# Finalising an SK is refused while the drawn placeholder emblems are in use; on by
# default outside DEBUG (tests switch it off in tests/conftest.py and on where tested).
BANTAR_REQUIRE_OFFICIAL_EMBLEMS = env_bool("BANTAR_REQUIRE_OFFICIAL_EMBLEMS", default=not DEBUG)
# --- end Document identity -----------------------------------------------------------

# --- Issue 9 §4 (office flow): public verification ---------------------------------------
# Whom a citizen asks when a code is not found (/verifikasi/<code>, 404 page); "\n" breaks lines.
DPMPPA_CONTACT = os.environ.get(
    "DPMPPA_CONTACT",
    "Datang ke kantor DPMPPA Kota Jambi pada hari dan jam kerja dengan membawa piagam atau SK "
    "yang ingin diperiksa, atau hubungi nomor layanan DPMPPA yang tercantum di laman resmi "
    "Pemerintah Kota Jambi.",
).replace("\\n", "\n")

# --- Backup and restore (django-dbbackup; README "Backup and restore") ---------------
# `make backup` = dbbackup + mediabackup into BACKUP_DIR; stored_files checks the PDFs.
INSTALLED_APPS += ["dbbackup", "stored_files"]
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BACKUP_DIR)},
}
# SQLite restores through the online backup API (stored_files/sqlite_backup.py);
# PostgreSQL uses the package's pg_dump --format=custom / pg_restore --clean.
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "stored_files.sqlite_backup.SqliteOnlineConnector",
}
# `--clean` keeps the newest 30 of each (a month of daily backups).
DBBACKUP_CLEANUP_KEEP = 30
DBBACKUP_CLEANUP_KEEP_MEDIA = 30
DBBACKUP_SEND_EMAIL = False  # failures show in the systemd journal / cron mail instead
# dbbackup prints through its own handler; without this every line shows twice.
LOGGING["loggers"]["dbbackup"] = {"propagate": False}
# --- end Backup and restore ---------------------------------------------------------

# --- Compressed HTML (issue 10, performance) -------------------------------------------
# The tablet sheet is ~45 KB of HTML over a mobile link; gzip makes it a few KB. BREACH:
# the sheet carries a CSRF token, and Django's GZipMiddleware (since 4.2) adds random
# bytes to every compressed response ("Heal the BREACH"), and Django masks the CSRF token
# anew on every response. It sits before every middleware that reads or writes the body.
# Static files are compressed ahead of time by whitenoise instead.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "django.middleware.gzip.GZipMiddleware",
)
# --- end of compressed HTML ------------------------------------------------------------
