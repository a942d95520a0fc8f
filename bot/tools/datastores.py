"""The datastores helm-bot can bundle, as data: one row per kind, read by every agent.

The planner pins the image and sizes it, the template agent runs it as a subchart under a
restricted, read-only pod, and the app is wired to it through the same row: which environment
variables the server reads its user, database and password from, how a connection URL is
written, and how a ``helm test`` checks the connection. Tags are mid-2025 patch releases; a
release line that is not listed runs the image's own tag for that line and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.tools.models import Image


@dataclass(frozen=True)
class Datastore:
    """One bundled backing service: its image, how it runs, and how an app connects to it."""

    image: Image
    port: int
    tags: dict[str, str]
    cpu_m: int
    memory_mi: int
    storage_gi: int
    mount_path: str
    writable: tuple[str, ...] = ("/tmp",)
    is_database: bool = False
    # Shell command that succeeds once the server accepts connections ({host} {port} {user}).
    ready_command: str = ""
    # Environment the server reads: its password (from the Secret), user and database.
    password_env: str = ""
    user_env: str = ""
    database_env: str = ""
    default_user: str = ""
    server_env: tuple[tuple[str, str], ...] = ()
    args: tuple[str, ...] = ()
    persistent: bool = True
    url_scheme: str = ""
    # Client command of the image that checks a connection, for the chart's ``helm test``.
    test_command: str = ""
    label: str = ""


_MONGO_PING = "mongosh --quiet --host {host} --port {port} --eval 'db.runCommand({{ping: 1}})'"


def _hub(name: str, tag: str) -> Image:
    return Image(registry="docker.io", repository=f"library/{name}", tag=tag, digest="")


DATASTORES: dict[str, Datastore] = {
    "postgresql": Datastore(
        _hub("postgres", "17.6-alpine"),
        5432,
        {
            "17": "17.6-alpine",
            "16": "16.10-alpine",
            "15": "15.14-alpine",
            "14": "14.19-alpine",
            "13": "13.22-alpine",
        },
        250,
        256,
        8,
        "/var/lib/postgresql/data",
        writable=("/tmp", "/var/run/postgresql"),
        is_database=True,
        ready_command="pg_isready -h {host} -p {port}",
        password_env="POSTGRES_PASSWORD",
        user_env="POSTGRES_USER",
        database_env="POSTGRES_DB",
        default_user="app",
        server_env=(("PGDATA", "/var/lib/postgresql/data/pgdata"),),
        url_scheme="postgresql",
        test_command="pg_isready -h {host} -p {port} -U {user}",
        label="PostgreSQL",
    ),
    "mysql": Datastore(
        _hub("mysql", "8.4.6"),
        3306,
        {"8.4": "8.4.6", "8": "8.4.6", "8.0": "8.0.43"},
        250,
        512,
        8,
        "/var/lib/mysql",
        writable=("/tmp", "/var/run/mysqld"),
        is_database=True,
        ready_command="mysqladmin ping -h {host} -P {port} --silent",
        password_env="MYSQL_PASSWORD",
        user_env="MYSQL_USER",
        database_env="MYSQL_DATABASE",
        default_user="app",
        server_env=(("MYSQL_RANDOM_ROOT_PASSWORD", "yes"),),
        url_scheme="mysql",
        test_command="mysqladmin ping -h {host} -P {port} --silent",
        label="MySQL",
    ),
    "mariadb": Datastore(
        _hub("mariadb", "11.4.7"),
        3306,
        {"11.4": "11.4.7", "11": "11.4.7", "10.11": "10.11.13"},
        250,
        256,
        8,
        "/var/lib/mysql",
        writable=("/tmp", "/run/mysqld"),
        is_database=True,
        ready_command="mariadb-admin ping -h {host} -P {port} --silent",
        password_env="MARIADB_PASSWORD",
        user_env="MARIADB_USER",
        database_env="MARIADB_DATABASE",
        default_user="app",
        server_env=(("MARIADB_RANDOM_ROOT_PASSWORD", "yes"),),
        url_scheme="mysql",
        test_command="mariadb-admin ping -h {host} -P {port} --silent",
        label="MariaDB",
    ),
    "mongodb": Datastore(
        _hub("mongo", "8.0.14"),
        27017,
        {"7": "7.0.14", "7.0": "7.0.14", "8": "8.0.14", "8.0": "8.0.14"},
        250,
        512,
        8,
        "/data/db",
        is_database=True,
        ready_command=_MONGO_PING,
        password_env="MONGO_INITDB_ROOT_PASSWORD",
        user_env="MONGO_INITDB_ROOT_USERNAME",
        database_env="MONGO_INITDB_DATABASE",
        default_user="app",
        url_scheme="mongodb",
        test_command=_MONGO_PING,
        label="MongoDB",
    ),
    "redis": Datastore(
        _hub("redis", "7.4.5-alpine"),
        6379,
        {"6": "6.2.17-alpine", "7": "7.4.5-alpine", "8": "8.0.3-alpine"},
        100,
        128,
        1,
        "/data",
        password_env="REDIS_PASSWORD",
        args=("--requirepass", "$(REDIS_PASSWORD)"),
        url_scheme="redis",
        test_command='redis-cli -h {host} -p {port} -a "$REDIS_PASSWORD" --no-auth-warning ping',
        label="Redis",
    ),
    "memcached": Datastore(
        _hub("memcached", "1.6.39-alpine"),
        11211,
        {"1": "1.6.39-alpine"},
        100,
        128,
        0,
        "/var/cache/memcached",
        persistent=False,
        label="Memcached",
    ),
    "rabbitmq": Datastore(
        _hub("rabbitmq", "4.1.2-management-alpine"),
        5672,
        {"3": "3.13.7-management-alpine", "4": "4.1.2-management-alpine"},
        250,
        512,
        8,
        "/var/lib/rabbitmq",
        password_env="RABBITMQ_DEFAULT_PASS",
        user_env="RABBITMQ_DEFAULT_USER",
        default_user="app",
        url_scheme="amqp",
        test_command="rabbitmq-diagnostics -q check_port_connectivity",
        label="RabbitMQ",
    ),
    "kafka": Datastore(
        Image(registry="docker.io", repository="apache/kafka", tag="4.0.0", digest=""),
        9092,
        {"4": "4.0.0", "3": "3.9.0"},
        500,
        1024,
        10,
        "/var/lib/kafka/data",
        label="Kafka",
    ),
    "elasticsearch": Datastore(
        Image(
            registry="docker.elastic.co",
            repository="elasticsearch/elasticsearch",
            tag="8.18.4",
            digest="",
        ),
        9200,
        {"8": "8.18.4"},
        500,
        2048,
        10,
        "/usr/share/elasticsearch/data",
        password_env="ELASTIC_PASSWORD",
        default_user="elastic",
        server_env=(("discovery.type", "single-node"),),
        url_scheme="http",
        label="Elasticsearch",
    ),
    "nats": Datastore(
        _hub("nats", "2.11.4-alpine"),
        4222,
        {"2": "2.11.4-alpine"},
        100,
        128,
        1,
        "/data",
        args=("-js", "-sd", "/data"),
        url_scheme="nats",
        label="NATS",
    ),
}


def is_datastore_image(image: Image | None) -> bool:
    """Say whether ``image`` is one of the datastores helm-bot bundles (the app *is* one)."""
    if image is None:
        return False
    base = image.repository.rsplit("/", 1)[-1]
    return any(base == d.image.repository.rsplit("/", 1)[-1] for d in DATASTORES.values())
