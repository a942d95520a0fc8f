"""How helm-bot reads the layouts and phrasings of runbooks and long tickets, rule by rule.

Tables of jobs, definition lists of processes, headed sections with lists, sentences that pair
variables with Secrets clause by clause, datastores said to stay outside or to be the chart's,
scratch space beside a claim. Each request here is written for its test, unlike the corpus's.
"""

from __future__ import annotations

from bot.tools.parsing.images import parse_image
from bot.tools.parsing.tables import tables_as_lines
from bot.tools.requirements import parse_requirements, redact_secrets
from tests.reading_helpers import env_of, part, secrets_of, workloads

# ----------------------------------------------------------------------------- layouts


def test_a_table_of_jobs_gives_each_row_its_own_workload() -> None:
    req = parse_requirements(
        "Chart for our exporters, image `ghcr.io/acme/export:3.2.0`.\n\n"
        "| Job | Cron | Args |\n"
        "|-----|------|------|\n"
        "| `export-orders` | `15 1 * * *` | `orders --since 24h` |\n"
        "| `export-users` | `45 1 * * 1` | `users --full` |\n\n"
        "| Job | CPU request | Memory limit |\n"
        "|---|---|---|\n"
        "| `export-orders` | 200m | 1Gi |\n"
        "| `export-users` | 100m | 512Mi |\n"
    )
    found = workloads(req)
    assert set(found) == {"export-orders", "export-users"}
    assert found["export-orders"].schedule == "15 1 * * *"
    assert found["export-users"].schedule == "45 1 * * 1"
    assert found["export-orders"].args == ["orders", "--since", "24h"]
    assert found["export-users"].args == ["users", "--full"]
    assert found["export-users"].limits.memory == "512Mi"
    assert found["export-orders"].resources.cpu == "200m"


def test_a_two_column_table_is_a_list_of_settings() -> None:
    text = "| Setting | Value |\n|---|---|\n| Port | 9000 |\n| Replicas | 3 |\n"
    assert tables_as_lines(text) == "Port: 9000\nReplicas: 3\n"
    req = parse_requirements("Image `ghcr.io/acme/api:1.0.0`.\n\n" + text)
    assert [p.port for p in req.ports] == [9000] and req.replicas.min == 3


def test_a_definition_list_of_processes_names_the_components() -> None:
    req = parse_requirements(
        "Everything runs from `ghcr.io/acme/shop:4.1.0`:\n\n"
        "- `api` - the HTTP side, port 8000, 3 replicas\n"
        "- `mailer` - runs `mailer`, one replica\n"
        "- `indexer` - runs `python -m shop.index --loop`\n"
    )
    found = workloads(req)
    assert set(found) == {"api", "mailer", "indexer"}
    assert found["mailer"].args == ["mailer"]  # one word, said to be what it runs
    assert found["indexer"].args == ["python", "-m", "shop.index", "--loop"]
    assert found["api"].replicas.min == 3


def test_a_named_migration_job_is_its_own_hook_even_when_the_sentence_wraps() -> None:
    req = parse_requirements(
        "Deploy ghcr.io/acme/shop:2.3.1 on port 8080 with 2 replicas.\n\n"
        "Before each release add a `schema-migrate` Job that runs `shop db migrate` as a\n"
        "pre-install,pre-upgrade hook.\n"
    )
    migrate = part(req, "schema-migrate")
    assert migrate.workload == "Job" and migrate.hook == "pre-install,pre-upgrade"
    assert migrate.args == ["shop", "db", "migrate"]
    assert req.workload != "Job" and not req.hook and req.replicas.min == 2  # the app keeps its own


def test_a_headed_section_that_is_a_list_keeps_its_items_apart() -> None:
    req = parse_requirements(
        "## Image\n\n`ghcr.io/acme/sync:1.4.0`\n\n## Jobs\n\n"
        "- `sync-a` - schedule `0 * * * *`, runs `sync --source a`\n"
        "- `sync-b` - schedule `30 * * * *`, runs `sync --source b`\n\n"
        "## Scratch (both jobs)\n\n- an emptyDir at `/work`\n\n"
        "## Notes\n\nThey must never overlap: `concurrencyPolicy: Forbid`.\n"
    )
    found = workloads(req)
    assert set(found) == {"sync-a", "sync-b"}
    for job in found.values():
        assert [v.mount_path for v in job.volumes if not v.persistent] == ["/work"]
        assert job.cron.concurrency_policy == "Forbid"


