"""Reading rules from blind round 12, each said here in words of its own.

The round's requests (now in the fidelity corpus) answered pasted docs section by section, kept a
compose file's reverse proxy in the chart, mapped Service ports onto container ports, named
workloads in passing ("the RAG API", "Meilisearch, which should run in the chart from ..."), and
wrote in Japanese, Spanish and German. The sentences below say the same things differently, so a
rule that only fits its one request fails here.
"""

from __future__ import annotations

from bot.tools.requirements import parse_requirements
from tests.reading_helpers import env_of, part, secrets_of

IMAGE = "Image `ghcr.io/acme/app:2.4.0`, port 8080."


# --------------------------------------------------------------------------- pasted docs


DOCS = """Setting up Listmate from its docs:

> ## Outgoing mail
> | Variable | Default | Description |
> | --- | --- | --- |
> | `LM_SMTP_HOST` | - | SMTP server |
> | `LM_SMTP_PORT` | `25` | SMTP port |
> | `LM_SMTP_LOGIN` | - | SMTP user |
> | `LM_SMTP_PASSWORD` | - | SMTP password |
>
> ## Server
> | Variable | Default | Description |
> | --- | --- | --- |
> | `PORT` | `5050` | Where the server listens |

My answers:

- image `acme/listmate:1.2.0`, keep the default port.
- Outgoing mail: our relay `relay.mail.acme.net` on 465; login and password live in \
Secret `lm-relay` (keys `user` and `pass`).
"""


def test_an_answer_per_docs_section_sets_that_sections_variables() -> None:
    requirements = parse_requirements(DOCS)
    env = env_of(requirements)
    assert env["LM_SMTP_HOST"] == "relay.mail.acme.net"
    assert env["LM_SMTP_PORT"] == "465"
    secrets = secrets_of(requirements)
    assert secrets["LM_SMTP_LOGIN"] == ("lm-relay", "user")
    assert secrets["LM_SMTP_PASSWORD"] == ("lm-relay", "pass")
    assert [p.port for p in requirements.ports] == [5050]  # the docs' default, as asked
    # the relay is where the app sends mail, not where it is reached
    assert requirements.ingress is None or "relay.mail.acme.net" not in requirements.ingress.hosts


def test_a_cited_docs_page_is_not_an_address_of_the_app() -> None:
    requirements = parse_requirements(
        f"{IMAGE} I went by the install guide (https://acme.github.io/app/install.html). "
        "Ingress on app.acme.dev."
    )
    assert requirements.ingress is not None and requirements.ingress.hosts == ["app.acme.dev"]
    assert requirements.ingress.path in ("", "/")


# --------------------------------------------------------------------------- services, routes


def test_service_ports_mapped_onto_container_ports() -> None:
    requirements = parse_requirements(
        "Image `acme/gw:3.0`; container ports 9000 (http) and 9443 (https). Expose it with a "
        "LoadBalancer Service on ports 80 and 443 (-> 9000 / 9443)."
    )
    assert {(p.port, p.service_port) for p in requirements.ports} == {(9000, 80), (9443, 443)}


def test_a_kept_reverse_proxy_is_a_workload_and_the_ingress_reaches_it() -> None:
    requirements = parse_requirements(
        """```yaml
services:
  app:
    image: acme/shop:4.1
    ports: ["9000:9000"]
  front:
    image: caddy:2.8
    ports: ["80:80"]
```
Keep front in the chart, it serves the static files; ingress on shop.acme.dev.
"""
    )
    assert "front" in [c.name for c in requirements.components]
    assert requirements.ingress is not None
    assert {r.path: r.component for r in requirements.ingress.routes}.get("/") == "front"


def test_send_a_path_to_a_workload() -> None:
    requirements = parse_requirements(
        "Two workloads: web (image `acme/site:1.0`, port 3000) and admin (image "
        "`acme/site-admin:1.0`, port 4000). Ingress on site.acme.dev; send /admin to admin and "
        "everything else to web."
    )
    assert requirements.ingress is not None
    routes = {r.path: r.component for r in requirements.ingress.routes}
    assert routes == {"/admin": "admin"}  # the rest is the main workload's, web
    assert requirements.component == "web" and requirements.ingress.path == "/"


# --------------------------------------------------------------------------- workloads


def test_a_name_is_its_own_and_not_a_longer_names_last_word() -> None:
    requirements = parse_requirements(
        "The main piece is the api service from `ghcr.io/acme/notes:3.2` on port 3080. "
        "Add the sync API (`ghcr.io/acme/notes-sync-api:1.1`, port 8000) as well. "
        "Resources for the api: request 250m and 512Mi."
    )
    sync = part(requirements, "sync-api")
    assert sync.resources is None or sync.resources.cpu != "250m"
    assert requirements.resources is not None and requirements.resources.cpu == "250m"


def test_a_further_image_named_by_its_app_in_the_sentence() -> None:
    requirements = parse_requirements(
        "Main app is the web service from `ghcr.io/acme/board:2.0` on 8080. Full-text search is "
        "provided by Typesense, which should run in the chart from `typesense/typesense:27.1` on "
        "port 8108."
    )
    search = part(requirements, "typesense")
    assert search.image is not None and search.image.repository == "typesense/typesense"


