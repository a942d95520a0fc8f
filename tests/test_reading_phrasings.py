"""Reading rules found on requests the corpus did not have, each in a phrasing of its own.

Every rule here was a miss on realistic requests written from public material (docs pages,
issues, compose files) that the parser had not been tuned on; the sentences below say the same
things in other words, so a rule that only fits one request fails here.
"""

from __future__ import annotations

import pytest

from bot.tools.requirements import redact_secrets
from tests.reading_helpers import env_of, read, secrets_of

# --------------------------------------------------------------------------- ingress and TLS


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Expose docs.acme.dev via nginx ingress. TLS secret: docs-acme-tls (made by our CA)",
            "docs-acme-tls",
        ),
        ("ingress docs.acme.dev, class traefik, tls secret docs-acme-tls.", "docs-acme-tls"),
        (
            "Ingress docs.acme.dev with TLS from ClusterIssuer corp-ca (secret docs-acme-tls).",
            "docs-acme-tls",
        ),
    ],
)
def test_the_certificates_secret_is_a_name_not_a_pasted_value(text: str, secret: str) -> None:
    request = f"Docs site, image ghcr.io/acme/docs:2.0.1, port 8080. {text}"
    assert redact_secrets(request)[1] == 0
    requirements = read(request)
    assert requirements.ingress is not None and requirements.ingress.tls_secret == secret
    assert requirements.redactions == 0


def test_a_credential_after_secret_is_still_redacted() -> None:
    assert redact_secrets("client secret: q8Zk2vLmX9pR4tWb")[1] == 1
    assert redact_secrets("the tls secret is q8Zk2vLmX9pR4tWb")[1] == 1


def test_ingress_on_that_host_takes_the_host_of_the_url_just_named() -> None:
    requirements = read(
        "Wiki, image ghcr.io/acme/wiki:3.1.0, port 3000. Set `PUBLIC_URL=https://wiki.acme.dev`, "
        "and expose it on the same host through ingress-nginx."
    )
    assert requirements.ingress is not None and requirements.ingress.hosts == ["wiki.acme.dev"]


# --------------------------------------------------------------------------- context


def test_a_pasted_stack_trace_gives_no_hosts_and_no_variables() -> None:
    requirements = read(
        "Forum app, image ghcr.io/acme/forum:1.2.0, port 4000, host forum.acme.dev.\n\n"
        "```\n"
        "[2024-03-01 10:00:00] ERROR ECONNREFUSED: connect failed\n"
        "Error Code:\n"
        "    ECONNREFUSED\n"
        "------------------------------\n"
        "Error: connect ECONNREFUSED 10.0.0.5:5432\n"
        "    at TCPConnectWrap.afterConnect (node:net:1555:16)\n"
        "    at Pool.Connection.connect (/app/node_modules/pg/lib/client.js:12:3)\n"
        "```\n"
    )
    assert requirements.ingress is not None and requirements.ingress.hosts == ["forum.acme.dev"]
    assert not any(e.name.startswith("ECONN") for e in requirements.env)


# --------------------------------------------------------------------------- images, datastores


def test_the_image_it_should_be_wins_over_the_catalogue() -> None:
    requirements = read("A Ghost blog; the image must be `ghost:5-alpine`, listening on 2368.")
    assert requirements.image is not None
    assert (requirements.image.repository, requirements.image.tag) == ("ghost", "5-alpine")


def test_a_console_command_is_not_an_image() -> None:
    requirements = read(
        "Shop on image ghcr.io/acme/shop:4.0.0, port 8000; a nightly CronJob at 0 2 * * * runs "
        "`cache:clear` to drop stale pages."
    )
    assert requirements.image is not None and requirements.image.repository == "acme/shop"
    assert not any("cache:clear" in note for note in requirements.notes)


def test_part_of_the_chart_outweighs_a_negated_shared() -> None:
    requirements = read(
        "Blog, image ghcr.io/acme/blog:1.0.0, port 2368. MariaDB 11 should be in the chart, "
        "not our shared instance any more."
    )
    assert [(d.kind, d.purpose) for d in requirements.dependencies] == [("mariadb", "")]


# --------------------------------------------------------------------------- sizes