def test_a_cron_expression_outranks_a_schedule_said_in_words_before_it() -> None:
    req = parse_requirements(
        "Our reports are mailed once a week.\n\n"
        "- `weekly-report` - schedule `0 6 * * 1`, runs `report --mail`, image "
        "`ghcr.io/acme/report:1.0.0`\n"
        "- `daily-digest` - schedule `0 7 * * *`, runs `report --digest`\n"
    )
    assert workloads(req)["weekly-report"].schedule == "0 6 * * 1"


# ----------------------------------------------------------------- secrets, clause by clause


def test_each_clause_pairs_its_variables_with_its_secret_and_that_secret_looks_back() -> None:
    req = parse_requirements(
        APP + "The DSN lives in the existing secret `shop-db`, key `dsn`. The app reads "
        "`SHOP_DATABASE_URL` from that secret, `SHOP_JWT_KEY` and `SHOP_HMAC_KEY` from the "
        "secret `shop-keys` (keys `jwt` and `hmac`), and `SHOP_LOG_FORMAT=json`."
    )
    assert secrets_of(req) == {
        "SHOP_DATABASE_URL": ("shop-db", "dsn"),
        "SHOP_JWT_KEY": ("shop-keys", "jwt"),
        "SHOP_HMAC_KEY": ("shop-keys", "hmac"),
    }


def test_a_url_for_one_datastore_is_not_wired_to_another() -> None:
    req = parse_requirements(
        APP + "Postgres stays where it is: `SHOP_DATABASE_URL` comes from the existing secret "
        "`shop-db`, key `url`, and `SHOP_CACHE_URL` points at a Redis the chart runs itself."
    )
    assert "postgresql" not in [d.kind for d in req.dependencies if not d.external]
    assert [(c.env, c.dependency) for c in req.connections] == [("SHOP_CACHE_URL", "redis")]
    assert secrets_of(req)["SHOP_DATABASE_URL"] == ("shop-db", "url")


def test_no_shared_instance_means_the_chart_runs_its_own() -> None:
    req = parse_requirements(APP + "We don't have a shared Redis, so `REDIS_URL` needs one.")
    assert [d.kind for d in req.dependencies if not d.external] == ["redis"]


def test_tls_with_an_existing_wildcard_secret() -> None:
    req = parse_requirements(
        APP + "Ingress shop.example.com, TLS with our existing wildcard secret `wildcard-example`."
    )
    assert req.ingress is not None and req.ingress.tls_secret == "wildcard-example"


# ----------------------------------------------------------------------------- node and pod


def test_a_memory_backed_shm_and_a_path_in_the_container_are_no_host_paths() -> None:
    req = parse_requirements(
        "A DaemonSet of ghcr.io/acme/agent:1.0.0 on every node. State goes to `/agent-state` in "
        "the container. `/dev/shm` must be a memory-backed emptyDir, and the model cache at "
        "`/models` a 20Gi PVC."
    )
    assert req.elevated.host_path == []
    volumes = {v.mount_path: v for v in req.volumes}
    assert not volumes["/dev/shm"].persistent
    assert volumes["/models"].persistent and volumes["/models"].size == "20Gi"


def test_a_labelled_pool_and_its_taint_place_the_pods() -> None:
    req = parse_requirements(
        APP + "The batch pool is labelled `pool.example.com/batch: yes-please` and tainted with "
        "`pool.example.com/batch` (NoExecute), and the pods must tolerate the "
        "`dedicated` taint (effect NoSchedule) too. terminationGracePeriodSeconds of 45."
    )
    assert req.node_selector == {"pool.example.com/batch": "yes-please"}
    assert {(t.key, t.effect) for t in req.tolerations} == {
        ("pool.example.com/batch", "NoExecute"),
        ("dedicated", "NoSchedule"),
    }
    assert req.termination_grace_seconds == 45


