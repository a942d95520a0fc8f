"""Reading rules from a blind round of requests: sections, lists, switches and the words around
secrets.

Each rule was a miss on realistic requests written from public material (compose files, image
docs, issue forms, a Portuguese and a Ukrainian request) that the parser had not seen. The
sentences here say the same things in other words, so a rule that only fits one request fails.
"""

from __future__ import annotations

import pytest
import yaml

from bot.tools import template
from bot.tools.parsing.gloss import gloss, language
from bot.tools.planning import build_plan
from bot.tools.requirements import apply_assumptions, redact_secrets
from tests.reading_helpers import env_of, part, read, secrets_of

# ------------------------------------------------------------------------ parts and sections


def test_bare_headings_over_lists_name_the_parts_beside_one_read_already() -> None:
    r = read(
        "Two parts:\n\n**api**\n- image `acme/ledger:3.1.0`, port 9000\n- `LEDGER_MODE=api`\n\n"
        "**worker**\n- image `acme/ledger-worker:3.1.0`, 1 replica\n\n"
        "**database**: bundle PostgreSQL 16.\n"
    )
    assert r.component == "api" and r.ports[0].port == 9000
    worker = part(r, "worker")
    assert worker.image is not None and worker.image.repository == "acme/ledger-worker"
    assert "LEDGER_MODE" not in env_of(worker)
    assert [d.kind for d in r.dependencies] == ["postgresql"]


def test_a_lone_heading_beside_a_cronjob_heading_is_the_app() -> None:
    r = read(
        "**Web**\n- Image `acme/stats:5.0.1`, port 80.\n\n"
        "**Rollup (CronJob)**\n- Same image, command `php console rollup`, schedule `5 * * * *`.\n"
    )
    assert r.image is not None and r.image.repository == "acme/stats"
    assert part(r, "rollup").workload == "CronJob"


def test_a_counted_list_names_its_parts_in_code() -> None:
    r = read(
        "We need three of its services: the core server (`hub`), a UDP relay for the sensors "
        "(`relay`), and the admin proxy (`admin-api`). Images: `acme/hub:2`, `acme/hub-relay:2` "
        "and `acme/hub-admin-api:2`.\n\nThe relay listens on UDP 1700. The admin API proxy runs "
        "with `--upstream hub:8080 --listen 0.0.0.0:8090`, pointing at the hub Service, and "
        "listens on 8090.\n"
    )
    assert {c.name for c in r.components} == {"relay", "admin-api"}
    admin = part(r, "admin-api")
    assert admin.args == ["--upstream", "hub:8080", "--listen", "0.0.0.0:8090"]
    assert [p.port for p in admin.ports] == [8090]
    assert part(r, "relay").args == []


def test_counts_listed_under_a_replicas_section() -> None:
    r = read(
        "### Components\n\n| component | arguments | ports |\n|---|---|---|\n"
        "| `web` | `serve --http` | 8080 |\n| `indexer` | `index --all` | 9090 |"
        "\n\n### Image\n\n`acme/find:1.2.0`\n\n### Replicas\n\n- web: 3\n"
        "- indexer: exactly 1 (two would index everything twice)\n"
    )
    assert (r.replicas.min, r.replicas.max) == (3, 3)
    indexer = part(r, "indexer").replicas
    assert (indexer.min, indexer.max) == (1, 1)


def test_a_setting_for_one_part_only_stays_with_it() -> None:
    r = read(
        "### Components\n\n| name | role | replicas |\n|---|---|---|\n| `main` | web UI | 2 |\n"
        "| `worker` | background jobs | 2 |\n\n### Image\n\n`acme/flows:0.9.0` for both.\n\n"
        "### Environment variables (main and worker)\n\n```\nAPP_ENV=production\n```\n\n"
        "On `main` only: `PORT=3000`. On `worker` only: `WORKER=true`.\n"
    )
    assert "WORKER" not in env_of(r) and env_of(r)["APP_ENV"] == "production"
    assert env_of(part(r, "worker"))["WORKER"] == "true"
    assert "PORT" not in env_of(part(r, "worker"))