def test_the_web_app_led_list_item_is_the_web_workload() -> None:
    requirements = parse_requirements(
        "One image, `acme/tracker:0.9`, two processes:\n\n"
        "- the web app: command `bin/server`, listens on 3000.\n"
        "- jobs: command `bin/jobs`.\n\n"
        "One replica each is enough."
    )
    assert requirements.component == "web"
    jobs = part(requirements, "jobs")
    assert jobs.replicas is not None and jobs.replicas.max == 1


def test_what_the_request_wants_replaces_a_pasted_replica_count() -> None:
    requirements = parse_requirements(
        """```yaml
services:
  app:
    image: acme/queue:1.0
    command: serve
    ports: ["8080:8080"]
  consumer:
    image: acme/queue:1.0
    command: consume
    deploy:
      replicas: 3
```
The consumer should autoscale from 3 to 9 replicas at 60% CPU.
"""
    )
    consumer = part(requirements, "consumer")
    assert consumer.replicas is not None
    assert (consumer.replicas.min, consumer.replicas.max) == (3, 9)


def test_tolerate_every_taint() -> None:
    requirements = parse_requirements(
        "Node agent `acme/agent:1.0` as a DaemonSet; it must tolerate every taint."
    )
    assert [(t.key, t.operator) for t in requirements.tolerations] == [("", "Exists")]


def test_an_old_setup_with_host_networking_asks_for_no_power() -> None:
    requirements = parse_requirements(
        "This is what we run today on a VM, with `network_mode: host`:\n\n"
        "```yaml\nservices:\n  app:\n    image: acme/relay:2.0\n```\n\n"
        "On Kubernetes we want a Deployment on port 2525 behind a ClusterIP Service."
    )
    assert not requirements.elevated.host_network


# --------------------------------------------------------------------------- secrets, env


def test_a_secret_key_pointed_at_several_variables() -> None:
    requirements = parse_requirements(
        f"{IMAGE}\n\n- `acme-db` key `pw` -> PRIMARY_DB_PASSWORD and REPLICA_DB_PASSWORD\n"
    )
    secrets = secrets_of(requirements)
    assert secrets["PRIMARY_DB_PASSWORD"] == ("acme-db", "pw")
    assert secrets["REPLICA_DB_PASSWORD"] == ("acme-db", "pw")


def test_a_secret_key_passed_as_a_variable() -> None:
    requirements = parse_requirements(
        f"{IMAGE} The DSN sits in the Secret `acme-dsn` under the key `dsn`, to be passed as "
        "`SENTRY_DSN`."
    )
    secrets = secrets_of(requirements)
    assert secrets["SENTRY_DSN"] == ("acme-dsn", "dsn")


def test_set_a_variable_to_a_value_and_a_time_zone_after_its_name() -> None:
    requirements = parse_requirements(
        f"{IMAGE} Please set `PUBLIC_URL` to `https://app.acme.dev`; TZ America/Toronto."
    )
    env = env_of(requirements)
    assert env["PUBLIC_URL"] == "https://app.acme.dev"
    assert env["TZ"] == "America/Toronto"


def test_a_bundled_mariadb_is_the_mysql_the_driver_names() -> None:
    requirements = parse_requirements(
        f"{IMAGE} MariaDB 11 bundled in the chart, `DB_CONNECTION=mysql`, and `DB_HOST` "
        "pointing at that MariaDB."
    )
    assert [d.kind for d in requirements.dependencies] == ["mariadb"]
    assert env_of(requirements)["DB_CONNECTION"] == "mysql"


# --------------------------------------------------------------------------- other languages


def test_japanese_section_headings_and_every_minute() -> None:
    requirements = parse_requirements(
        "Lumen を Kubernetes に載せたいです。\n\n"
        "【アプリ本体（web）】\n- イメージ：`acme/lumen:1.4`\n- ポート：8000\n\n"
        "【スケジューラ】\n- CronJob として、同じイメージで毎分 `lumen tick` を実行、"
        "タイムゾーンは `Asia/Tokyo`。\n"
    )
    assert requirements.component == "web"
    scheduler = part(requirements, "scheduler")
    assert scheduler.schedule == "* * * * *"
    assert scheduler.args == ["lumen", "tick"] or scheduler.command == ["lumen", "tick"]


def test_german_a_cronjob_named_in_brackets_with_its_own_schedule() -> None:
    requirements = parse_requirements(
        "Wir brauchen ein Chart für `acme/wiki:5.0` auf Port 8080, genau 1 Replica. "
        "Zusätzlich einen Export als CronJob (`export`): Image `acme/wiki-export:5.0`, "
        "täglich um 04:15 Uhr (`Europe/Vienna`), nie parallel."
    )
    assert requirements.replicas is not None and requirements.replicas.max == 1
    export = part(requirements, "export")
    assert export.schedule == "15 4 * * *"
