"""`docker run` lines, parts introduced by their kind, and the story around the request.

Each rule was a miss on blind round 16 (requests written from projects' READMEs, compose files
and docs the parser had not seen); the requests here say the same things in other words.
"""

from __future__ import annotations

from bot.tools.requirements import parse_requirements
from tests.reading_helpers import env_of, part, secrets_of, wired_of

# --------------------------------------------------------------------------------- docker run


def test_a_docker_run_line_is_read_as_the_service_it_starts() -> None:
    r = parse_requirements(
        "This is how the VM runs it today:\n\n```\n"
        "docker run -d --name some-ledger-server \\\n  -p 9443:9443 \\\n"
        "  -e LEDGER_HEAP=2g -e LEDGER_MODE=single \\\n"
        "  -v ledger_data:/opt/ledger/data \\\n  -v ledger_logs:/opt/ledger/logs \\\n"
        "  acme/ledger-server:3.1.0 --verbose\n```\n\n"
        "PVCs on storageClass `fast-rwo`: ledger_data 50Gi, ledger_logs 5Gi (same paths).\n"
    )
    assert r.image is not None and r.image.reference == "acme/ledger-server:3.1.0"
    assert r.component == "ledger" and r.components == []  # the app's name, not the container's
    assert [p.port for p in r.ports] == [9443]
    assert env_of(r) == {"LEDGER_HEAP": "2g", "LEDGER_MODE": "single"}
    assert r.args == ["--verbose"]
    volumes = {v.mount_path: (v.persistent, v.size, v.storage_class) for v in r.volumes}
    assert volumes == {
        "/opt/ledger/data": (True, "50Gi", "fast-rwo"),
        "/opt/ledger/logs": (True, "5Gi", "fast-rwo"),
    }


def test_the_image_the_request_names_wins_over_the_one_its_docker_run_line_ran() -> None:
    r = parse_requirements(
        "### Image\n\nghcr.io/acme/probe:v2.0.1\n\n### How we run it now\n\n```\n"
        "sudo docker run --publish=8080:8080 --detach=true --name=probe acme/probe:latest\n```\n"
    )
    assert r.image is not None and r.image.reference == "ghcr.io/acme/probe:v2.0.1"
    assert [p.port for p in r.ports] == [8080]


def test_an_argument_that_is_a_scratch_path_is_no_host_mount() -> None:
    r = parse_requirements(
        "Image `acme/board:2.4.1`, port 8000. It runs "
        "`gunicorn --worker-tmp-dir /dev/shm --access-logfile - board.wsgi -b 0.0.0.0:8000`."
    )
    assert r.host_mounts == [] and r.elevated.host_path == []
    assert r.args[:3] == ["gunicorn", "--worker-tmp-dir", "/dev/shm"]


# ------------------------------------------------------------------ parts introduced by kind


def test_parts_introduced_as_the_name_then_their_kind() -> None:
    r = parse_requirements(
        "Please chart `acme/onboard:v2.4.1` as three workloads from that image.\n\n"
        "The **web** Deployment serves the app. It should run `python manage.py collectstatic "
        "--no-input` before starting, then `gunicorn app.wsgi -b 0.0.0.0:8000`. It listens on "
        "8000. Two replicas.\n\n"
        "The **scheduler** Deployment runs `python manage.py qcluster`. Exactly one replica.\n\n"
        "The **migrate** Job runs `python manage.py migrate`. Run it as a Helm hook on "
        "pre-install and pre-upgrade.\n\n"
        "The full connection string is in the Secret `onboard-secrets` under key `database-url` "
        "and must be passed as `DATABASE_URL`. The same Secret holds the Django key under "
        "`secret-key`, for `SECRET_KEY`.\n"
    )
    assert r.component == "web" and r.workload in (None, "Deployment")
    assert r.args == ["gunicorn", "app.wsgi", "-b", "0.0.0.0:8000"]
    assert [c.command for c in r.init_containers] == [
        ["python", "manage.py", "collectstatic", "--no-input"]
    ]
    assert part(r, "scheduler").args == ["python", "manage.py", "qcluster"]
    migrate = part(r, "migrate")
    assert migrate.workload == "Job" and migrate.hook == "pre-install,pre-upgrade"
    secrets = secrets_of(r)
    assert secrets["SECRET_KEY"] == ("onboard-secrets", "secret-key")
    assert secrets["DATABASE_URL"] == ("onboard-secrets", "database-url")