def test_a_daemonset_called_by_name_is_the_app_itself() -> None:
    r = read(
        "- A **DaemonSet** called `shipper` on every node.\n"
        "- Image: `acme/shipper:1.4.0`\n"
        "- Metrics: it listens on port `9102` (`/metrics`); use `/metrics` on 9102 as the "
        "liveness probe.\n"
    )
    assert r.components == [] and r.workload == "DaemonSet"
    assert r.liveness is not None and r.liveness.path == "/metrics"


def test_a_compose_service_turned_into_a_cronjob_runs_what_the_request_says() -> None:
    r = read(
        "```yaml\nservices:\n  app:\n    image: acme/reader:3\n  janitor:\n    image: acme/reader:3"
        "\n    command: /usr/bin/crond -f\n```\n\n"
        "Turn `janitor` into a CronJob that runs `/usr/local/bin/cleanup` (the script the image "
        "ships) every day at 04:00.\n"
    )
    janitor = part(r, "janitor")
    assert janitor.workload == "CronJob" and janitor.args == ["/usr/local/bin/cleanup"]
    assert {c.name for c in r.components} == {"janitor"}


def test_an_aside_on_what_an_image_does_introduces_no_job() -> None:
    r = read(
        "Web: `acme/pad:2.0.1`, port 5100. The background jobs run in `acme/pad-worker:2.0.1` "
        "(it reads the same `DATABASE_URL`, runs the migrations and then `queue:start`).\n"
    )
    assert "migrate" not in {c.name for c in r.components}


def test_a_heading_with_the_part_in_code_names_it() -> None:
    r = read(
        "**Aplicação (`agenda`)**\n- imagem `acme/agenda:5.1.3`\n- porta 4000\n\n"
        "**Limpeza (CronJob `purge-media`)**\n- mesma imagem, roda `/bin/agenda_ctl purge` \n"
        "- `0 4 * * 0`\n"
    )
    purge = part(r, "purge-media")
    assert purge.workload == "CronJob" and purge.schedule == "0 4 * * 0"
    assert r.workload in (None, "Deployment")


def test_a_datastore_image_said_in_the_apps_part_keeps_the_datastore() -> None:
    r = read(
        "**App (`agenda`)**\n- image `acme/agenda:5.1.3`\n"
        "- The agenda needs PostGIS, so the database image must be `postgis/postgis:16-3.4`.\n\n"
        "PostgreSQL 16 inside the chart.\n"
    )
    assert [d.kind for d in r.dependencies] == ["postgresql"]


# -------------------------------------------------------------------------- values and switches


@pytest.mark.parametrize(
    "text",
    [
        "`BROKER_HOST` is simply `mq.internal.example`.",
        "`BROKER_HOST` set to `mq.internal.example`, please.",
        'Set `BROKER_HOST: "mq.internal.example"` for it.',
    ],
)
def test_a_value_said_beside_its_variable(text: str) -> None:
    assert env_of(read(f"Image `acme/iot:4.0.0`. {text}"))["BROKER_HOST"] == "mq.internal.example"


def test_a_switch_is_never_a_secret() -> None:
    r = read("Image `acme/tex:5.5.1`. Set `APP_SECURE_COOKIE` = `true` behind the ingress.")
    assert env_of(r)["APP_SECURE_COOKIE"] == "true" and not r.secrets


def test_variables_left_out_are_left_out() -> None:
    r = read(
        "```\nAPP_URL=https://inv.example\nCOMPOSE_PROJECT_NAME=inv\nAPP_TAG=stable\n```\n\n"
        "Image `acme/inv:1.0.0`. Leave out `COMPOSE_PROJECT_NAME` and `APP_TAG`, they only "
        "matter to compose.\n"
    )
    assert set(env_of(r)) == {"APP_URL"}


