"""Reading rules from blind round 22, second half: parts that reach each other, lists that pair
variables with datastores, terse notes, and what a sentence says for every part.

Each rule was a miss on requests written from public material (Milvus, Mbin, Nakama, Koel,
Quickwit, Overseerr, Peppermint, LibreNMS, Convoy, Plex, ...) that the parser had not seen; the
sentences here say the same things in other words and for other apps.
"""

from __future__ import annotations

from tests.reading_helpers import env_of, names_of, part, read, secrets_of, wired_of

# ----------------------------------------------------------------------- parts reaching parts


def test_variables_that_point_at_other_parts_of_the_chart() -> None:
    r = read(
        "Three workloads:\n- `ledger`: image `acme/ledger:2.0`, port 8000\n"
        "- `cache`: image `acme/cache:1.1`, port 7000\n"
        "- `indexer`: image `acme/indexer:1.1`, port 9200\n\n"
        "On ledger, `LEDGER_CACHE_ADDR` and `LEDGER_INDEX_URL` must point at the chart's own cache "
        "(port 7000) and indexer."
    )
    ledger = part(r, "ledger")
    links = {p.env: (p.component, p.form, p.port) for p in ledger.peers}
    assert links == {
        "LEDGER_CACHE_ADDR": ("cache", "address", 7000),
        "LEDGER_INDEX_URL": ("indexer", "url", 9200),
    }


def test_variables_paired_with_datastores_in_the_order_said() -> None:
    r = read(
        "Image `acme/board:3.0`, port 8080. Bundle PostgreSQL, RabbitMQ and Redis in the chart. "
        "`BOARD_DB_URL`, `BOARD_QUEUE_DSN` and `BOARD_CACHE_DNS` must point at the bundled "
        "postgres, rabbitmq and\nredis. Don't expose the RabbitMQ management UI."
    )
    assert {d.kind for d in r.dependencies} >= {"postgresql", "rabbitmq", "redis"}
    assert wired_of(r) == {
        "BOARD_DB_URL": "postgresql",
        "BOARD_QUEUE_DSN": "rabbitmq",
        "BOARD_CACHE_DNS": "redis",
    }


def test_a_datastore_outside_the_chart_is_reached_with_a_secret_not_a_service() -> None:
    r = read(
        "```yaml\nservices:\n  app:\n    image: acme/inventory:4.2\n    ports: ['8000:8000']\n"
        "    environment:\n      DB_HOST: db\n      DB_PASSWORD: ${DB_PASSWORD}\n  db:\n"
        "    image: mariadb:11\n```\n"
        "Don't deploy the `db` service: we use our managed MariaDB at `db1.corp.internal`. "
        "`DB_PASSWORD` comes from our existing Secret `inventory-db`, key `password`."
    )
    assert secrets_of(r)["DB_PASSWORD"] == ("inventory-db", "password")
    assert "DB_PASSWORD" not in wired_of(r)


def test_a_one_word_variable_set_to_the_bundled_store_and_read_from_a_secret() -> None:
    r = read(
        "A nightly backup CronJob, image `postgres:16-alpine`, running `pg_dumpall -f /out/a.sql`. "
        "PostgreSQL is bundled in the chart. Set PGHOST to the bundled postgres service and "
        "PGPASSWORD from `shop-db`/`password`."
    )
    assert wired_of(r) == {"PGHOST": "postgresql", "PGPASSWORD": "postgresql"}
    store = next(d for d in r.dependencies if d.kind == "postgresql")
    assert (store.existing_secret, store.password_key) == ("shop-db", "password")


# ----------------------------------------------------------------------- facts for every part


def test_a_count_or_a_bracketed_label_speaks_for_every_part() -> None:
    r = read(
        "Two parts:\n- `ingest`: image `acme/ingest:2.1`\n"
        "- `ui`: image `acme/ingest-ui:2.1`\n\n"
        "Both should be StatefulSets.\n\n"
        "**Ports (all components):** 9000 API (TCP), 9001 admin (TCP).\n\n"
        "The two containers need `TZ=Europe/Oslo`."
    )
    assert sorted([r.component, *names_of(r)]) == ["ingest", "ui"]  # `ui` is no "frontend" too
    for name in ("ingest", "ui"):
        each = part(r, name)
        assert each.workload == "StatefulSet"
        assert env_of(each)["TZ"] == "Europe/Oslo"
    assert [p.port for p in part(r, "ingest").ports] == [9000, 9001]


