"""Settings of the portal, read from the environment.

Without any variable set, the portal runs on the embedded default used by `make run`: DEBUG on,
a SQLite file under `var/`, Celery tasks run eagerly, e-mails printed on the console. In
production every value comes from the environment (`DATABASE_URL`, `CELERY_BROKER_URL`,
`SECRET_KEY`, `DEBUG`, `ALLOWED_HOSTS`, `EMAIL_*`).
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CPER_VAR_DIR", BASE_DIR / "var"))


def env_bool(nom: str, defaut: bool = False) -> bool:
    valeur = os.environ.get(nom)
    if valeur is None or valeur == "":
        return defaut
    return valeur.strip().lower() in {"1", "true", "yes", "oui", "on"}


def env_list(nom: str, defaut: list[str]) -> list[str]:
    valeur = os.environ.get(nom)
    if not valeur:
        return defaut
    return [element.strip() for element in valeur.split(",") if element.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "insecure-dev-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "socle",
    "comptes",
    "axes",
    "projets",
    "financement",
    "gouvernance",
    "scenarios",
    "rapports",
    "reprise",
    "suivi",
    "territoires",
    "tableau_de_bord",
    "outillage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "socle.middleware.LimiteTailleRequeteMiddleware",
    # Which database this request reads from (socle.routeurs; inert without a replica).
    "socle.routeurs.LecturesMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor of staff logged in with a password (comptes.double_facteur).
    "django_otp.middleware.OTPMiddleware",
    "comptes.middleware.DoubleFacteurMiddleware",
    "socle.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A business-rule error escaping a page: a French page with its message and the API's status.
    "socle.middleware.RegleMetierMiddleware",
]

ROOT_URLCONF = "cper.urls"
WSGI_APPLICATION = "cper.wsgi.application"

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
                "socle.context_processors.portail",
                "scenarios.context_processors.menu",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# PostgreSQL in production and in tests; an embedded SQLite file for `make run` when no
# DATABASE_URL is given.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'cper.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Guard rails of the web process (craft P6): a runaway query or a lock wait ends with an error
# instead of holding a worker. Workers and scripts that need longer set the variables (in
# milliseconds; 0 = no limit).
# The planner's cost of a random page read is set for an SSD or a base held in memory (1.1
# instead of 4, a disk's): at 4 it reads every dossier rather than the text search's trigram
# index, four times slower at 20 000 dossiers (issue 14).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={int(os.environ.get('PG_STATEMENT_TIMEOUT', '10000'))}"
        f" -c lock_timeout={int(os.environ.get('PG_LOCK_TIMEOUT', '5000'))}"
        f" -c random_page_cost={float(os.environ.get('PG_RANDOM_PAGE_COST', '1.1'))}"
    )
# --- Several nodes (deploiement/README.md) -------------------------------------------------
# A streaming replica of PostgreSQL (`DATABASE_REPLICA_URL`): the read-only heavy pages (open
# data, exports, public pages, the bilan's figures) read from it, everything else from the
# primary; a user who has just written reads from the primary for `REPLIQUE_DELAI_APRES_ECRITURE`
# seconds, and a replica late by more than `REPLIQUE_RETARD_MAX` seconds, or down, is skipped.
# Without the variable everything runs on `default` (make run, the test suite).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": 2,
            "options": DATABASES["default"].get("OPTIONS", {}).get("options", ""),
        }
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["socle.routeurs.RouteurLectures"]
REPLIQUE_DELAI_APRES_ECRITURE = int(os.environ.get("REPLIQUE_DELAI_APRES_ECRITURE", "10"))
REPLIQUE_RETARD_MAX = float(os.environ.get("REPLIQUE_RETARD_MAX", "30"))
# Paths whose GET/HEAD may read from the replica: the start of the path ("/" alone means the
# home page only).
REPLIQUE_CHEMINS = env_list(
    "REPLIQUE_CHEMINS",
    [
        "/",
        "/donnees/",
        "/api/v1/donnees/",
        "/api/v1/exports/",
        "/programme/",
        "/financement/etat/",
        "/financement/maquette/",
    ],
)
# A cache shared by every node (`CACHE_URL`, Redis): sessions, API throttling counters, the
# replica's state. Without it each process keeps its own memory cache (one process only).
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": "cper",
            "TIMEOUT": 300,
        }
    }
    # Sessions read from the cache, written through to the database (they survive a flush).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

AUTH_USER_MODEL = "comptes.Utilisateur"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "tableau_de_bord"
LOGOUT_REDIRECT_URL = "accueil"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# --- Language and formats -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files and documents -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development static files are read from the apps; in production from `collectstatic`,
# which writes each file under a name carrying a hash of its content, with a gzip and a Brotli
# copy beside it: WhiteNoise then sends the compressed copy the browser accepts, with a
# one-year `Cache-Control: immutable` (a new content has a new name). `make run` (DEBUG) keeps
# the plain names and needs no `collectstatic`.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded documents live outside the web root and are served only through views that check
# who may see them.
MEDIA_ROOT = VAR_DIR / "documents"
# No URL serves MEDIA_ROOT (tests/securite/test_urls.py checks it); MEDIA_URL is a name only.
MEDIA_URL = "/documents-non-servis/"
# Uploads above 2.5 Mo are streamed to a temporary file, never held in memory; a form without
# files may send 2.5 Mo at most; a whole request (one 20 Mo attachment and its form) 21 Mo at
# most, refused with 413 before Django reads it (socle.middleware).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
TAILLE_MAXIMALE_REQUETE = 21 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "CPER Hauts-de-France <ne-pas-repondre@cper.local>"
)

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Without a broker, tasks run in the calling process (the embedded default of `make run`).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 330
CELERY_TIMEZONE = TIME_ZONE
# Jobs store their state in the database (`rapports.Travail`); Celery results are not needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    # A worker killed mid-job leaves its row `en_cours`: the sweep re-queues it once or marks
    # it `echec`, so that no job waits forever.
    "travaux-bloques-relancer": {
        "task": "rapports.tasks.travaux_bloques_relancer_task",
        "schedule": 600.0,
    },
    # Every night: the ledger's running totals recomputed from its rows; gaps are mailed to
    # the administrators.
    "registre-verifier": {
        "task": "financement.tasks.registre_verifier_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every five minutes: the territories' figures computed ahead of the visitors when money,
    # a dossier's places or a perimeter changed (a cache shared by the nodes makes it useful).
    "territoires-precalculer": {
        "task": "territoires.tasks.precalculer_task",
        "schedule": 300.0,
    },
    # Every Monday morning: each agent receives what waits for them (nothing if nothing does).
    "recapitulatifs-envoyer": {
        "task": "tableau_de_bord.tasks.recapitulatifs_envoyer_task",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

# --- Reports (rapports) -------------------------------------------------------------------
# PDFs are built by a worker on their own queue, so that a long document never delays the
# other tasks (`make run` starts a worker on both queues).
RAPPORTS_FILE_CELERY = os.environ.get("RAPPORTS_FILE_CELERY", "pdf")
RAPPORTS_LIMITE_SOUPLE = int(os.environ.get("RAPPORTS_LIMITE_SOUPLE", "240"))
RAPPORTS_LIMITE_DURE = int(os.environ.get("RAPPORTS_LIMITE_DURE", "300"))
# A job `en_cours` for longer than this has lost its worker (the hard limit plus a margin).
RAPPORTS_DELAI_BLOCAGE = RAPPORTS_LIMITE_DURE + 60
# How many times the same job may start before the sweep gives up and marks it `echec`.
RAPPORTS_TENTATIVES_MAX = 2
# Only the test settings allow the slow test parameter (`pause_test`) of a job.
RAPPORTS_PAUSE_DE_TEST_AUTORISEE = False
# Absolute address of the portal, for links in e-mails sent by workers (no request there).
PORTAIL_URL = os.environ.get("PORTAIL_URL", "http://127.0.0.1:8000").rstrip("/")

# The history of dossiers and of their plan lines is a record: the admin shows it but cannot
# revert to an old version (that would bypass the services and their journal).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- REST API -----------------------------------------------------------------------------
# The filters' empty choice reads as words, not « --------- ».
FILTERS_EMPTY_CHOICE_LABEL = "Tous"
FILTERS_NULL_CHOICE_LABEL = "Aucun"

REST_FRAMEWORK = {
    # The token scheme comes first: its `WWW-Authenticate` header makes a request without
    # credentials answer 401 (DRF answers 403 when the first class has no such header).
    # Session authentication keeps its CSRF check.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "comptes.authentification.JetonAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["comptes.authentification.JetonThrottle"],
    "DEFAULT_THROTTLE_RATES": {"jeton": os.environ.get("API_DEBIT_JETON", "1000/hour")},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON with French errors and a nesting limit (socle.parseurs); forms and uploads as usual.
    "DEFAULT_PARSER_CLASSES": [
        "socle.parseurs.JsonParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "socle.api.Pagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "socle.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail CPER Hauts-de-France 2021-2027",
    "DESCRIPTION": (
        "Données du contrat de plan État-Région Hauts-de-France 2021-2027 : signataires et "
        "enveloppes de l'article 2, arborescence des axes et mesures, projets. Les montants "
        "sont des chaînes décimales en euros, exactes au centime : chiffres ASCII, un point "
        "décimal, deux décimales au plus. Filtres des listes : un paramètre laissé vide est "
        "ignoré (pas de filtre) ; une valeur invalide est refusée (400, message par paramètre). "
        "Les dates et heures suivent la RFC 3339."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are named and tagged after what follows /api/v1/ (« scenarios », not « v1 »).
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Without deep links, Swagger UI puts no link inside the buttons that open an operation
    # (nested interactive controls, an axe-core "serious" violation).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "socle.api.decrire_parametres",
        "socle.schema_erreurs.documenter_erreurs",
        "socle.api.etiquettes_ascii",
    ],
    # One name per choice set, so that the schema validates without warnings.
    "ENUM_NAME_OVERRIDES": {
        "StatutProjetEnum": "projets.models.Statut",
        "StatutAvenantEnum": "financement.models.StatutAvenant",
        "TypePhaseEnum": "projets.models.TypePhase",
        "TypePieceEnum": "projets.models.TypePiece",
        "TypePaiementEnum": "financement.models.TypePaiement",
        "TypeActeEnum": "financement.models.TypeActe",
        "AppreciationEnum": "projets.models.Appreciation",
        "AvisEnum": "gouvernance.models.Avis",
        "NatureEnum": "projets.models.NatureFinancement",
        "NatureTerritoireEnum": "territoires.selectors.NATURES_CHOIX",
        "NatureIndicateurEnum": "suivi.models.NatureIndicateur",
    },
}

# --- Portal rules that the contract leaves open ([GAP]) ------------------------------------
# Demo accounts (one per role, one agent per signatory) exist only on a DEBUG instance.
COMPTES_DEMO_AUTORISES = env_bool("COMPTES_DEMO_AUTORISES", DEBUG)

# Minimum own share of the maître d'ouvrage, in percent of the eligible cost, where no measure
# parameter says otherwise. The contract sets 20-30 % only for the Canal Seine-Nord Europe
# sub-axis (l. 1431); 20 % elsewhere is the portal's default, not the contract's.
PROJETS_TAUX_AUTOFINANCEMENT_MINIMUM = Decimal(
    os.environ.get("PROJETS_TAUX_AUTOFINANCEMENT_MINIMUM", "20")
)

# Pieces a dossier must carry to be filed, by type (`projets.models.TypePiece`), fixed by the
# CPER secretariat: the list for every measure, and the list of a measure (and everything below
# it: « IV.2 » covers « IV.2.1.a ») that replaces it. Read only through
# `projets.pieces.pieces_requises`.
PIECES_REQUISES = {
    "defaut": ["deliberation", "plan_financement", "note_presentation"],
    "par_mesure": {},
}

# Budget years on which credits are opened and commitments recorded (first, last): the contract
# runs 2021-2027 and its commitments are paid over the following years. The form, the API and
# the services all ask `financement.regles.annees_budgetaires()`.
FINANCEMENT_ANNEES_BUDGETAIRES = (
    int(os.environ.get("FINANCEMENT_PREMIERE_ANNEE_BUDGETAIRE", "2021")),
    int(os.environ.get("FINANCEMENT_DERNIERE_ANNEE_BUDGETAIRE", "2035")),
)

# Dates of the contract's life (sessions, commitments, payments) stay within its period (its
# first and last years, `axes.Contrat`) widened by these many years before and after
# (axes.periode). The contract sets no margin: the secretariat does; pages say so.
CONTRAT_MARGE_ANNEES_AVANT = int(os.environ.get("CONTRAT_MARGE_ANNEES_AVANT", "1"))
CONTRAT_MARGE_ANNEES_APRES = int(os.environ.get("CONTRAT_MARGE_ANNEES_APRES", "8"))

# Payment requests of the porteur (issue 16), in percent of the funder's share (its line of the
# financing plan): advances add up to at most this much (30 % by default), advances and
# instalments together to at most that much (80 %) until the balance, which needs the final
# statement of expenses. The contract sets none of these figures: the secretariat does.
FINANCEMENT_AVANCE_TAUX_MAXIMUM = Decimal(os.environ.get("FINANCEMENT_AVANCE_TAUX_MAXIMUM", "30"))
FINANCEMENT_ACOMPTES_TAUX_MAXIMUM = Decimal(
    os.environ.get("FINANCEMENT_ACOMPTES_TAUX_MAXIMUM", "80")
)

# No dossier is « instruit » without a filed analysis grid (VI.2): the bare « terminer
# l'instruction » step is refused and filing the grid ends the instruction. On by default; the
# grid's page shows the setting.
GOUVERNANCE_GRILLE_OBLIGATOIRE = env_bool("GOUVERNANCE_GRILLE_OBLIGATOIRE", True)

# A session opened or closed more than this many hours before its planned date gets a warning
# (it stays possible: a committee may meet early).
GOUVERNANCE_AVANCE_TOLEREE_HEURES = int(os.environ.get("GOUVERNANCE_AVANCE_TOLEREE_HEURES", "12"))
# Each CPER co-funder of a dossier instructs it (its own grid and opinion on its line): the
# dossier is « instruit » once every co-funder named in the plan has filed its grid (True), or
# once at least one has (False). Read by `gouvernance.selectors.etat_instruction`; the dossier
# page shows the rule in force as a setting.
GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS = env_bool(
    "GOUVERNANCE_INSTRUCTION_TOUS_COFINANCEURS", True
)
# A co-funder whose grid is still missing on a dossier under instruction for more than this many
# days is late: it shows on its agents' dashboard and in their weekly e-mail.
GOUVERNANCE_INSTRUCTION_DELAI_JOURS = int(
    os.environ.get("GOUVERNANCE_INSTRUCTION_DELAI_JOURS", "30")
)

# A dossier filed this many days ago and still waiting for instruction shows as late on the
# administrators' dashboard (a portal setting: the charter, absent from the text, would fix it).
TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS = int(
    os.environ.get("TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS", "30")
)

# A programmed line with nothing committed this many months after its programming is late
# (issue 16: the contract is silent; a setting, said on the pages « réglage fixé par le
# secrétariat »).
SUIVI_DELAI_SANS_ENGAGEMENT_MOIS = int(os.environ.get("SUIVI_DELAI_SANS_ENGAGEMENT_MOIS", "6"))
# How long the mid-term review's figures stay in the cache, in seconds (0: never cached). They
# are dropped as soon as anything they count changes (`suivi.fraicheur`); this only bounds the
# memory they hold.
SUIVI_CACHE_SECONDES = int(os.environ.get("SUIVI_CACHE_SECONDES", "3600"))

# --- Security -----------------------------------------------------------------------------
# `manage.py check --deploy --fail-level WARNING` is clean with DEBUG off (tests/securite).
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_FAILURE_VIEW = "socle.erreurs.echec_csrf"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# One year of HSTS in production, subdomains and preload included (SECURE_HSTS_PRELOAD=0 to
# leave the preload list out: it is hard to undo). 0 in development.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )

# Content Security Policy (django-csp): only the portal's own files; scripts also need the
# request's nonce (django-dsfr's and Swagger UI's inline start-up scripts carry it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Brute force on log-in (comptes.connexion): after CONNEXION_ECHECS_MAX failures for one
# identifier from one address, that pair is refused for CONNEXION_DUREE_VERROU. The address is
# REMOTE_ADDR; X-Forwarded-For is read only when REMOTE_ADDR is one of the trusted proxies.
CONNEXION_ECHECS_MAX = int(os.environ.get("CONNEXION_ECHECS_MAX", "5"))
CONNEXION_DUREE_VERROU = timedelta(minutes=int(os.environ.get("CONNEXION_DUREE_VERROU", "15")))
CONNEXION_PROXIES_DE_CONFIANCE = env_list("CONNEXION_PROXIES_DE_CONFIANCE", [])

# --- Authentication: ProConnect, second factor, password reset (comptes) -----------------
# ProConnect (OpenID Connect, mozilla-django-oidc), off unless OIDC_ACTIVE=1. The endpoints are
# the provider's (its /.well-known/openid-configuration lists them); the client id and secret
# come from the provider's partner space. Code flow with PKCE (S256), state and nonce checked,
# ID token RS256 verified against the provider's JWKS (audience, issuer and expiry too).
OIDC_ACTIVE = env_bool("OIDC_ACTIVE", False)
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email given_name usual_name siret")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint of the logout at the provider
OIDC_CREATE_USER = False  # an account exists only by invitation or approved request
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_OP_LOGOUT_URL_METHOD = "comptes.oidc.url_deconnexion_fournisseur"
LOGIN_REDIRECT_URL_FAILURE = "connexion"
# Days an invitation of the secretariat stays valid.
COMPTES_INVITATION_DUREE_JOURS = int(os.environ.get("COMPTES_INVITATION_DUREE_JOURS", "30"))
if OIDC_ACTIVE:
    _manquants = [
        nom
        for nom in (
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
        )
        if not globals()[nom]
    ]
    if _manquants:
        raise ImproperlyConfigured(f"OIDC_ACTIVE demande aussi : {', '.join(_manquants)}.")
    AUTHENTICATION_BACKENDS.append("comptes.oidc.ProConnectBackend")
    if OIDC_OP_LOGOUT_ENDPOINT:
        # The log-out form's answer redirects to the provider: the CSP must allow it.
        _fournisseur = "/".join(OIDC_OP_LOGOUT_ENDPOINT.split("/")[:3])
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = ["'self'", _fournisseur]

# Second factor (django-otp, TOTP and recovery codes) for the roles listed, when they log in
# with a password (the admin too); ProConnect does its own. Administrators and agents by
# default in production; nobody on a DEBUG instance (`make run`), where anyone may still enrol
# from « Mon compte ». `aucun` lists no role.
COMPTES_DOUBLE_FACTEUR_ROLES = [
    r
    for r in env_list("COMPTES_DOUBLE_FACTEUR_ROLES", [] if DEBUG else ["administrateur", "agent"])
    if r != "aucun"
]
OTP_TOTP_ISSUER = "Portail CPER Hauts-de-France"
# A wrong code counts in the log-in lockout (comptes.connexion), the one limit of both steps.
OTP_TOTP_THROTTLE_FACTOR = 0
COMPTES_CODES_SECOURS_NOMBRE = 10

# Password reset: per address and per client address, requests are counted like log-in
# attempts (lock of CONNEXION_DUREE_VERROU); the link is valid PASSWORD_RESET_TIMEOUT seconds.
COMPTES_REINITIALISATION_MAX = int(os.environ.get("COMPTES_REINITIALISATION_MAX", "3"))
COMPTES_REINITIALISATION_MAX_PAR_IP = int(
    os.environ.get("COMPTES_REINITIALISATION_MAX_PAR_IP", "20")
)
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3600)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Co-financing scenarios (issue 17): the axes whose sub-axes are negotiated by scenarios (the
# Mobilités volet, Article 4), and the sub-axes where the text asks the État and the Région to
# tend towards parity (II.6, l. 1427; scenarios are open there too).
SCENARIOS_AXES = tuple(os.environ.get("SCENARIOS_AXES", "V").split(","))
SCENARIOS_SOUS_AXES_PARITE = tuple(os.environ.get("SCENARIOS_SOUS_AXES_PARITE", "II.6").split(","))

# Territories (issue 18): how a dossier on several communes splits its amounts between them,
# `egale` (equal shares, the default: the contract sets no key) or `population` (the communes'
# legal populations). The territory pages state the key in force.
TERRITOIRES_CLE_REPARTITION = os.environ.get("TERRITOIRES_CLE_REPARTITION", "egale")
# How long the computed figures of a territory stay in the cache, in seconds (0: never cached).
# They are dropped as soon as money, a dossier's places or a perimeter changes
# (`territoires.fraicheur`); this only bounds the memory they hold.
TERRITOIRES_CACHE_SECONDES = int(os.environ.get("TERRITOIRES_CACHE_SECONDES", "3600"))
# How long what pages read of the programme (the list's filter choices, the programme's tree)
# stays in the cache, in seconds (0: never cached). Any change of the programme drops it at
# once (`axes.cache`); without a shared cache (`CACHE_URL`) this bounds how long another
# process may show the old one.
PROGRAMME_CACHE_SECONDES = int(os.environ.get("PROGRAMME_CACHE_SECONDES", "300"))