def test_a_value_given_beats_a_guess_from_a_docs_row() -> None:
    r = read(
        "> | PAD_PUBLIC | When false, a login is required. Secret links still work. | true |\n\n"
        "Image `acme/pad:2.0.1`, port 5100, `PAD_PUBLIC=false`.\n"
    )
    assert env_of(r)["PAD_PUBLIC"] == "false" and "PAD_PUBLIC" not in secrets_of(r)


def test_everything_on_one_replica_holds_for_every_part() -> None:
    r = read(
        "Two workloads: web (`acme/kb:1`, port 80) and sync (`acme/kb-sync:1`). "
        "Everything runs as a single replica for now.\n"
    )
    assert (r.replicas.min, r.replicas.max) == (1, 1)
    sync = part(r, "sync").replicas
    assert (sync.min, sync.max) == (1, 1)


def test_requests_then_a_limit_joined_by_and() -> None:
    r = read("Image `acme/inv:1.0.0`. Requests 250m CPU / 768Mi and limit memory 1536Mi.")
    assert (r.resources.memory, r.limits.memory) == ("768Mi", "1536Mi")


# ------------------------------------------------------------------------------- secrets


def test_a_password_said_beside_its_user_variable() -> None:
    r = read(
        "Image `acme/flow:3.0.8`. External DB: `DB_HOST=pg.internal`, `DB_USER=flow`, password "
        "from the existing secret `flow-db`, key `pw`.\n"
    )
    assert secrets_of(r)["DB_PASSWORD"] == ("flow-db", "pw")


def test_the_same_secret_is_the_one_the_sentence_named() -> None:
    r = read(
        "Image `acme/ab:4.1.0`. `TOKEN_SECRET` from Secret `ab-keys` key `token`, `CIPHER_KEY` "
        "from the same Secret, key `cipher`. `MAIL_PASSWORD` from Secret `ab-mail` key `pw`.\n"
    )
    assert secrets_of(r)["CIPHER_KEY"] == ("ab-keys", "cipher")


def test_a_table_of_keys_under_a_named_secret() -> None:
    r = read(
        "Image `acme/flows:0.9.0`.\n\nThese keys are already in the Secret `flows-keys`:\n\n"
        "| env | secret key |\n|---|---|\n| `CRYPT_KEY` | `crypt-key` |\n"
        "| `HOOK_KEY` | `hook-key` |\n"
    )
    assert secrets_of(r)["CRYPT_KEY"] == ("flows-keys", "crypt-key")
    assert secrets_of(r)["HOOK_KEY"] == ("flows-keys", "hook-key")


def test_a_table_of_keys_and_the_variables_that_read_them() -> None:
    r = read(
        "Image `acme/chat:9.2-0`. The existing Secret is called `chat-secrets`.\n\n"
        "| key | used for |\n|---|---|\n"
        "| `db-password` | `POSTGRES_PASSWORD` on the database, `SECRETS_db_password` on chat |\n"
        "| `mail-password` | `SECRETS_mail_password` on chat |\n"
    )
    assert secrets_of(r)["SECRETS_mail_password"] == ("chat-secrets", "mail-password")
    assert "POSTGRES_PASSWORD" not in secrets_of(r) and r.name != "chat-secrets"


def test_a_variable_written_as_its_reference() -> None:
    r = read(
        "Image `acme/lora:4`. The signing secret in the TOML is `$LORA_API_SECRET`, and that "
        "value comes from the existing Secret `lora-api`, key `secret`.\n"
    )
    assert secrets_of(r)["LORA_API_SECRET"] == ("lora-api", "secret")