def test_an_operator_command_in_a_runbook_is_not_the_app_calling_the_api() -> None:
    req = parse_requirements(
        APP + "To test it, run `kubectl -n shop rollout restart deploy/shop` and watch the logs."
    )
    assert not req.needs_service_account_token


def test_a_label_word_glued_to_a_name_is_no_label() -> None:
    req = parse_requirements(APP + "It also runs the host_metrics collector.")
    assert req.ingress is None


def test_an_image_in_backticks_at_the_end_of_a_sentence() -> None:
    image = parse_image("`ghcr.io/acme/shop:2.3.1`.")
    assert image is not None and image.tag == "2.3.1"


def test_german_processes_and_a_japanese_mount() -> None:
    german = parse_requirements(
        "Zwei Prozesse aus dem Image `ghcr.io/acme/app:2.0.0`:\n\n"
        "- web: Port 8080.\n- jobs: der Worker, startet mit `bin/jobs --threads 4`.\n\n"
        "PostgreSQL soll das Chart selbst mitbringen, Version 15."
    )
    assert part(german, "jobs").args == ["bin/jobs", "--threads", "4"]
    assert [(d.kind, d.version) for d in german.dependencies] == [("postgresql", "15")]
    japanese = parse_requirements(
        "イメージ: `ghcr.io/acme/dns:1.2.0`\n"
        "既存の ConfigMap `dns-conf` を `/etc/dns` にマウントしてください。"
    )
    assert [(m.config_map, m.mount_path) for m in japanese.config_mounts] == [
        ("dns-conf", "/etc/dns")
    ]


def test_a_form_port_list_with_a_label_per_line() -> None:
    req = parse_requirements(
        "### Image\n\nghcr.io/acme/broker:1.0.0\n\n### Ports\n\n- 1883 - MQTT\n- 8883/tcp - MQTT "
        "over TLS\n- 5683/udp - CoAP\n"
    )
    assert [(p.port, p.protocol) for p in req.ports] == [
        (1883, "TCP"),
        (8883, "TCP"),
        (5683, "UDP"),
    ]


APP = "Deploy ghcr.io/acme/shop:2.3.1 on port 8080. "


# ----------------------------------------------------------------- round three


def test_plain_definitions_name_the_processes_and_their_image_and_executable() -> None:
    req = parse_requirements(
        "Same image everywhere, `wger/server:latest`:\n\n"
        "- web - the gunicorn app on 8000. HPA min 2 max 4 at 70% cpu.\n"
        "- nginx - `nginx:stable` on port 80, 2 replicas.\n"
        "- celery-worker - runs `/start-worker`, 2 replicas.\n"
    )
    found = workloads(req)
    assert set(found) == {"web", "nginx", "celery-worker"}
    assert req.image is not None and req.image.repository == "wger/server"
    assert found["nginx"].image.reference.endswith("nginx:stable")
    assert found["celery-worker"].args == ["/start-worker"]


def test_variables_pointing_at_a_bundled_store_clause_by_clause() -> None:
    req = parse_requirements(
        APP + "Run postgres 15 and redis 7 in the chart. `DJANGO_DB_HOST` and "
        "`DJANGO_DB_PASSWORD` from the bundled postgres; `DJANGO_CACHE_LOCATION`, `CELERY_BROKER` "
        "and `CELERY_BACKEND` pointing at the bundled redis."
    )
    reached = {c.env: (c.dependency, c.part) for c in req.connections}
    assert reached["DJANGO_DB_HOST"] == ("postgresql", "host")
    for env in ("DJANGO_CACHE_LOCATION", "CELERY_BROKER", "CELERY_BACKEND"):
        assert reached[env] == ("redis", "url")
    assert "DJANGO_DB_HOST" not in secrets_of(req)


