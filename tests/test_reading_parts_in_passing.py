"""Reading rules from blind round 20: parts named in passing, facts said once for several
parts, and where a variable's Secret is said.

Each rule was a miss on requests written from public material (Mayan EDMS, Ory Kratos,
OpenCTI, Beszel, a German Ente and an Italian OpenEMR request, ...) that the parser had not
seen. The sentences here say the same things in other words and for other apps.
"""

from __future__ import annotations

from bot.tools.parsing.secrets import redact_secrets
from bot.tools.parsing.text import negated_in_list
from tests.reading_helpers import env_of, names_of, part, read, secrets_of, wired_of

# ------------------------------------------------------------------ parts named in passing


def test_parts_named_in_code_beside_their_commands() -> None:
    r = read(
        "A chart for Ledgerly; every process uses `acme/ledgerly:2.4`. The web frontend runs "
        "with the command `serve-web`, listens on port 8080. One Deployment per queue: "
        "`queue-fast` runs `ledgerly work --queue fast`, `queue-slow` runs `ledgerly work "
        "--queue slow`. Each queue worker needs 250m CPU."
    )
    assert r.component == "frontend" and r.args == ["serve-web"]
    fast, slow = part(r, "queue-fast"), part(r, "queue-slow")
    assert fast.args == ["ledgerly", "work", "--queue", "fast"]
    assert slow.args == ["ledgerly", "work", "--queue", "slow"]
    assert "worker" not in names_of(r)


def test_every_part_of_a_role_is_meant_by_the_plural_and_by_each() -> None:
    r = read(
        "Image `acme/pipe:1.0` for all. The API listens on 8000. `worker-x` runs `pipe work x`, "
        "`worker-y` runs `pipe work y`. Each worker should request 300m CPU and 512Mi memory. "
        "The spool at `/var/spool/pipe` is shared by the API and the two workers, so give it one "
        "20Gi ReadWriteMany claim."
    )
    for name in ("worker-x", "worker-y"):
        each = part(r, name)
        assert each.resources is not None and each.resources.cpu == "300m"
        assert any(v.mount_path == "/var/spool/pipe" for v in each.volumes)


def test_a_role_named_in_code_beside_it_is_that_parts_name() -> None:
    r = read(
        "Rails app, image `acme/shop:7.1`, port 3000. The scheduler, `clockwork`, runs "
        "`bundle exec clockwork config/clock.rb` and must only ever have one replica."
    )
    clock = part(r, "clockwork")
    assert clock.args[:3] == ["bundle", "exec", "clockwork"]
    assert clock.replicas is not None and clock.replicas.max == 1


def test_ordinal_parts_with_a_name_in_code_or_a_half() -> None:
    r = read(
        "Our chart should deploy both halves of Pulse. The first is the hub, "
        "`acme/pulse-hub:0.9`, on port 8090. The second half is the probe, "
        "`acme/pulse-probe:0.9`, which runs on every node as a DaemonSet."
    )
    assert {"hub", "probe"} <= {r.component, *names_of(r)}
    r = read(
        "Three workloads. The first, which we call `api`, is `acme/cti:6.1` on port 8080. "
        "The second workload, `worker`, runs `acme/cti-worker:6.1` with two replicas. The third, "
        "`export`, runs `acme/cti-export:6.1` as a single replica."
    )
    export = part(r, "export")
    assert export.image is not None and export.image.repository == "acme/cti-export"


def test_a_sentence_is_about_its_subject_not_what_it_talks_to() -> None:
    r = read(
        "Two parts. The first is the server, `acme/relay:2.0`, on port 9000. The second is the "
        "agent, `acme/relay-agent:2.0`, a DaemonSet. The agents connect to the server over gRPC, "
        "so set `RELAY_URL` to `relay.example.net:9000` and `RELAY_TOKEN` from the Secret "
        "`relay-agent`, key `token`."
    )
    agent = part(r, "agent")
    assert env_of(agent)["RELAY_URL"] == "relay.example.net:9000"
    assert "RELAY_URL" not in env_of(r)


def test_a_compose_service_of_the_old_setup_is_no_part() -> None:
    r = read(
        "Chart for Kestrel, `acme/kestrel:1.2`, port 4433. Migrations as a Helm hook Job: "
        "`kestrel migrate up`. Previously this was the `kestrel-migrate` service in compose with "
        "`restart: on-failure`, which was not great."
    )
    assert "kestrel-migrate" not in names_of(r)