def test_a_compose_service_named_cron_is_no_cronjob_for_the_main_workload() -> None:
    r = parse_requirements(
        "All workloads use the image `crm:4.1.2-apache`. There are three of them.\n\n"
        "The first is the web app itself. Apache listens on port 80. Run two replicas of it.\n\n"
        "The second is the queue worker, started with `queue.sh`, with a single replica.\n\n"
        "The third replaces the example's `cron` service. Please make it a Kubernetes CronJob "
        "called `scheduler` that runs `php artisan schedule:run` every minute (`* * * * *`).\n"
    )
    assert r.component == "web" and r.workload != "CronJob" and not r.schedule
    assert part(r, "scheduler").schedule == "* * * * *"
    assert part(r, "queue").args == ["queue.sh"]


def test_a_part_named_by_its_role_keeps_the_request_word_for_it() -> None:
    r = parse_requirements(
        "- image `ghcr.io/acme/split:1.22.0` (no more `latest`, that's how I got a surprise "
        "migration)\n"
        "- the app container should only run `npm run start`, listening on 3000\n"
        "- the migration (`npx prisma migrate deploy`) as a separate Job, as a helm hook on "
        "post-install and pre-upgrade, same image\n"
        "- postgres 17 inside the chart please. Both `POSTGRES_PRISMA_URL` and "
        "`POSTGRES_URL_NON_POOLING` must point to it, for the app and for the migration job\n"
    )
    assert r.component == "app" and r.image is not None and r.image.tag == "1.22.0"
    migration = part(r, "migration")
    assert migration.workload == "Job" and migration.hook == "post-install,pre-upgrade"
    for each in (r, migration):
        wired = wired_of(each)
        assert wired == {
            "POSTGRES_PRISMA_URL": "postgresql",
            "POSTGRES_URL_NON_POOLING": "postgresql",
        }


def test_the_part_a_sentence_compares_with_is_not_the_one_it_is_about() -> None:
    r = parse_requirements(
        "Image `acme/sink:2.4.0`, port 8000, a single replica. Keep the postgres 17 inside the "
        "chart and build `DATABASE_URL` from it.\n"
        "- plus a nightly CronJob named `cleanup` with the same image and the same env as web "
        "(`DATABASE_URL`) that runs `sink-manage prune --days 90` at 04:15. Never twice at once.\n"
    )
    assert r.workload != "CronJob" and r.replicas.min == 1
    cleanup = part(r, "cleanup")
    assert cleanup.workload == "CronJob" and cleanup.args[:2] == ["sink-manage", "prune"]
    assert [x.env for x in cleanup.connections] == ["DATABASE_URL"]


# ------------------------------------------------------------------------------- the story


def test_what_was_hand_written_before_is_history_not_the_replica_count() -> None:
    r = parse_requirements(
        "I hand-wrote a Deployment with `replicas: 3` and pointed it at a postgres I installed "
        "separately and... it's not going great. What I'd like:\n"
        "- image `ghcr.io/acme/split:1.22.0`, port 3000\n"
        "- autoscale 2 to 6 pods at 75% cpu\n"
    )
    assert (r.replicas.min, r.replicas.max) == (2, 6) and r.target_cpu == 75


def test_my_first_attempt_names_no_workload_kind() -> None:
    r = parse_requirements(
        "My first attempt was a plain Deployment plus an nginx ingress. Now: `acme/flow:2.4.0`, "
        "a StatefulSet with 1 replica, port 8443.\n"
    )
    assert r.workload == "StatefulSet"


# ------------------------------------------------------------------- compose files, continued


def test_an_env_file_reads_the_project_variables_and_a_list_of_commands_are_cronjobs() -> None:
    r = parse_requirements(
        "Our compose file:\n\n```yaml\nservices:\n  db:\n    image: mysql:8.0\n"
        "  app_web:\n    image: acme/mail:5-apache\n    ports: ['8001:80']\n"
        "    env_file: [.app_env]\n    volumes: ['config:/var/www/html/config']\n"
        "  app_cron:\n    image: acme/mail:5-apache\n    volumes: ['config:/var/www/html/config']\n"
        'volumes:\n  config:\n```\n\n`.app_env`:\n\n```\nAPP_DB_HOST="${MYSQL_HOST}"\n'
        'APP_DB_NAME="${MYSQL_DATABASE}"\n```\n\nand `.env`:\n\n```\nMYSQL_HOST=db\n'
        "MYSQL_DATABASE=mail\n```\n\n"
        "1. The config directory must be shared between web and the cron jobs, so put it on "
        "ReadWriteMany storage.\n"
        "2. Instead of the `app_cron` container running crond, I want real Kubernetes CronJobs "
        "running the console commands directly, timezone `Europe/Amsterdam`:\n"
        "   - `php bin/console mail:queue:flush` every 15 minutes (`*/15 * * * *`)\n"
        "   - `php bin/console mail:stats:update` at `5,35 * * * *`\n"
    )
    names = {c.name for c in r.components}
    assert names == {"queue-flush", "stats-update"}  # the cron container gave way to them
    flush = part(r, "queue-flush")
    assert flush.schedule == "*/15 * * * *" and flush.cron.time_zone == "Europe/Amsterdam"
    assert flush.args == ["php", "bin/console", "mail:queue:flush"]
    assert [(v.mount_path, v.access_mode) for v in flush.volumes] == [
        ("/var/www/html/config", "ReadWriteMany")
    ]
    assert r.workload != "CronJob"
    env = env_of(r)
    assert env.get("APP_DB_NAME") == "mail"  # "${MYSQL_DATABASE}" filled from `.env`