def test_an_observed_size_is_not_a_request_and_a_pair_follows_its_word() -> None:
    requirements = read(
        "API, image ghcr.io/acme/api:2.2.0, port 8080. It usually sits at 300MB, so requests "
        "100m / 512Mi and a memory limit of 1Gi."
    )
    assert requirements.resources is not None and requirements.limits is not None
    assert (requirements.resources.cpu, requirements.resources.memory) == ("100m", "512Mi")
    assert requirements.limits.memory == "1Gi"


def test_size_class_and_access_mode_in_the_next_sentence_belong_to_the_volume() -> None:
    requirements = read(
        "CMS, image ghcr.io/acme/cms:5.0.0, port 80.\n"
        "- Uploads live under `/srv/uploads` (images, PDFs). 25Gi, storageClass `cephfs`, "
        "ReadWriteMany because two pods write there.\n"
    )
    volume = next(v for v in requirements.volumes if v.mount_path == "/srv/uploads")
    assert (volume.size, volume.storage_class, volume.access_mode) == (
        "25Gi",
        "cephfs",
        "ReadWriteMany",
    )


# --------------------------------------------------------------------------- workloads


def test_run_as_a_cronjob_with_an_executable_and_a_manifest_file_named() -> None:
    requirements = read(
        "Please run the cleaner as a CronJob, like our old `manifests/cleaner-cronjob.yaml`. "
        "It runs the image `ghcr.io/acme/cleaner:0.4.1` nightly (`15 3 * * *`) with "
        "`/usr/bin/cleaner --dry-run=false --older-than 30d`."
    )
    assert requirements.workload == "CronJob" and requirements.schedule == "15 3 * * *"
    assert requirements.components == []
    assert requirements.command + requirements.args == [
        "/usr/bin/cleaner",
        "--dry-run=false",
        "--older-than",
        "30d",
    ]


def test_a_configmap_named_after_other_words_is_the_one_in_code() -> None:
    requirements = read(
        "Proxy, image ghcr.io/acme/proxy:1.0.0, port 8080. Its rules are in a ConfigMap our "
        "platform team keeps, `proxy-rules`, to be mounted at `/etc/proxy`."
    )
    assert [(m.config_map, m.mount_path) for m in requirements.config_mounts] == [
        ("proxy-rules", "/etc/proxy")
    ]


def test_rbac_rules_listed_one_after_another_with_subresources() -> None:
    requirements = read(
        "Operator, image ghcr.io/acme/operator:0.9.0. It needs a ClusterRole: get/list/watch on "
        "pods and nodes, create on pods/eviction, update/patch on deployments, get on "
        "storageclasses."
    )
    assert requirements.rbac is not None and requirements.rbac.cluster
    rules = {tuple(r.resources): (r.verbs, r.api_groups) for r in requirements.rbac.rules}
    assert rules[("pods", "nodes")] == (["get", "list", "watch"], [""])
    assert rules[("pods/eviction",)] == (["create"], [""])
    assert rules[("deployments",)] == (["update", "patch"], ["apps"])
    assert rules[("storageclasses",)] == (["get"], ["storage.k8s.io"])


def test_a_heading_that_says_its_kind_is_a_component_of_the_same_app() -> None:
    requirements = read(
        "**App**\n"
        "- Image `ghcr.io/acme/tracker:2.4.0`, port 8080.\n"
        "- Postgres 16 bundled; `TRACKER_DB_HOST` → the bundled postgres, "
        "`TRACKER_DB_NAME=tracker`, `TRACKER_MODE=prod`.\n\n"
        "**Reports (CronJob)**\n"
        "- Same image, command `tracker reports --send` at `0 6 * * 1`.\n"
        "- Same `TRACKER_DB_*` settings as the app.\n"
    )
    assert requirements.workload != "CronJob"
    reports = next(c for c in requirements.components if c.name == "reports")
    assert reports.workload == "CronJob" and reports.schedule == "0 6 * * 1"
    assert reports.args[:2] == ["tracker", "reports"]
    assert {e.name for e in reports.env} >= {"TRACKER_MODE"}
    assert {c.env for c in reports.connections} >= {"TRACKER_DB_HOST", "TRACKER_DB_NAME"}


# --------------------------------------------------------------------------- secrets


def test_arrow_pairs_read_each_variable_from_its_key() -> None:
    requirements = read(
        "API, image ghcr.io/acme/api:1.0.0, port 8080. From the existing Secret `api-keys`: "
        "`JWT_SECRET` → key `jwt`, `WEBHOOK_TOKEN` -> `webhook`."
    )
    refs = secrets_of(requirements)
    assert refs["JWT_SECRET"] == ("api-keys", "jwt")
    assert refs["WEBHOOK_TOKEN"] == ("api-keys", "webhook")


