"""What each language and framework typically needs in a container, as a table.

The planner reads startup time, memory and CPU footprint, graceful shutdown, health path and
writable paths from here when the request does not state them; each row is a starting point a
person would argue from, not a measurement of the user's app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.tools.datastores import is_datastore_image
from bot.tools.models import Workload


@dataclass(frozen=True)
class Runtime:
    """What a language or framework typically needs in a container."""

    label: str
    startup_seconds: int
    memory_mi: int
    cpu_m: int
    shutdown_seconds: int
    health_path: str = "/healthz"
    writable_paths: tuple[str, ...] = ()
    serves_http: bool = True
    jvm: bool = False
    # Memory that rises with load and is given back when load drops makes a memory HPA
    # target meaningful; heaps that are kept after a spike would pin replicas up.
    memory_follows_load: bool = False
    migrate_command: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


_JVM_NOTE = (
    "JVM: size the heap from the container limit (-XX:MaxRAMPercentage=75) rather than a "
    "fixed -Xmx, so changing the memory limit keeps heap and non-heap inside it"
)
_PYTHON_NOTE = (
    "Python skips __pycache__ writes on a read-only root; PYTHONDONTWRITEBYTECODE=1 avoids the "
    "attempts, no writable path needed"
)

LANGUAGES: dict[str, Runtime] = {
    "go": Runtime("Go", 2, 64, 50, 15),
    "rust": Runtime("Rust", 1, 32, 50, 15),
    "node": Runtime("Node.js", 5, 192, 100, 30, memory_follows_load=True),
    "python": Runtime("Python", 8, 192, 100, 30, notes=(_PYTHON_NOTE,)),
    "ruby": Runtime("Ruby", 10, 320, 150, 30),
    "php": Runtime("PHP", 3, 128, 100, 30, memory_follows_load=True),
    "java": Runtime("JVM", 40, 768, 500, 45, jvm=True, notes=(_JVM_NOTE,)),
    "dotnet": Runtime(".NET", 10, 256, 200, 30),
    "elixir": Runtime("Elixir", 8, 256, 150, 30),
}
_LANGUAGE_ALIASES = {
    "golang": "go",
    "nodejs": "node",
    "javascript": "node",
    "typescript": "node",
    "js": "node",
    "ts": "node",
    "deno": "node",
    "bun": "node",
    "python3": "python",
    "py": "python",
    "kotlin": "java",
    "scala": "java",
    "clojure": "java",
    "groovy": "java",
    "jvm": "java",
    "csharp": "dotnet",
    "c#": "dotnet",
    "fsharp": "dotnet",
    "net": "dotnet",
    "erlang": "elixir",
}

_NGINX = Runtime(
    "nginx",
    2,
    32,
    25,
    15,
    health_path="/",
    writable_paths=("/var/cache/nginx", "/var/run"),
    notes=(
        "the official nginx image binds port 80 as root; nginxinc/nginx-unprivileged listens "
        "on 8080 and runs as a non-root user",
    ),
)
FRAMEWORKS: dict[str, Runtime] = {
    "springboot": replace(
        LANGUAGES["java"], label="Spring Boot", startup_seconds=45, health_path="/actuator/health"
    ),
    "spring": replace(
        LANGUAGES["java"], label="Spring", startup_seconds=45, health_path="/actuator/health"
    ),
    "quarkus": replace(
        LANGUAGES["java"],
        label="Quarkus",
        startup_seconds=5,
        memory_mi=256,
        cpu_m=250,
        health_path="/q/health",
    ),
    "micronaut": replace(
        LANGUAGES["java"],
        label="Micronaut",
        startup_seconds=10,
        memory_mi=384,
        cpu_m=250,
        health_path="/health",
    ),
    "nestjs": replace(LANGUAGES["node"], label="NestJS", startup_seconds=8, memory_mi=256),
    "nextjs": replace(
        LANGUAGES["node"],
        label="Next.js",
        startup_seconds=8,
        memory_mi=256,
        health_path="/",
        writable_paths=("/app/.next/cache",),
    ),
    "express": replace(LANGUAGES["node"], label="Express"),
    "fastify": replace(LANGUAGES["node"], label="Fastify"),
    "django": replace(
        LANGUAGES["python"],
        label="Django",
        startup_seconds=10,
        memory_mi=256,
        cpu_m=150,
        migrate_command=("python", "manage.py", "migrate", "--noinput"),
    ),
    "flask": replace(LANGUAGES["python"], label="Flask", startup_seconds=5, memory_mi=160),
    "fastapi": replace(LANGUAGES["python"], label="FastAPI", startup_seconds=5, memory_mi=160),
    "celery": replace(
        LANGUAGES["python"],
        label="Celery",
        startup_seconds=10,
        memory_mi=256,
        cpu_m=200,
        serves_http=False,
    ),
    "rails": replace(
        LANGUAGES["ruby"],
        label="Rails",
        startup_seconds=20,
        memory_mi=512,
        cpu_m=250,
        health_path="/up",
        writable_paths=("/rails/tmp", "/rails/log"),
        migrate_command=("bin/rails", "db:migrate"),
        notes=("Rails paths assume the Rails 7.1+ Dockerfile layout (WORKDIR /rails)",),
    ),
    "sinatra": replace(LANGUAGES["ruby"], label="Sinatra", startup_seconds=5, memory_mi=192),
    "sidekiq": replace(
        LANGUAGES["ruby"], label="Sidekiq", startup_seconds=15, memory_mi=384, serves_http=False
    ),
    "laravel": replace(
        LANGUAGES["php"],
        label="Laravel",
        writable_paths=("/var/www/html/storage", "/var/www/html/bootstrap/cache"),
        migrate_command=("php", "artisan", "migrate", "--force"),
    ),
    "aspnetcore": replace(LANGUAGES["dotnet"], label="ASP.NET Core"),
    "aspnet": replace(LANGUAGES["dotnet"], label="ASP.NET Core"),
    "gin": replace(LANGUAGES["go"], label="Gin"),
    "echo": replace(LANGUAGES["go"], label="Echo"),
    "fiber": replace(LANGUAGES["go"], label="Fiber"),
    "actix": replace(LANGUAGES["rust"], label="Actix"),
    "axum": replace(LANGUAGES["rust"], label="Axum"),
    "phoenix": replace(LANGUAGES["elixir"], label="Phoenix"),
    "nginx": _NGINX,
    "httpd": replace(
        _NGINX,
        label="Apache httpd",
        memory_mi=64,
        cpu_m=50,
        writable_paths=("/usr/local/apache2/logs",),
        notes=(),
    ),
    "apache": replace(
        _NGINX,
        label="Apache httpd",
        memory_mi=64,
        cpu_m=50,
        writable_paths=("/usr/local/apache2/logs",),
        notes=(),
    ),
    "caddy": replace(
        _NGINX, label="Caddy", memory_mi=48, writable_paths=("/data", "/config"), notes=()
    ),
}
_FRAMEWORK_ALIASES = {"rubyonrails": "rails", "nuxt": "nextjs", "next": "nextjs"}

GENERIC = Runtime("unknown runtime", 10, 256, 100, 30)
DATABASE = Runtime("database server", 30, 1024, 500, 60, serves_http=False)


def compact(text: str) -> str:
    return re.sub(r"[^a-z0-9#]", "", text.lower())


def _lookup(text: str, table: dict[str, Runtime], aliases: dict[str, str]) -> Runtime | None:
    key = compact(text)
    if not key:
        return None
    key = aliases.get(key, key)
    if key in table:
        return table[key]
    # "spring boot 3" or "java21": the longest known prefix wins ("javascript" before "java").
    for known in sorted([*table, *aliases], key=len, reverse=True):
        if len(known) > 1 and key.startswith(known):
            return table[aliases.get(known, known)]
    return None


def runtime_for(requirements: Workload) -> Runtime:
    """Return the runtime profile the request's framework, language or app type points to."""
    found = _lookup(requirements.framework, FRAMEWORKS, _FRAMEWORK_ALIASES)
    found = found or _lookup(requirements.language, LANGUAGES, _LANGUAGE_ALIASES)
    if found:
        return found
    if is_datastore_image(requirements.image) or requirements.app_type == "database":
        return DATABASE
    if requirements.app_type == "frontend":
        return _NGINX
    return GENERIC