def test_a_bind_mount_the_request_leaves_behind_is_no_volume() -> None:
    r = parse_requirements(
        "```yaml\nservices:\n  web:\n    image: acme/tube:8.3.2\n    ports: ['80:80']\n"
        "    volumes:\n      - ./:/home/app/\n      - media:/home/app/media\nvolumes:\n  media:\n"
        "```\n\nDon't copy the `./:/home/app/` bind mount, that's the source tree. The media "
        "goes on a 500Gi volume.\n"
    )
    assert [v.mount_path for v in r.volumes] == ["/home/app/media"]


def test_a_table_of_volumes_and_a_class_named_after_nfs() -> None:
    r = parse_requirements(
        "Image `acme/tracker:2025.2`, port 8080.\n\n| path | size | storageClass |\n"
        "|---|---|---|\n| `/opt/tracker/data` | 50Gi | `ceph-rbd` |\n"
        "| `/opt/tracker/backups` | 100Gi | `nfs-backup` |\n\nAll ReadWriteOnce. TLS uses our "
        "wildcard certificate, which already exists as the Secret `wildcard-acme-tls`; host "
        "`tracker.acme.io`.\n"
    )
    volumes = {v.mount_path: (v.size, v.storage_class, v.access_mode) for v in r.volumes}
    assert volumes == {
        "/opt/tracker/data": ("50Gi", "ceph-rbd", "ReadWriteOnce"),
        "/opt/tracker/backups": ("100Gi", "nfs-backup", "ReadWriteOnce"),
    }
    assert r.ingress is not None and r.ingress.tls_secret == "wildcard-acme-tls"


def test_links_in_a_pasted_docs_table_are_no_ingress_hosts() -> None:
    r = parse_requirements(
        "From the docs (https://graph.example.org/docs/operations/settings/):\n\n"
        "| Variable | Default | Description |\n|---|---|---|\n"
        "| TZ | `Etc/UTC` | Timezone (Can be found at https://en.wikipedia.org/wiki/Tz) |\n"
        "| GEO_ID | `null` | maxmind.com user id |\n\n"
        "Image `acme/stats:1.1.8`, port 3000, ingress at `stats.media.lan`. Plugins download "
        "at startup, `/data` is the volume to persist.\n"
    )
    assert r.ingress is not None and r.ingress.hosts == ["stats.media.lan"]
    assert r.ingress.path in ("", "/")
    assert r.startup is None  # "at startup" is when, not a probe


def test_a_stated_datastore_release_line_is_kept_and_its_size_said_for_it() -> None:
    r = parse_requirements(
        "Image `acme/track:3.4.2`, port 3000. The bundled MongoDB has to be 4.4, not newer. "
        "10Gi of storage for it is plenty.\n- MongoDB inside the chart (4.4, see above).\n"
        "- Two Track replicas.\n"
    )
    assert [(d.kind, d.version) for d in r.dependencies] == [("mongodb", "4.4")]
    assert r.volumes == [] and (r.replicas.min, r.replicas.max) == (2, 2)


# ------------------------------------------------------------------- lists of values and heads


def test_a_list_of_variables_with_arrows_gives_values_and_one_item_its_secret() -> None:
    r = parse_requirements(
        "Image `ghcr.io/acme/tube:v2025.9.26`, port 8945. Going down the list:\n"
        "- `TZ` → `Europe/Lisbon`\n"
        "- `BASIC_AUTH_USERNAME` / `BASIC_AUTH_PASSWORD` → both from our existing Secret "
        "`tube-auth`, keys `username` and `password`\n"
        "- `EXPOSE_FEED_ENDPOINTS` → `true`\n- `WORKER_CONCURRENCY` → `1`\n"
    )
    env = env_of(r)
    assert env == {
        "TZ": "Europe/Lisbon",
        "EXPOSE_FEED_ENDPOINTS": "true",
        "WORKER_CONCURRENCY": "1",
    }
    assert secrets_of(r) == {
        "BASIC_AUTH_USERNAME": ("tube-auth", "username"),
        "BASIC_AUTH_PASSWORD": ("tube-auth", "password"),
    }