def test_it_goes_into_a_variable_after_a_capital() -> None:
    r = read(
        "Image `acme/tex:5.5.1`. The mail team put the SMTP password in a Secret called "
        "`tex-smtp`, key `password`. It should go into `TEX_SMTP_PASS`.\n"
    )
    assert secrets_of(r)["TEX_SMTP_PASS"] == ("tex-smtp", "password")


@pytest.mark.parametrize(
    "text",
    [
        "The option sends the password Base64 encoded.",
        "# APP_MASTER_KEY: This sets the encryption key. If omitted, a default key is used.",
        "It needs a ServiceAccount (token mounted) and a ClusterRole.",
        'AUTH_BACKENDS: "EmailAuthBackend"',
        "`ADMIN_PASSWORD` comes from the Secret `admin`, key `password` (server only).",
    ],
)
def test_words_about_secrets_are_no_secret(text: str) -> None:
    assert redact_secrets(text)[1] == 0


# ---------------------------------------------------------------------------- datastores


def test_two_engines_in_one_word_are_kept_out_together() -> None:
    r = read(
        "Image `acme/desk:11.0.4`. The DB is the DBAs' cluster: do NOT put a MariaDB/MySQL in "
        "the chart."
    )
    assert r.dependencies == []


@pytest.mark.parametrize(
    ("text", "kind", "version"),
    [
        ("pg bundled (16) for the flags.", "postgresql", "16"),
        (
            "PostgreSQL (major version 14, as in the compose file) stays bundled.",
            "postgresql",
            "14",
        ),
        ("Redis (7) bundled for the cache.", "redis", "7"),
    ],
)
def test_a_datastore_version_in_brackets(text: str, kind: str, version: str) -> None:
    deps = {d.kind: d.version for d in read(f"Image `acme/flags:1.60.0`. {text}").dependencies}
    assert deps[kind] == version


def test_a_size_for_its_data_after_a_datastore_is_the_datastores() -> None:
    r = read(
        "Image `acme/tex:5.5.1`, data in `/data` (50Gi).\n\n"
        "Keep Mongo 6.0 with `--replSet rs0` for the replica set. 20Gi for its data.\n"
    )
    assert {v.mount_path: v.size for v in r.volumes if v.persistent} == {"/data": "50Gi"}
    assert r.args == []


def test_the_datastore_keys_of_the_apps_user() -> None:
    r = read(
        "Image `acme/mail:5`. Keep MySQL 8.0 inside the chart. The MySQL passwords are in our "
        "Secret `mail-db` (keys `mysql-root-password` and `mysql-password`).\n"
    )
    dep = r.dependencies[0]
    assert (dep.existing_secret, dep.password_key) == ("mail-db", "mysql-password")


# --------------------------------------------------------------------- placement and hosts


def test_a_toleration_key_then_its_effect_and_no_host_from_it() -> None:
    r = read(
        "A DaemonSet, image `acme/agent:1`. Tolerations: it must also run on the control-plane "
        "nodes (`node-role.kubernetes.io/control-plane`, effect `NoSchedule`).\n"
    )
    assert [(t.key, t.effect) for t in r.tolerations] == [
        ("node-role.kubernetes.io/control-plane", "NoSchedule")
    ]
    assert r.ingress is None or r.ingress.hosts == []


def test_host_paths_listed_under_their_line() -> None:
    r = read(
        "A DaemonSet, image `acme/metrics-agent:1.26`.\n"
        "- host mounts, all ro:\n  - `/` -> `/hostfs`\n  - `/var/run/utmp` -> `/var/run/utmp`\n"
    )
    mounts = {m.host_path: (m.mount_path, m.read_only) for m in r.host_mounts}
    assert mounts == {"/": ("/hostfs", True), "/var/run/utmp": ("/var/run/utmp", True)}


def test_a_node_path_someone_tried_and_was_refused_is_no_request() -> None:
    r = read(
        "Image `acme/tex:5.5.1`, data on a PVC at `/var/lib/tex`. Kompose turned the "
        "`~/tex_data` bind mount into a hostPath, which the admins rejected.\n"
    )
    assert r.host_mounts == [] and r.elevated.host_path == []