def test_a_plus_list_of_a_compose_file_names_no_datastore_part() -> None:
    r = read(
        "I took their compose (notes-db + notes) as a start. Image `acme/notes:3`, port 8000, one "
        "replica. Postgres 16 inside the chart."
    )
    assert names_of(r) == [] and r.replicas is not None and r.replicas.max == 1


# ----------------------------------------------------------- facts said once for several


def test_it_after_a_configmap_sentence_is_that_configmap() -> None:
    r = read(
        "Parts:\n1. **api** - image `acme/auth:1.0`, port 4000\n2. **mailer** - same image, "
        "runs `auth mailer watch`\n\nThe config lives in a ConfigMap that already exists, "
        "called `auth-config`. It should be mounted at `/etc/auth` in both (api, mailer)."
    )
    for each in (r, part(r, "mailer")):
        assert [(m.config_map, m.mount_path) for m in each.config_mounts] == [
            ("auth-config", "/etc/auth")
        ]


def test_all_containers_need_it_and_put_it_on_another_too() -> None:
    r = read(
        "Parts:\n1. **api** - image `acme/auth:1.0`, port 4000\n2. **mailer** - same image, "
        "runs `auth mailer`\n3. **migrate** - same image, `auth migrate up`, as a Helm hook Job\n\n"
        "The DSN is in the existing Secret `auth-dsn`, key `dsn`, and goes into `DSN` - all three "
        "containers need it. SMTP: the mailer needs `SMTP_URI` from Secret `auth-smtp`, key "
        "`uri`. Put it on api as well."
    )
    for each in (r, part(r, "mailer"), part(r, "migrate")):
        assert secrets_of(each)["DSN"] == ("auth-dsn", "dsn")
    assert secrets_of(r)["SMTP_URI"] == ("auth-smtp", "uri")
    assert part(r, "migrate").args == ["auth", "migrate", "up"]


def test_the_same_variables_as_another_part() -> None:
    r = read(
        "Three workloads. The first, which we call `api`, is `acme/cti:6.1` on port 8080. The "
        "second workload, `worker`, runs `acme/cti-worker:6.1`; it reads `CTI_TOKEN` from the "
        "same `cti-secrets`/`token` key. The third, `export`, runs `acme/cti-export:6.1`, plus "
        "the same `CTI_TOKEN` as the worker."
    )
    assert secrets_of(part(r, "export"))["CTI_TOKEN"] == ("cti-secrets", "token")


def test_more_than_one_replica_is_no_count_and_a_stay_at_is() -> None:
    r = read(
        "Image `acme/id:1.3`, ports 4433 and 4434. We want more than one replica, so an HPA, "
        "min 2, max 6, target 75% CPU."
    )
    assert r.replicas is not None and (r.replicas.min, r.replicas.max) == (2, 6)
    r = read(
        "- web: image `acme/tube:2`, port 80\n- beat: same image, runs `celery beat`\n\n"
        "- 2 replicas of web. beat must stay at exactly 1."
    )
    beat = part(r, "beat")
    assert beat.replicas is not None and beat.replicas.max == 1


# ------------------------------------------------------------------------- datastores


def test_each_variable_points_at_the_datastore_it_names() -> None:
    r = read(
        "Image `acme/docs:4.2`, port 8000. PostgreSQL, Redis and RabbitMQ in the chart. Wire it "
        "like compose does: `DOCS_BROKER_URL` pointing at RabbitMQ, `DOCS_RESULT_BACKEND` "
        "pointing at Redis database 1, `DOCS_DATABASE_URL` pointing at PostgreSQL."
    )
    assert wired_of(r) == {
        "DOCS_BROKER_URL": "rabbitmq",
        "DOCS_RESULT_BACKEND": "redis",
        "DOCS_DATABASE_URL": "postgresql",
    }


def test_a_list_of_datastores_run_elsewhere_are_all_external() -> None:
    r = read(
        "Image `acme/cti:6.1`, port 8080. Elasticsearch, MinIO and RabbitMQ are shared services "
        "run by our platform team, so they must not be part of this chart. Redis 7 is bundled."
    )
    kinds = {d.kind: d.external for d in r.dependencies}
    assert kinds["redis"] is False
    assert all(kinds.get(k, True) for k in ("elasticsearch", "minio", "rabbitmq"))


def test_a_backup_job_with_a_datastore_image_keeps_the_datastore_bundled() -> None:
    r = read(
        "Image `acme/clinic:7.0`, port 80. MariaDB 10.11 in the chart.\n\n**Backup**\n- A CronJob "
        "called `backup` that runs `mariadb-dump --all-databases` every night at 2:30, using the "
        "image `mariadb:10.11`."
    )
    assert [d.kind for d in r.dependencies] == ["mariadb"]