def test_a_named_cronjob_with_a_zone_said_twice_and_a_path_used_for_probes() -> None:
    req = parse_requirements(
        "Image `photoprism/photoprism:240915` on 2342. I found `/api/v1/status` in the docs, use "
        "that for readiness/liveness. The mini PC `nuc-01` has 32GB. Could the chart have a "
        "CronJob `index` that runs `photoprism index --cleanup` every night at 03:30 (nodes are "
        "UTC, so set the timeZone `Europe/Berlin`)?"
    )
    assert req.readiness is not None and req.readiness.path == "/api/v1/status"
    assert req.liveness is not None and req.liveness.path == "/api/v1/status"
    assert req.volumes == []  # what a machine has is no volume
    index = part(req, "index")
    assert index.args == ["photoprism", "index", "--cleanup"]
    assert index.cron is not None and index.cron.time_zone == "Europe/Berlin"


def test_trouble_reaching_a_datastore_does_not_drop_it() -> None:
    req = parse_requirements(
        APP + "It can't reach MariaDB after a restart. MariaDB should be part of the chart."
    )
    assert [d.kind for d in req.dependencies] == ["mariadb"]


def test_a_datastore_not_in_this_chart_and_one_with_an_existing_secret() -> None:
    outside = parse_requirements(APP + "### Database\n\nPostgres, but NOT in this chart.")
    assert [(d.kind, d.external) for d in outside.dependencies] == [("postgresql", True)]
    inside = parse_requirements(
        APP + "Postgres database shop, password in the existing secret shop-db (key pw)."
    )
    assert [(d.kind, d.external) for d in inside.dependencies] == [("postgresql", False)]


def test_ports_as_a_table_as_protocol_pairs_and_a_probe_with_a_query() -> None:
    table = parse_requirements(
        "Image `nats:2.10.22-alpine`.\n\n| Port | Name | Purpose |\n|---|---|---|\n"
        "| 4222 | client | apps |\n| 6222 | cluster | routes |\n\n"
        "- readiness: `/healthz?js-server-only=true`\n"
    )
    assert [p.port for p in table.ports] == [4222, 6222]
    assert table.readiness is not None and table.readiness.path == "/healthz?js-server-only=true"
    pairs = parse_requirements(
        "syncthing/syncthing:1.27.12, gui 8384 + sync 22000 tcp AND udp + 21027/udp discovery"
    )
    assert {(p.port, p.protocol) for p in pairs.ports} == {
        (8384, "TCP"),
        (22000, "TCP"),
        (22000, "UDP"),
        (21027, "UDP"),
    }


def test_an_arrow_range_a_pinned_tag_in_prose_and_a_compose_version_key() -> None:
    req = parse_requirements(
        "```yaml\nversion: '2.1'\nservices:\n  app:\n    image: ghcr.io/acme/app:latest\n"
        "    ports: ['3000:3000']\n```\n\napp: HPA 2 → 5 replicas at 75% cpu. Pin the image to "
        "`ghcr.io/acme/app:4.2.0`."
    )
    assert req.image is not None and req.image.tag == "4.2.0"
    assert (req.replicas.min, req.replicas.max) == (2, 5)


def test_a_code_span_setting_keeps_its_spaces_and_verbs_in_code_read_as_rules() -> None:
    req = parse_requirements(
        APP + "- `MAIL_FROM=Wekan Notificaciones <noreply@ejemplo.es>`\n"
        "- A ClusterRole with `get`, `list`, `watch` on `nodes` and `pods`.\n"
        "- requests: 50m CPU, 64Mi memory · limits: 128Mi memory\n"
    )
    assert env_of(req)["MAIL_FROM"] == ("Wekan Notificaciones <noreply@ejemplo.es>")
    assert req.rbac is not None and req.rbac.rules[0].verbs == ["get", "list", "watch"]
    assert req.resources.memory == "64Mi" and req.limits.memory == "128Mi"