def test_tls_at_the_ingress_with_plain_http_behind_it() -> None:
    r = read(
        "Image `acme/chat:9.2-0`. TLS ends at our ingress now, so the pod serves plain HTTP on "
        "80. Ingress: host `chat.example.org`, TLS from the existing secret `chat-tls`.\n"
    )
    assert r.ingress is not None and r.ingress.tls and r.ingress.tls_secret == "chat-tls"


# ----------------------------------------------------------------------------- languages


def test_ukrainian_is_told_from_russian_and_read() -> None:
    text = (
        "Потрібен Helm-чарт. Застосунок: образ `acme/track:0.24.11`, слухає порт 8000.\n"
        "- `SECRET` (ключ Django) брати з наявного Secret `track-secret`, ключ `secret`\n"
        "PostgreSQL — розгорнути разом із чартом, версія 16. Ingress: хост `track.example.ua`, "
        "клас `nginx`.\n"
    )
    assert language(text) == "uk" and "from the Secret" in gloss(text)
    r = read(text)
    assert secrets_of(r)["SECRET"] == ("track-secret", "secret")
    assert {d.kind: d.version for d in r.dependencies} == {"postgresql": "16"}
    assert r.ingress is not None and r.ingress.class_name == "nginx"


def test_two_hosts_each_to_its_own_port_of_the_service() -> None:
    text = (
        "Image `acme/flags:4.1.0`, container ports 3000 and 3100, a ClusterIP Service exposing "
        "both. Ingress, two hosts: `flags.example.org` → port 3000 and `flags-api.example.org` "
        "→ port 3100.\n"
    )
    r = read(text)
    assert r.ingress is not None
    assert r.ingress.hosts == ["flags.example.org", "flags-api.example.org"]
    assert {x.host: x.port for x in r.ingress.routes} == {
        "flags.example.org": 3000,
        "flags-api.example.org": 3100,
    }
    values = yaml.safe_load(
        template.assemble_chart(build_plan(apply_assumptions(r))).files["values.yaml"]
    )
    by_host = {h["host"]: h["paths"][0]["servicePort"] for h in values["ingress"]["hosts"]}
    names = {p["port"]: p["name"] for p in values["service"]["ports"]}
    assert by_host == {"flags.example.org": names[3000], "flags-api.example.org": names[3100]}


# ------------------------------------------------------------------ round 19: docs and forms


def test_a_table_row_short_of_cells_is_read_not_fatal() -> None:
    r = read(
        "Image `acme/search:1.2.4`.\n\n| Variable | Value | Notes |\n|---|---|---|\n"
        "| APP_THEME | dark |\n| APP_PORT | 5000 | listens here |\n"
    )
    assert r.image is not None


def test_a_docs_table_of_descriptions_sets_nothing() -> None:
    r = read(
        "> | Variable | Description |\n> |---|---|\n> | APP_THEME | Set theme mode (light, dark) |"
        "\n\nImage `acme/search:1.2.4`, port 5000.\n- `APP_THEME=dark`\n"
    )
    assert env_of(r) == {"APP_THEME": "dark"}


def test_two_variables_and_their_keys_slashed() -> None:
    r = read(
        "Image `acme/search:1.2.4`.\n- `APP_USER` / `APP_PASS` → Secret `search-auth`, keys "
        "`username` / `password`\n"
    )
    assert secrets_of(r) == {
        "APP_USER": ("search-auth", "username"),
        "APP_PASS": ("search-auth", "password"),
    }


def test_no_persistence_at_all_makes_every_unsized_volume_scratch() -> None:
    r = read(
        "Image `acme/search:1.2.4`. Their compose has tmpfs on `/config/`, `/var/lib/tor/` and "
        "`/run/tor/`. No persistence at all.\n"
    )
    assert r.volumes and not any(v.persistent for v in r.volumes)
    assert r.workload in (None, "Deployment")