def test_another_stacks_database_cut_from_compose_is_not_ours() -> None:
    r = read(
        "Image `acme/social:2.2`, port 5000. I cut the whole Temporal stack (temporal, "
        "temporal-postgresql, temporal-ui) out. Keep social-postgres and social-redis in the "
        "chart (postgres 17, redis 7.2)."
    )
    assert {d.kind for d in r.dependencies} == {"postgresql", "redis"}


# ------------------------------------------------------------------ where a Secret is said


def test_keys_for_variables_and_arrows_under_two_secrets_in_one_sentence() -> None:
    r = read(
        "Image `acme/cti:6.1`, port 8080. The admin password must come from our existing Secret "
        "`cti-admin` (keys `pw` for `ADMIN_PASSWORD` and `tok` for `ADMIN_TOKEN`); S3 "
        "credentials come from the Secret `cti-s3` (`ak` → `S3_ACCESS_KEY`) and MQ credentials "
        "from `cti-mq` (`user` → `MQ_USERNAME`, `pass` → `MQ_PASSWORD`)."
    )
    assert secrets_of(r) == {
        "ADMIN_PASSWORD": ("cti-admin", "pw"),
        "ADMIN_TOKEN": ("cti-admin", "tok"),
        "S3_ACCESS_KEY": ("cti-s3", "ak"),
        "MQ_USERNAME": ("cti-mq", "user"),
        "MQ_PASSWORD": ("cti-mq", "pass"),
    }


def test_a_secret_made_by_hand_and_a_tls_secret_that_is_no_source() -> None:
    r = read(
        "Image `acme/cgm:15`, port 1337.\n- `API_SECRET` is already in a Secret I created by "
        "hand: `cgm-api`, key `api-secret`.\n- ingress `cgm.example.org`, TLS in the secret "
        "`cgm-tls`"
    )
    assert secrets_of(r)["API_SECRET"] == ("cgm-api", "api-secret")
    r = read(
        "Image `acme/track:10`, port 8000.\n- Secrets (I made `track-secrets` myself):\n"
        "  - `ADMIN_TOKEN` → key `admin-token`\n- Ingress `track.example.org`, TLS in the "
        "secret `track-tls`."
    )
    assert secrets_of(r)["ADMIN_TOKEN"][0] != "track-tls"


def test_a_secret_and_key_given_as_a_tables_value_or_for_a_variable() -> None:
    r = read(
        "Image `acme/fga:1.9`, port 8080.\n\n| Name | Value |\n|---|---|\n| FGA_LOG | json |\n"
        "| FGA_DATASTORE_URI | secret `fga-db` / `uri` |\n"
    )
    assert secrets_of(r)["FGA_DATASTORE_URI"] == ("fga-db", "uri")
    assert "FGA_DATASTORE_URI" not in env_of(r)
    r = read(
        "Image `acme/job:1`, a CronJob at `0 2 * * *`, with the password from "
        "`job-db`/`root-password` in the variable `MYSQL_PWD`."
    )
    assert secrets_of(r)["MYSQL_PWD"] == ("job-db", "root-password")


def test_settings_that_name_a_role_or_list_words_are_values() -> None:
    text = "- `AUTH_DEFAULT_ROLES=denied`\n- `ENABLE=careportal rawbg iob`"
    assert redact_secrets(text)[1] == 0
    r = read(f"Image `acme/cgm:15`, port 1337.\n{text}")
    assert env_of(r) == {"AUTH_DEFAULT_ROLES": "denied", "ENABLE": "careportal rawbg iob"}


# ------------------------------------------------------------------- nodes and the API


def test_a_terse_node_agent_with_its_rules_tolerations_and_metrics_port() -> None:
    r = read(
        "need a chart for node-watch, all nodes\n\n- DaemonSet, image "
        "`registry.example/node-watch:v1.2`\n- containerPort 20257 (metrics), no Service\n"
        "- tolerate everything (operator Exists)\n- needs SA token + ClusterRole: nodes get; "
        "nodes/status patch; events create, patch\n"
    )
    assert [p.port for p in r.ports] == [20257]
    assert [(t.operator, t.key) for t in r.tolerations] == [("Exists", "")]
    assert r.needs_service_account_token and r.rbac is not None and r.rbac.cluster
    assert {(tuple(x.resources), tuple(x.verbs)) for x in r.rbac.rules} == {
        (("nodes",), ("get",)),
        (("nodes/status",), ("patch",)),
        (("events",), ("create", "patch")),
    }