def test_a_heading_over_a_list_says_the_access_mode_of_every_volume() -> None:
    r = read(
        "Image `acme/gallery:5.0`, port 80.\n\n"
        "**Volumes** (all on the storage class `cephfs`, ReadWriteMany, a CronJob mounts them):\n"
        "- `/photos` — originals, 200Gi\n"
        "- `/var/lib/gallery/thumbs` — thumbnails and previews, 20Gi\n"
    )
    volumes = {v.mount_path: (v.size, v.storage_class, v.access_mode) for v in r.volumes}
    assert volumes == {
        "/photos": ("200Gi", "cephfs", "ReadWriteMany"),
        "/var/lib/gallery/thumbs": ("20Gi", "cephfs", "ReadWriteMany"),
    }


def test_a_job_that_mounts_the_apps_volume_and_shares_its_database_settings() -> None:
    r = read(
        "Image `acme/wiki:3.3`, port 3000. PostgreSQL in the chart; `WIKI_DB_HOST` must point at "
        "it and `WIKI_DB_PASSWORD` comes from the existing Secret `wiki-db`, key `password`. "
        "`/srv/wiki` is a 10Gi volume.\n\n"
        "**Reindex (CronJob `reindex`)**\n"
        "- It reindexes the pages daily. Run `wiki reindex` with the same image and the same "
        "database variables, mounting `/srv/wiki`.\n"
        "- daily at 02:45, timeZone `Europe/Rome`\n"
    )
    job = part(r, "reindex")
    assert job.schedule == "45 2 * * *"
    assert [v.mount_path for v in job.volumes] == ["/srv/wiki"]
    assert wired_of(job).get("WIKI_DB_HOST") == "postgresql"


# ---------------------------------------------------------------------------- terse notes


def test_terse_probes_ports_resources_and_arguments() -> None:
    r = read(
        "relay chart\n"
        "- img `ghcr.io/acme/relay:0.9.1`, started with the `serve` argument\n"
        "- ports: 7000 HTTP (TCP), 7001 gRPC (TCP)\n"
        "- ready+live: GET /api/status\n"
        "- res: requests cpu 100m, memory 128Mi / limits memory 256Mi\n"
        "- env:\n  - `MODE=edge`\n  - `SSL=true`\n"
    )
    assert r.args == ["serve"]
    assert [(p.port, p.name) for p in r.ports] == [(7000, "http"), (7001, "grpc")]
    assert r.readiness is not None and r.readiness.path == "/api/status"
    assert r.liveness is not None and r.liveness.path == "/api/status"
    assert r.limits is not None and r.limits.memory == "256Mi"
    assert env_of(r) == {"MODE": "edge", "SSL": "true"}


def test_arguments_the_chart_must_pass_and_a_command_after_the_image() -> None:
    r = read(
        "Two parts. `api` uses `ghcr.io/acme/api:1.0`; its compose ran `--debug --port=9000`, so "
        "the args should be `--port=9000 --quiet`. `blob` runs `quay.io/acme/blob:RELEASE.2024` "
        "with `blob serve /data`."
    )
    assert part(r, "api").args == ["--port=9000", "--quiet"]
    assert part(r, "blob").args == ["blob", "serve", "/data"]
    assert sorted([r.component, *names_of(r)]) == ["api", "blob"]


def test_a_service_that_keeps_the_container_ports() -> None:
    r = read(
        "Image `acme/helpdesk:4.0`.\n\nPorts:\n- 3000: web client\n- 5003: API\n\n"
        "Both on one ClusterIP Service."
    )
    assert [(p.port, p.service_port) for p in r.ports] == [(3000, 3000), (5003, 5003)]


def test_parts_listed_in_one_sentence_each_with_its_brackets() -> None:
    r = read(
        "Three workloads: `ledger` (image `acme/ledger:2.0`, port 8000), a `cache` (image "
        "`acme/cache:1.1`, port 7000) and an `indexer` (image `acme/indexer:1.1`, port 9200)."
    )
    assert [p.port for p in part(r, "cache").ports] == [7000]
    indexer = part(r, "indexer")
    assert [p.port for p in indexer.ports] == [9200]
    assert indexer.image is not None and indexer.image.reference == "acme/indexer:1.1"