def test_a_job_called_by_a_plain_word_is_its_own_part() -> None:
    r = read(
        "A blog from the image ghcr.io/acme/blog:v0.15.1 on port 8080, exposed through an "
        "Ingress on blog.example.dev. Add a Job called migrate that uses the same image and "
        "runs as a pre-install and pre-upgrade hook. TLS from cert-manager using the "
        "letsencrypt-prod cluster issuer and the secret name blog-example-dev-tls.\n"
    )
    assert r.workload in (None, "Deployment") and r.ports[0].port == 8080
    migrate = part(r, "migrate")
    assert migrate.workload == "Job" and migrate.hook == "pre-install,pre-upgrade"
    assert r.ingress is not None and r.ingress.tls_secret == "blog-example-dev-tls"


def test_command_and_args_said_apart() -> None:
    r = read(
        "Image `acme/fleet:v4.51.1`.\n\n### Components\n\n"
        "- `fleet`: the server. Command `/usr/bin/fleet`, args `serve`. Listens on 8080.\n"
        "- `migrate`: a Job with the same image running `fleet prepare db`, as a Helm hook on "
        "`pre-install,pre-upgrade`.\n\n"
        "We want migrations as a separate hook Job. Ingress: host `fleet.example.com`.\n"
    )
    assert (r.command, r.args) == (["/usr/bin/fleet"], ["serve"])
    assert r.workload in (None, "Deployment") and part(r, "migrate").workload == "Job"


# ------------------------------------------------------------- round 19: nodes and powers


def test_host_paths_listed_with_the_word_host() -> None:
    r = read(
        "A DaemonSet, image `acme/beat:8.15.3`.\n\n**Host mounts** (read-only unless noted):\n"
        "   - host `/proc` → `/hostfs/proc`\n   - host `/sys/fs/cgroup` → `/hostfs/sys/fs/cgroup`\n"
    )
    mounts = {m.host_path: (m.mount_path, m.read_only) for m in r.host_mounts}
    assert mounts == {
        "/proc": ("/hostfs/proc", True),
        "/sys/fs/cgroup": ("/hostfs/sys/fs/cgroup", True),
    }
    assert r.elevated.host_path == []


def test_paths_in_flags_are_what_the_process_reads() -> None:
    r = read(
        "A DaemonSet, image `acme/certs:3.21.0`, args: `--watch-dir=/etc/kubernetes/pki "
        "--listen-address=:9793`. hostPath mounts, read-only: `/etc/kubernetes`.\n"
    )
    assert [m.host_path for m in r.host_mounts] == ["/etc/kubernetes"]
    assert r.elevated.host_path == []


def test_a_pvc_picked_up_from_the_node_is_no_host_path() -> None:
    r = read(
        "Image `acme/car:4.1.1`. `/backup` should be its own 5Gi PVC - a restic job picks it "
        "up from the node later.\n"
    )
    assert r.host_mounts == [] and r.elevated.host_path == []


def test_root_the_upstream_manifest_uses_and_the_request_leaves_out() -> None:
    r = read(
        "A DaemonSet, image `acme/beat:8.15.3`. Upstream also runs it as `runAsUser: 0`. I'd "
        "like to try without that first, so leave it out for now.\n"
    )
    assert not r.elevated.run_as_root


def test_parts_headed_by_a_word_and_their_kind() -> None:
    r = read(
        "image `acme/certs:3.21.0`, metrics on 9793 everywhere\n\n"
        "**nodes** — DaemonSet, control-plane nodes only\n- args: `--watch-dir=/etc/pki`\n\n"
        "**secrets** — Deployment, 1 replica\n- args: `--watch-kube-secrets`\n"
        "- ClusterIP Service on 9793\n"
    )
    kinds = {c.name: c.workload for c in r.components}
    kinds[r.component] = r.workload
    assert kinds == {"nodes": "DaemonSet", "secrets": "Deployment"}


