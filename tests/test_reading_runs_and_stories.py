"""`docker run` lines, parts introduced by their kind, and the story around the request.

Each rule was a miss on blind round 16 (requests written from projects' READMEs, compose files
and docs the parser had not seen); the requests here say the same things in other words.
"""

from __future__ import annotations

from bot.tools.models import Requirements
from bot.tools.requirements import parse_requirements


def _part(requirements: Requirements, name: str):  # noqa: ANN202 - a Workload
    if requirements.component == name:
        return requirements
    return next(c for c in requirements.components if c.name == name)


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
    assert {e.name: e.value for e in r.env} == {"LEDGER_HEAP": "2g", "LEDGER_MODE": "single"}
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
    assert _part(r, "scheduler").args == ["python", "manage.py", "qcluster"]
    migrate = _part(r, "migrate")
    assert migrate.workload == "Job" and migrate.hook == "pre-install,pre-upgrade"
    secrets = {s.env: (s.secret_name, s.key) for s in r.secrets}
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
    assert _part(r, "scheduler").schedule == "* * * * *"
    assert _part(r, "queue").args == ["queue.sh"]


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
    migration = _part(r, "migration")
    assert migration.workload == "Job" and migration.hook == "post-install,pre-upgrade"
    for part in (r, migration):
        wired = {x.env: x.dependency for x in part.connections}
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
    cleanup = _part(r, "cleanup")
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