def test_short_variable_names_and_a_secret_named_before() -> None:
    requirements = read(
        "API, image ghcr.io/acme/api:1.0.0, port 8080. `KEY` and `SALT` live in the secret "
        "`api-crypto` (keys `key` and `salt`). `ROOT_PASSWORD` comes from `api-crypto` as "
        "well, key `root`."
    )
    refs = secrets_of(requirements)
    assert refs["KEY"] == ("api-crypto", "key")
    assert refs["SALT"] == ("api-crypto", "salt")
    assert refs["ROOT_PASSWORD"] == ("api-crypto", "root")


# --------------------------------------------------------------------------- compose


COMPOSE = """Move this to k8s; `SITE_URL=https://stats.acme.dev` there, not localhost.

```yaml
services:
  stats:
    image: ghcr.io/acme/stats:3.0.0
    depends_on: [events]
    environment:
      - SITE_URL=http://localhost:8000
      - LISTEN_PORT
      - MAIL_FROM
  events:
    image: clickhouse/clickhouse-server:24.3
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8123/ping"]
```

our `.env`:

```
LISTEN_PORT=8000
MAIL_FROM=stats@acme.dev
```
"""


def test_compose_pass_through_variables_take_the_pasted_env_files_values() -> None:
    requirements = read(COMPOSE)
    assert requirements.component == "stats"  # the unbundled data service is not the app
    env = env_of(requirements)
    assert env["MAIL_FROM"] == "stats@acme.dev" and env["LISTEN_PORT"] == "8000"
    assert [p.port for p in requirements.ports] == [8000]
    assert env["SITE_URL"] == "https://stats.acme.dev"  # what the request says wins


# --------------------------------------------------------------------------- ports, placement


def test_ports_written_as_code_in_a_list() -> None:
    requirements = read("ERP, image ghcr.io/acme/erp:17.0. Ports: `8069` (web) and `8072` (chat).")
    assert [p.port for p in requirements.ports] == [8069, 8072]
    # A number after the port that starts something else is not a second port.
    assert [p.port for p in read("API, image a/b:1.0.0, port 3000, 2-10 replicas").ports] == [3000]


def test_a_well_known_node_label_is_a_node_selector() -> None:
    requirements = read(
        "Renderer, image ghcr.io/acme/render:1.4.0, port 8080; arm64 only "
        "(kubernetes.io/arch: arm64)."
    )
    assert requirements.node_selector == {"kubernetes.io/arch": "arm64"}


def test_a_path_that_holds_a_configmap_is_no_volume_of_its_own() -> None:
    requirements = read(
        "ERP, image ghcr.io/acme/erp:17.0, port 8069. Its settings file is in the existing "
        "ConfigMap `erp-settings`; mount it at `/etc/erp`. Files on a 10Gi volume at `/srv/erp`."
    )
    assert [(m.config_map, m.mount_path) for m in requirements.config_mounts] == [
        ("erp-settings", "/etc/erp")
    ]
    assert [v.mount_path for v in requirements.volumes] == ["/srv/erp"]


def test_a_one_word_variable_in_code_points_at_the_bundled_datastore() -> None:
    requirements = read(
        "ERP, image ghcr.io/acme/erp:17.0, port 8069. PostgreSQL 15 in the chart; `HOST` must "
        "point at that Postgres and `USER=erp`."
    )
    assert [(c.env, c.part, c.dependency) for c in requirements.connections][:1] == [
        ("HOST", "host", "postgresql")
    ]


def test_spanish_mount_and_existing_secret() -> None:
    requirements = read(
        "Imagen `ghcr.io/acme/erp:17.0`, puerto 8069. La `PASSWORD` sale del Secret que ya "
        "existe `erp-db`, clave `password`. Nuestro `erp.conf` está en el ConfigMap existente "
        "`erp-conf`; montarlo en `/etc/erp`."
    )
    assert secrets_of(requirements)["PASSWORD"] == (
        "erp-db",
        "password",
    )
    assert [(m.config_map, m.mount_path) for m in requirements.config_mounts] == [
        ("erp-conf", "/etc/erp")
    ]