def test_the_apps_own_api_server_is_no_kubernetes_api_access() -> None:
    r = read("1. `museum` - the API server, image `acme/museum:1`, port 8080")
    assert not r.needs_service_account_token
    assert read(
        "Image `acme/ops:1`, port 80; it needs access to the API server."
    ).needs_service_account_token


# ---------------------------------------------------------------- ingress and languages


def test_an_ingress_class_in_a_declined_list_is_not_the_class() -> None:
    text = "We do not want Elasticsearch, Traefik or the indexer. No Redis, nginx ingress."
    assert negated_in_list(text, text.index("Traefik"))
    assert not negated_in_list(text, text.index("nginx"))
    r = read(
        "Image `acme/edms:4.2`, port 8000. We do not want Elasticsearch, Traefik or the "
        "indexer. Publish it at `edms.example.com` through an ingress with class `nginx`."
    )
    assert r.ingress is not None and r.ingress.class_name == "nginx"


def test_paths_to_ports_of_the_app() -> None:
    r = read(
        "Image `acme/pad:2025.6`, container ports 3000 (HTTP) and 3003 (websocket).\n"
        "- Ingress class `nginx`, host `pad.example.org`\n"
        "- path `/` → port 3000, path `/pad_socket` → port 3003\n"
    )
    assert r.ingress is not None
    assert [(x.path, x.port) for x in r.ingress.routes] == [("/pad_socket", 3003)]


def test_german_headings_and_a_need_said_last() -> None:
    r = read(
        "Hallo,\n\nwir brauchen ein Helm-Chart.\n\n**Komponenten**\n\n1. `api` – der API-Server, "
        "Image `acme/photos:1.0`, lauscht auf Port 8080.\n2. `web` – die Web-Apps, Image "
        "`acme/photos-web:1.0`, Port 3000.\n\nMinIO brauchen wir **nicht**.\n\n"
        "**Konfiguration von api (über Umgebungsvariablen)**\n\n- `API_MODE=full`\n\n"
        "**Konfiguration von web**\n\n- `WEB_ORIGIN=https://fotos.example.de`\n"
    )
    assert "komponenten" not in {r.component, *names_of(r)} and not r.needs_service_account_token
    assert env_of(part(r, "web"))["WEB_ORIGIN"] == "https://fotos.example.de"
    assert "WEB_ORIGIN" not in env_of(r)
    assert "minio" not in {d.kind for d in r.dependencies}


def test_italian_official_image_labels_and_history() -> None:
    r = read(
        "Ciao, mi servirebbe un chart Helm. L'abbiamo provato con il compose dell'immagine "
        "ufficiale.\n\n**Applicazione (`emr`)**\n- Immagine `acme/emr:7.0`, porta 80.\n"
        "- `DB_HOST` deve puntare al MariaDB installato dal chart.\n- Deve girare solo sui nodi "
        "etichettati `workload=sanita`.\n\n**Database**\n- MariaDB dentro al chart, versione 10.11."
        "\n\n**Backup**\n- Un CronJob chiamato `backup` che ogni notte alle 2:30 esegue "
        "`mariadb-dump --all-databases`; tenere 7 job riusciti e 3 falliti nello storico.\n"
    )
    assert r.name != "ufficiale" and r.image is not None and r.image.repository == "acme/emr"
    assert r.node_selector == {"workload": "sanita"}
    assert "DB_HOST" in wired_of(r)
    backup = part(r, "backup")
    assert (backup.cron.successful_jobs_history_limit, backup.cron.failed_jobs_history_limit) == (
        7,
        3,
    )


def test_a_forms_application_name_without_its_link() -> None:
    r = read(
        "### Application\n\nNotepad (https://github.com/acme/notepad)\n\n### Image\n\n"
        "acme/notepad:2025.6.0\n\n### Ports\n\n3000\n"
    )
    assert r.name == "notepad"


# --------------------------------------------------------------- round 21: compose and docs

_SHOP_COMPOSE = """Chart for the shop, please.

```yaml
services:
  shop-service:
    image: shop.mirror.example/acme/shop
    environment:
      PORT: 4002
  jobs-service:
    image: shop.mirror.example/acme/shop-jobs
  blob-service:
    image: minio/minio
    command: server /data
```

- Pin images and pull straight from Docker Hub, not the mirror: `acme/shop:3.4.1`,
  `acme/shop-jobs:3.4.1`.
- **Don't** run `blob-service`. We already have MinIO in the cluster.
- No passwords in values. Everything sensitive is in Secrets:
  - `shop-secrets`: `jwt-secret` → `JWT_SECRET`, `api-key` → `INTERNAL_API_KEY` (shop-service
    and jobs-service both need all of them)
- All three Acme services expose `GET /health` on their own port - use that for readiness.
"""