def test_keys_listed_in_the_sentence_after_the_secret() -> None:
    r = parse_requirements(
        "Image `acme/bill:1.0`, port 3000. The secrets already exist as secret `bill-secrets`. "
        "Keys: `secret-key-base` -> SECRET_KEY_BASE, `rsa-private-key` -> RSA_PRIVATE_KEY.\n"
    )
    assert secrets_of(r) == {
        "SECRET_KEY_BASE": ("bill-secrets", "secret-key-base"),
        "RSA_PRIVATE_KEY": ("bill-secrets", "rsa-private-key"),
    }


def test_form_headings_that_are_labels_name_no_workload() -> None:
    form = parse_requirements(
        "### Service\n\nFlags (feature flags server)\n\n### Image\n\nacme/flags-server:6.5.3\n\n"
        "### Port\n\n4242\n"
    )
    assert form.components == []
    table = parse_requirements(
        "## Workload\n\n| Setting | Value |\n|---|---|\n| Kind | DaemonSet, name `agent` |\n"
        "| Image | `acme/agent:v1.13.0` |\n"
    )
    assert table.components == [] and table.image is not None
    assert table.image.reference == "acme/agent:v1.13.0"


def test_a_value_used_instead_of_an_example_drops_no_compose_service() -> None:
    r = parse_requirements(
        "```yaml\nservices:\n  feeds:\n    image: acme/feeds:latest-postgresql\n"
        "    environment:\n      - FEEDS_DB_USER=feeds\n    ports: ['8082:8082']\n```\n\n"
        "- pinned: `acme/feeds:5.4.0-postgresql`, port 8082\n"
        "- a generated password instead of `feeds` (user and database stay `feeds`)\n"
    )
    assert r.image is not None and r.image.tag == "5.4.0-postgresql"
    assert env_of(r).get("FEEDS_DB_USER") == "feeds"


def test_compose_services_take_the_names_the_request_gives_them() -> None:
    r = parse_requirements(
        "The services should become `web` (the `archive` service) and `scheduler` "
        "(`archive_scheduler`).\n\n```yaml\nservices:\n  archive:\n    image: acme/archive:0.7.3\n"
        "    ports: ['8000:8000']\n  archive_scheduler:\n    image: acme/archive:0.7.3\n"
        "    command: schedule --foreground\n    depends_on: [archive]\n```\n"
    )
    assert r.component == "web" and [c.name for c in r.components] == ["scheduler"]
    assert r.components[0].args == ["schedule", "--foreground"]


def test_sentences_that_go_on_with_it_stay_with_the_part_just_named() -> None:
    r = parse_requirements(
        "Image `acme/dav:5.4.3`, port 9000. We want that as a Job called `migrations`, from the "
        "same image, running `bin/console migrate --no-interaction`. Run it as a Helm hook on "
        "post-install and pre-upgrade. Keep 3 failed jobs of the nightly `sync` CronJob, which "
        "runs `bin/console sync` at 02:30.\n"
    )
    assert r.workload != "Job" and not r.hook
    assert next(c for c in r.components if c.name == "migrations").hook == (
        "post-install,pre-upgrade"
    )


def test_a_bare_name_over_a_list_is_that_part_s_title() -> None:
    r = parse_requirements(
        "What I'd like:\n\nweb\n- image `acme/desk:11.0.4`, port 80\n- 3 replicas\n\n"
        "cron\n- same image, exactly 1 replica\n- `DESK_CRON=1`\n\n"
        "Before that it was a bare-metal install with a system crontab.\n"
    )
    assert r.workload != "CronJob" and r.replicas.min == 3
    cron = next(c for c in r.components if c.name == "cron")
    assert cron.replicas.min == 1 and {e.name for e in cron.env} == {"DESK_CRON"}


def test_a_terse_line_with_a_volume_and_a_setting_s_scratch_directory() -> None:
    r = parse_requirements(
        "tube ghcr.io/acme/tube:2026.08.17 on 8081. /downloads = 200Gi nfs-client RWX pvc, "
        "TEMP_DIR=/tmp/tube on an emptyDir, THEME=dark. mem limit 1Gi. ingress tube.home.arpa"
    )
    volumes = {v.mount_path: (v.persistent, v.size) for v in r.volumes}
    assert volumes == {"/downloads": (True, "200Gi"), "/tmp/tube": (False, "")}
    assert env_of(r)["TEMP_DIR"] == "/tmp/tube"


def test_a_host_pointed_at_a_part_routes_everything_there() -> None:
    r = parse_requirements(
        "Three parts: **search** (`acme/search:v1.11.3`, port 7700), **db** (`acme/db:v0.18.3`, "
        "port 8090) and **web** (`acme/web:v0.18.3`, port 3000).\n\n"
        "Ingress: `trails.example.org` → web, class traefik.\n"
    )
    assert r.ingress is not None and r.ingress.hosts == ["trails.example.org"]
    assert {(x.path, x.component) for x in r.ingress.routes} == {("/", "web")}
