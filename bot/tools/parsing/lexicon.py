"""The vocabulary the readers recognise: stacks, backing services, port names, sidecars.

Kept apart from the matching code so that adding a framework or a database is one table row.
Words that are also ordinary English ("go", "rust", "express", "flask", "spring", "rails") only
count with a technical neighbour ("Go service", "written in Rust", "Express API"), so a poem or
a chatty sentence does not turn into a tech stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOUN = (
    r"(?:app|apps|api|apis|application|service|services|server|backend|back-end|microservice|"
    r"web ?app|webapp|binary|worker|daemon|program|project|codebase|monolith|bot|agent|consumer|"
    r"producer|job|cron ?job|tool|cli|script|operator|controller|exporter|function|gateway|proxy|"
    r"sidecar|module|runtime|version|stack|code)"
)


@dataclass(frozen=True)
class Stack:
    """A language or framework: how it is written in requests and the port it listens on."""

    language: str
    framework: str
    strong: re.Pattern[str]
    port: int
    app_type: str = ""
    weak: re.Pattern[str] | None = None  # counts only when the language is named elsewhere


def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


LANGUAGES: tuple[Stack, ...] = (
    Stack(
        "nodejs",
        "",
        _rx(
            rf"\bnode\.?js\b|\bnode\s?v?\d{{2}}\b|(?<![\w-])node(?=\s+(?!agent|exporter)(?:{_NOUN})\b)|\btypescript\b|\bnpm\b|"
            r"\bnode\s+[\w./-]+\.[mc]?js\b|\bpm2\b"
        ),
        3000,
    ),
    Stack(
        "python",
        "",
        _rx(
            r"\bpython\s?v?[23]?(?:\.\d+)?\b|\bpy3\b|\bgunicorn\b|\buvicorn\b|"
            r"\bpip\b|\bmanage\.py\b"
        ),
        8000,
    ),
    Stack(
        "go",
        "",
        re.compile(
            rf"\bgolang\b|\bGo(?=\s+(?:\d|gRPC|grpc|{_NOUN})\b)|\b(?:[Ww]ritten|[Bb]uilt|"
            r"[Ii]mplemented|[Cc]oded) in Go\b|\bin Go\b(?!\s+to\b)|(?i:\blanguage:?\s+go\b)|"
            r"(?im:(?:^|[,:;(/]\s*)go(?:lang)?\s*(?=[,;)/]|$))"
        ),
        8080,
    ),
    Stack("kotlin", "", _rx(r"\bkotlin\b"), 8080),
    Stack(
        "java",
        "",
        _rx(
            rf"\bjava\s?v?\d+\b|\bjava(?=\s+{_NOUN}\b)|\bjvm\b|\bopenjdk\b|\bjdk\s?\d*\b|"
            r"\btemurin\b|\b(?:written|built) in java\b|\.jar\b|\bjava\s+-"
        ),
        8080,
    ),
    Stack(
        "ruby",
        "",
        _rx(
            rf"\bruby(?=\s+(?:\d|on rails\b|{_NOUN}\b))|\bin ruby\b|\bbundle exec\b|"
            r"\bpuma\b"
        ),
        3000,
    ),
    Stack("php", "", _rx(r"\bphp(?:-fpm)?\s?\d*(?:\.\d+)?\b"), 8080),
    Stack(
        "dotnet",
        "",
        re.compile(r"(?<![\w.])\.NET\b|(?i:\bdotnet\b|\basp\.?net\b|\bc#|\bcsharp\b)"),
        8080,
    ),
    Stack(
        "rust",
        "",
        _rx(
            rf"\brust(?=\s+(?:\d|{_NOUN})\b)|\b(?:written|built|implemented) in rust\b|"
            r"\bin rust\b|\bcargo\b|\brustc\b"
        ),
        8080,
    ),
    Stack("elixir", "", _rx(r"\belixir\b"), 4000),
    Stack("scala", "", _rx(r"\bscala\b"), 8080),
)

FRAMEWORKS: tuple[Stack, ...] = (
    Stack("nodejs", "nestjs", _rx(r"\bnest\.?js\b"), 3000, "api"),
    Stack("nodejs", "nextjs", _rx(r"\bnext\.?js\b"), 3000, "web"),
    Stack("nodejs", "fastify", _rx(r"\bfastify\b"), 3000, "api"),
    Stack(
        "nodejs",
        "express",
        _rx(rf"\bexpress\.?js\b|\bexpress(?=\s+(?:{_NOUN}|rest|framework)\b)"),
        3000,
        "api",
        _rx(r"\bexpress\b"),
    ),
    Stack("nodejs", "koa", _rx(r"\bkoa\.?js\b"), 3000, "api", _rx(r"\bkoa\b")),
    Stack("python", "django", _rx(r"\bdjango\b"), 8000, "web"),
    Stack("python", "fastapi", _rx(r"\bfast\s?api\b"), 8000, "api"),
    Stack(
        "python", "flask", _rx(rf"\bflask(?=\s+(?:{_NOUN}|rest)\b)"), 5000, "api", _rx(r"\bflask\b")
    ),
    Stack("python", "starlette", _rx(r"\bstarlette\b"), 8000, "api"),
    Stack("python", "celery", _rx(r"\bcelery\b"), 0, "worker"),
    Stack("java", "spring-boot", _rx(r"\bspring[\s-]?boot\b"), 8080, "api", _rx(r"\bspring\b")),
    Stack("java", "quarkus", _rx(r"\bquarkus\b"), 8080, "api"),
    Stack("java", "micronaut", _rx(r"\bmicronaut\b"), 8080, "api"),
    Stack(
        "ruby",
        "rails",
        _rx(rf"\bruby on rails\b|\bror\b|\brails(?=\s+(?:\d|{_NOUN})\b)"),
        3000,
        "web",
        _rx(r"\brails\b"),
    ),
    Stack("ruby", "sinatra", _rx(r"\bsinatra\b"), 4567, "api"),
    Stack("ruby", "sidekiq", _rx(r"\bsidekiq\b"), 0, "worker"),
    Stack("php", "laravel", _rx(r"\blaravel\b"), 8000, "web"),
    Stack("php", "symfony", _rx(r"\bsymfony\b"), 8000, "web"),
    Stack("php", "wordpress", _rx(r"\bwordpress\b"), 8080, "web"),
    Stack("dotnet", "aspnetcore", _rx(r"\basp\.?net(?:\s?core)?\b"), 8080, "api"),
    Stack(
        "go",
        "gin",
        _rx(r"\bgin-gonic\b|\bgin(?=\s+(?:framework|router)\b)"),
        8080,
        "api",
        _rx(r"\bgin\b"),
    ),
    Stack("go", "echo", _rx(r"\blabstack/echo\b"), 8080, "api", _rx(r"\becho\b")),
    Stack("go", "fiber", _rx(r"\bgofiber\b"), 8080, "api", _rx(r"\bfiber\b")),
    Stack("rust", "actix", _rx(r"\bactix(?:-web)?\b"), 8080, "api"),
    Stack("rust", "axum", _rx(r"\baxum\b"), 8080, "api"),
    Stack(
        "elixir",
        "phoenix",
        _rx(r"\bphoenix\s+(?:framework|app|liveview)\b"),
        4000,
        "web",
        _rx(r"\bphoenix\b"),
    ),
)

# Static sites are served by a web server rather than written in a language.
STATIC_SITE = _rx(
    r"\bstatic\s+(?:web\s?)?(?:site|website|frontend|front-end|files|assets|pages|html|content|"
    r"spa|build)\b|\bsingle[\s-]page app|\bspa\b|\b(?:react|vue(?:\.?js)?|angular|svelte)\s+"
    r"(?:app|frontend|front-end|spa|build|site|ui)\b"
)
SPA_FRAMEWORK = _rx(r"\b(react|vue(?:\.?js)?|angular|svelte)\b")
WEB_SERVERS = {
    "nginx": _rx(r"\bnginx\b"),
    "httpd": _rx(r"\bapache(?:\s+httpd)?\b|\bhttpd\b"),
    "caddy": _rx(r"\bcaddy\b"),
}

DEFAULT_PORT = 8080

# Environment variable names that only one stack uses.
ENV_CUES = (
    ("DJANGO_", "python", "django"),
    ("RAILS_", "ruby", "rails"),
    ("FLASK_", "python", "flask"),
    ("SPRING_", "java", "spring-boot"),
    ("ASPNETCORE_", "dotnet", "aspnetcore"),
    ("NODE_", "nodejs", ""),
    ("LARAVEL_", "php", "laravel"),
    ("PHX_", "elixir", "phoenix"),
    ("GOMAXPROCS", "go", ""),
    ("JAVA_TOOL_OPTIONS", "java", ""),
    ("PYTHON", "python", ""),
)


@dataclass(frozen=True)
class Backing:
    """A backing service kind: how requests name it and the port it listens on."""

    kind: str
    pattern: re.Pattern[str]
    port: int
    images: tuple[str, ...]


DEPENDENCIES: tuple[Backing, ...] = (
    Backing(
        "postgresql",
        # "pg bundled (16)", "pg 16 in the chart": the short name, where it names a database
        _rx(
            r"\bpostgres(?:ql)?\b|\bpostgis\b|\btimescale(?:db)?\b|\bpgsql\b|\bpg\b(?=\s*(?:\d|\(|"
            r"bundled|in\s+the\s+chart|inside|db\b|database|instance|server|cluster|version))"
        ),
        5432,
        ("postgres", "postgresql", "postgis", "timescaledb", "pgvector", "pgautoupgrade"),
    ),
    Backing("mysql", _rx(r"\bmysql\b"), 3306, ("mysql", "percona-server")),
    Backing("mariadb", _rx(r"\bmariadb\b"), 3306, ("mariadb",)),
    Backing("mongodb", _rx(r"\bmongo(?:db)?\b"), 27017, ("mongo", "mongodb")),
    Backing(
        "redis",
        _rx(r"\bredis(?:es)?\b|\bvalkey\b|\bkeydb\b"),
        6379,
        ("redis", "redis-stack", "valkey", "keydb"),
    ),
    Backing("memcached", _rx(r"\bmemcached?\b"), 11211, ("memcached",)),
    Backing("rabbitmq", _rx(r"\brabbit\s?mq\b|\bamqp\b"), 5672, ("rabbitmq",)),
    Backing("kafka", _rx(r"\bkafka\b|\bredpanda\b"), 9092, ("kafka", "cp-kafka", "redpanda")),
    Backing(
        "elasticsearch",
        _rx(r"\belastic\s?search\b|\bopensearch\b"),
        9200,
        ("elasticsearch", "opensearch"),
    ),
    Backing("nats", _rx(r"\bnats(?:\.io)?\b|\bjetstream\b"), 4222, ("nats",)),
)


def datastore_kind(repository: str) -> str:
    """The datastore an image is ("postgres", "bitnami/redis": its kind), or ''."""
    last = repository.rsplit("/", 1)[-1]
    return next((d.kind for d in DEPENDENCIES if last in d.images), "")


DEPENDENCY_BY_KIND = {d.kind: d for d in DEPENDENCIES}

# Compose services that support local development but are not part of the app or its data.
DEV_ONLY_SERVICES = (
    "zookeeper",
    "mailhog",
    "mailpit",
    "adminer",
    "pgadmin",
    "pgadmin4",
    "redis-commander",
    "localstack",
    "minio",
    "prometheus",
    "grafana",
    "jaeger",
    "kibana",
    "otel-collector",
    "opentelemetry-collector",
    "wiremock",
    "selenium",
    "flower",
)
# Reverse proxies in a compose file are what an Ingress replaces.
PROXY_IMAGES = ("nginx", "traefik", "caddy", "envoy", "haproxy", "httpd")

# Port names people write next to a port number, mapped to an IANA-style name (<= 15 chars).
PORT_WORDS = {
    "http": "http",
    "https": "https",
    "grpc": "grpc",
    "metrics": "metrics",
    "prometheus": "metrics",
    "admin": "admin",
    "management": "management",
    "health": "health",
    "debug": "debug",
    "web": "http",
    "api": "http",
    "ws": "ws",
    "websocket": "websocket",
    "websockets": "websocket",
    "rpc": "rpc",
    "graphql": "graphql",
    "syslog": "syslog",
    "dns": "dns",
    "amqp": "amqp",
    "mqtt": "mqtt",
    "stats": "stats",
    "status": "status",
    "ui": "ui",
    "gui": "gui",
    "webui": "ui",
    "console": "console",
    "sync": "sync",
    "discovery": "discovery",
    "dashboard": "dashboard",
    "internal": "internal",
    "public": "public",
    "gossip": "gossip",
    "raft": "raft",
    "cluster": "cluster",
    "replication": "replication",
    "peer": "peer",
    "transport": "transport",
    "client": "client",
    "jmx": "jmx",
    "smtp": "smtp",
    "tcp": "tcp",
    "udp": "udp",
}
# Names for ports given without one, by number (the first port is "http" unless listed).
# Ports whose protocol is not HTTP, even as a workload's only port: "port 6379" on a Redis-
# compatible server is spoken to in RESP, on its own number, never behind port 80.
PROTOCOL_PORTS = {
    6379: "redis",
    5432: "postgres",
    3306: "mysql",
    27017: "mongodb",
    11211: "memcache",
    5672: "amqp",
    9092: "kafka",
    4222: "nats",
    1883: "mqtt",
    8883: "mqtts",
    25: "smtp",
    465: "smtps",
    587: "submission",
    143: "imap",
    993: "imaps",
    110: "pop3",
    995: "pop3s",
    22: "ssh",
    5222: "xmpp",
}
PORT_NAMES_BY_NUMBER = {
    443: "https",
    8443: "https",
    9090: "metrics",
    9091: "metrics",
    9100: "metrics",
    9102: "metrics",
    9113: "metrics",
    9187: "metrics",
    9464: "metrics",
    50051: "grpc",
    5005: "debug",
    9229: "debug",
    8558: "management",
    9901: "admin",
    514: "syslog",
    53: "dns",
}


@dataclass(frozen=True)
class KnownSidecar:
    name: str
    pattern: re.Pattern[str]
    purpose: str


SIDECARS: tuple[KnownSidecar, ...] = (
    KnownSidecar(
        "cloud-sql-proxy",
        _rx(r"\bcloud[\s-]?sql[\s-]?(?:auth[\s-]?)?proxy\b"),
        "Cloud SQL Auth Proxy: private, IAM-authenticated database connection",
    ),
    KnownSidecar("oauth2-proxy", _rx(r"\boauth2?[\s-]?proxy\b"), "authentication proxy"),
    KnownSidecar("envoy", _rx(r"\benvoy(?:[\s-]?proxy)?\b"), "Envoy proxy"),
    KnownSidecar("fluent-bit", _rx(r"\bfluent[\s-]?bit\b"), "log forwarding"),
    KnownSidecar("fluentd", _rx(r"\bfluentd\b"), "log forwarding"),
    KnownSidecar("vector", _rx(r"\bvector\b(?=\s+(?:sidecar|agent))"), "log forwarding"),
    KnownSidecar("vault-agent", _rx(r"\bvault[\s-]?agent\b"), "secret injection from Vault"),
    KnownSidecar(
        "otel-collector", _rx(r"\b(?:otel|opentelemetry)[\s-]?collector\b"), "telemetry collection"
    ),
    KnownSidecar("pgbouncer", _rx(r"\bpgbouncer\b"), "PostgreSQL connection pooling"),
    KnownSidecar("cloudflared", _rx(r"\bcloudflared\b"), "Cloudflare tunnel"),
    KnownSidecar("datadog-agent", _rx(r"\bdatadog[\s-]?agent\b"), "metrics and traces"),
    KnownSidecar("nginx", _rx(r"\bnginx\b"), "reverse proxy"),
)

# Words that name a technology, a role or a size, never a service.
NOT_NAMES = frozenset(
    """
    a an the my our your this that new small simple basic web api app application service backend
    frontend front-end back-end server worker job cronjob daemon daemonset statefulset deployment
    microservice main internal public private stateless stateful rest restful http https grpc
    graphql python node nodejs go golang java kotlin ruby php rust dotnet elixir scala spring
    spring-boot django flask fastapi express rails laravel nginx static background batch scheduled
    nightly hourly daily weekly ml inference model helm chart kubernetes k8s docker container image
    port ports sidecar init proxy cert-manager letsencrypt-prod letsencrypt-staging ingress-nginx
    cloud-sql-proxy fluent-bit log logs metrics it one two some production prod staging dev is with
    for on which to and of in at called named using uses runs needs from custom existing sample
    demo test example hello world postgres mongo rabbit elastic
    to-do on-call self-hosted open-source real-time e-mail web-based built-in third-party
    read-only single-node multi-tenant cloud-native long-running time-tracking
""".split()
) | frozenset(d.kind for d in DEPENDENCIES)