def test_a_compose_migration_with_pins_a_declined_service_and_secret_lists() -> None:
    r = read(_SHOP_COMPOSE)
    parts = {r.component: r, **{c.name: c for c in r.components}}
    assert "blob-service" not in parts and "shop-secrets" not in parts
    shop = parts["shop-service"]
    assert shop.image is not None and (shop.image.registry, shop.image.tag) == ("", "3.4.1")
    for name in ("shop-service", "jobs-service"):
        assert secrets_of(parts[name])["JWT_SECRET"] == ("shop-secrets", "jwt-secret")


def test_call_the_compose_services_by_the_names_a_list_gives() -> None:
    r = read(
        "```yaml\nservices:\n  tube-frontend:\n    image: acme/tube-frontend:1\n  tube-proxy:\n"
        "    image: acme/tube-proxy:1\n  tube:\n    image: acme/tube:1\n    container_name: "
        "tube-backend\n  postgres:\n    image: pgautoupgrade/pgautoupgrade:16-alpine\n```\n\n"
        "- Call the three app workloads `frontend`, `backend` and `proxy`.\n- The backend listens "
        "on 8080, the frontend on 80.\n- Each of them gets a ClusterIP Service on the same port "
        "as its container.\n"
    )
    parts = {r.component: r, **{c.name: c for c in r.components}}
    assert {"frontend", "backend", "proxy"} <= set(parts)
    assert [d.kind for d in r.dependencies] == ["postgresql"]
    assert [(p.port, p.service_port) for p in parts["backend"].ports] == [(8080, 8080)]


def test_list_items_led_by_a_name_in_code_and_a_verb() -> None:
    r = read(
        "Budget app (github.com/acme/budget), from their compose file:\n\n"
        "- `web` runs `ghcr.io/acme/budget:stable` and listens on port 3000.\n"
        "- `worker` is the same image but with the command `bundle exec sidekiq`.\n"
        "- Postgres 16 and Redis, both inside the chart. I don't really care which Redis version.\n"
    )
    assert r.component == "web" and r.image is not None and r.image.registry == "ghcr.io"
    assert part(r, "worker").args == ["bundle", "exec", "sidekiq"]
    assert {d.kind for d in r.dependencies} == {"postgresql", "redis"}


def test_a_story_of_kompose_output_asks_for_no_host_path() -> None:
    r = read(
        "Image `acme/mail:1`, port 8000. I'd like a proper chart instead of the kompose output I "
        "generated last night (it made a hostPath for /data and a Service per port - I deleted "
        "it all). /data needs a 5Gi volume."
    )
    assert not r.elevated.host_path


def test_docs_tables_names_and_keys_said_by_what_they_hold() -> None:
    r = read(
        "> ## Image reference\n>\n> | | |\n> | --- | --- |\n> | Port 8080 | Web app |\n\n"
        "> | Variable | What it does |\n> | --- | --- |\n> | `LINGO_JWT_SECRET` | Signs "
        "sessions. |\n\n- Image `acme/lingo:v3.2`, port 8080.\n- The JWT secret comes from the "
        "existing Secret `lingo-secrets`, key `jwt-secret`.\n- `REGISTRY_AUTH=htpasswd`\n"
        "- `doccano-admin` / key `password` → `ADMIN_PASSWORD`\n"
    )
    assert r.image is not None and r.image.repository == "acme/lingo"
    assert secrets_of(r)["LINGO_JWT_SECRET"] == ("lingo-secrets", "jwt-secret")
    assert secrets_of(r)["ADMIN_PASSWORD"] == ("doccano-admin", "password")
    assert env_of(r)["REGISTRY_AUTH"] == "htpasswd"


def test_two_volumes_with_their_own_classes_and_terse_limits_said_first() -> None:
    r = read(
        "Image `acme/store:1.0`, port 3900. `/srv/store/meta` on a 10Gi volume from the "
        "`fast-ssd` storage class, and `/srv/store/blobs` on a 500Gi volume from the "
        "`standard-hdd` class.\n- limits mem 512Mi, req cpu 100m mem 256Mi\n"
    )
    classes = {v.mount_path: v.storage_class for v in r.volumes}
    assert classes == {"/srv/store/meta": "fast-ssd", "/srv/store/blobs": "standard-hdd"}
    assert r.resources is not None and (r.resources.cpu, r.resources.memory) == ("100m", "256Mi")
    assert r.limits is not None and r.limits.memory == "512Mi"