def test_a_label_and_its_answer_name_no_part() -> None:
    r = read("- name: search\n- image: acme/search:5.0.2\n- workload: StatefulSet\n- port: 9200\n")
    assert r.components == [] and r.workload == "StatefulSet"


def test_a_backups_directory_keeps_the_datastore_in_the_chart() -> None:
    r = read(
        "```yaml\nservices:\n  app:\n    image: ghcr.io/acme/spools:0.26.1\n    environment:\n"
        "      - APP_DB_HOST=postgres\n    volumes:\n"
        "      # keeps logs + backups dir here even with postgres\n      - ./data:/data\n"
        "  postgres:\n    image: postgres:16-alpine\n```\n"
    )
    assert [(d.kind, d.external) for d in r.dependencies] == [("postgresql", False)]


def test_the_requests_datastore_version_beats_its_compose_file() -> None:
    r = read(
        "```yaml\nservices:\n  app:\n    image: acme/forum:3\n  redis:\n    image: redis:5.0\n```"
        "\n\nKeep Redis in the chart. Redis: go to 7, 5.0 is ancient.\n"
    )
    assert {d.kind: d.version for d in r.dependencies} == {"redis": "7"}


def test_two_parts_named_over_one_fact() -> None:
    r = read(
        "- `web`: image `acme/forum:3`, port 3000\n- `relay`: image `acme/relay:1`\n"
        "- `collab`: image `acme/relay:1`, runs `npm run collab`\n\n"
        "**relay / collab**: both listen on 5000, each with a ClusterIP Service on 5000.\n"
    )
    assert r.component == "web" and [p.port for p in r.ports] == [3000]
    assert [p.port for p in part(r, "relay").ports] == [5000]
    assert [p.port for p in part(r, "collab").ports] == [5000]


# ------------------------------------------------------------- round 19: jobs said in prose


def test_a_lead_line_over_named_jobs_is_said_of_each() -> None:
    r = read(
        "**Web (`surveys`)**\n- image `acme/surveys:3.16.1`, port 3000\n\n"
        "Ingress: `surveys.example.de`, `/` → surveys.\n\n"
        "**CronJobs**, both with image `curlimages/curl:8.10.1` and `timeZone: Europe/Berlin`:\n"
        "- `close-surveys`, schedule `0 0 * * *`, command:\n"
        "  `curl -fsS -X POST https://surveys.example.de/api/cron/close`\n"
        "- `weekly-summary`, schedule `0 8 * * 1`, command:\n"
        "  `curl -fsS -X POST https://surveys.example.de/api/cron/weekly`\n"
    )
    assert r.workload in (None, "Deployment") and r.schedule == ""
    assert r.ingress is not None and r.ingress.path == "/"
    close = part(r, "close-surveys")
    assert close.workload == "CronJob" and close.schedule == "0 0 * * *"
    assert close.image is not None and close.image.repository == "curlimages/curl"
    assert close.args[:2] == ["curl", "-fsS"]
    assert part(r, "weekly-summary").schedule == "0 8 * * 1"


def test_a_cronjob_asked_for_in_prose_is_named_by_its_item() -> None:
    r = read(
        "Image `acme/car:4.1.1`, port 4000. Postgres 18 should live in the chart.\n\n"
        "10. THE BACKUP. This is why I'm doing this. I'd like a CronJob that does the equivalent "
        "every night at 03:30 Amsterdam time, using the `postgres:18` image, with the command "
        "`pg_dump -U car -f /backup/car.bck car`.\n"
    )
    backup = part(r, "backup")
    assert backup.workload == "CronJob" and backup.args[0] == "pg_dump"
    assert r.args == [] and r.workload in (None, "Deployment")
    assert [(d.kind, d.external) for d in r.dependencies] == [("postgresql", False)]