def test_portuguese_and_japanese_secrets_and_a_tls_secret_name() -> None:
    portuguese = parse_requirements(
        "Olá pessoal, preciso de um chart Helm pro Node-RED que usamos pra automação da "
        "fábrica. A imagem é `nodered/node-red:4.0.2`, com a porta 1880 e uma réplica só.\n"
        "- `NODE_RED_CREDENTIAL_SECRET` tem que vir do secret que já existe, "
        "`node-red-secrets`, chave `credential-secret`"
    )
    assert secrets_of(portuguese)["NODE_RED_CREDENTIAL_SECRET"] == (
        "node-red-secrets",
        "credential-secret",
    )
    japanese = parse_requirements(
        APP + "\n- 管理用 API キーは既存の Secret `typesense-admin` のキー `api-key` から "
        "`TYPESENSE_API_KEY` として渡してください\n"
        "- search.example.jp で Ingress(クラス `nginx`)、TLS Secret 名は `search-tls`。"
    )
    assert secrets_of(japanese)["TYPESENSE_API_KEY"] == ("typesense-admin", "api-key")
    assert japanese.ingress is not None and japanese.ingress.tls_secret == "search-tls"
    assert japanese.ingress.class_name == "nginx"


def test_example_values_of_a_pasted_compose_file_are_no_secrets_to_rotate() -> None:
    text, count = redact_secrets(
        "  POSTGRES_PASSWORD: changeme\n  DATABASE_URL: postgres://app:password@db/app\n"
        "  MAILER_DSN: smtp://127.0.0.1\n  POSTGRES_HOST_AUTH_METHOD: trust\n"
        "  AUTH_TOKEN: 9fQ2xLr7TzWp4KvB8nHs\n"
    )
    assert count == 1 and "9fQ2xLr7TzWp4KvB8nHs" not in text
    req = parse_requirements(APP + "\n```yaml\n" + text + "```\n")
    assert "POSTGRES_PASSWORD" in secrets_of(req)  # still read from a Secret in the chart


def test_the_id_half_of_a_pasted_key_pair_goes_with_its_secret() -> None:
    text, count = redact_secrets(
        "```ini\n[b2]\ntype = b2\naccount = 005e1c0f7a9b3d20000000007\n"
        "key = K005pQ7vW2xZr9LmT4sYd8HcJn3KfA1\n```\n"
        "OIDC: client_id: grafana-dashboards-prod\nclient_secret: 8fJ2kL9mQ4xR7tW1zY5v\n"
    )
    assert count == 3 and "005e1c0f7a9b3d20000000007" not in text
    assert "grafana-dashboards-prod" in text  # a readable id is a name, not half a key


def test_a_proxy_request_is_the_proxy_itself_with_its_secrets_in_a_table() -> None:
    req = parse_requirements(
        "## Container\n\n- Image `quay.io/oauth2-proxy/oauth2-proxy:v7.7.1`\n"
        "- Listens on 4180 (HTTP) and 44180 (metrics)\n\n"
        "| Variable | Secret | Key |\n|---|---|---|\n"
        "| `OAUTH2_PROXY_CLIENT_SECRET` | `oauth2-proxy-oidc` | `client-secret` |\n\n"
        "In front of our internal tools (Grafana, the Kafka UI).\n\n"
        "## Ingress\n\nHost `auth.example.org`, path `/oauth2` → oauth2-proxy, class `nginx`.\n"
    )
    assert req.image is not None and req.image.repository == "oauth2-proxy/oauth2-proxy"
    assert req.sidecars == [] and req.dependencies == []  # the Kafka UI is no Kafka
    assert [p.port for p in req.ports] == [4180, 44180]
    assert secrets_of(req)["OAUTH2_PROXY_CLIENT_SECRET"] == ("oauth2-proxy-oidc", "client-secret")


def test_headings_that_name_each_process_and_a_datastore_the_chart_runs_after_all() -> None:
    req = parse_requirements(
        "In the compose it defaults to `redis://redis:6379`.\n\n"
        "**main** (call it `main`)\n- `flowiseai/flowise:3.0.8`, port 3000\n\n"
        "**worker** (call it `worker`)\n- `flowiseai/flowise-worker:3.0.8`, port 5566\n\n"
        "Both need `REDIS_URL` → a Redis the chart runs itself (7.x).\n"
    )
    assert req.component == "main" and [c.name for c in req.components] == ["worker"]
    assert [(d.kind, d.external) for d in req.dependencies] == [("redis", False)]
