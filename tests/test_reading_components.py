"""How a request introduces the workloads of an app, in the phrasings blind requests used.

Each case was a miss on requests written from public material the parser had not seen (a
Japanese request with numbered component headings, a prose request giving each role a paragraph,
a nightly CronJob said with adjectives before its kind); the wording here is different, so a
rule that only fits one request fails.
"""

from __future__ import annotations

from bot.tools.models import Requirements
from bot.tools.requirements import parse_requirements


def workloads(req: Requirements) -> dict[str, Requirements]:
    return {req.component: req, **{c.name: c for c in req.components}}  # type: ignore[dict-item]


def test_a_role_given_a_kind_in_its_own_paragraph_is_a_component() -> None:
    req = parse_requirements(
        "Chart for our build farm, please.\n\n"
        "The controller should be a StatefulSet running ghcr.io/acme/farm-controller:2.1.0 with "
        "a 5Gi volume at /var/lib/farm. It serves the UI on 8080 and the runner API for the "
        "runners on 9090.\n\n"
        "The runners should be a Deployment of ghcr.io/acme/farm-runner:2.1.0 with 3 replicas "
        "and RUNNER_CONCURRENCY=4."
    )
    found = workloads(req)
    assert set(found) == {"controller", "runner"}
    controller, runner = found["controller"], found["runner"]
    assert controller.workload == "StatefulSet"
    # "It serves ... for the runners": the sentence is still about the controller.
    assert {p.port for p in controller.ports} == {8080, 9090}
    assert not runner.ports
    assert runner.image is not None and runner.image.repository == "acme/farm-runner"
    assert runner.replicas is not None and runner.replicas.min == 3
    assert [e.value for e in runner.env if e.name == "RUNNER_CONCURRENCY"] == ["4"]


def test_numbered_component_headings_start_a_part_each() -> None:
    req = parse_requirements(
        "Two parts to this one.\n\n"
        "**Component 1: `ingest`**\n"
        "- image: `ghcr.io/acme/ingest:0.9.0`\n"
        "- port 4000\n\n"
        "**Component 2: `compactor`**\n"
        "- image: `ghcr.io/acme/compactor:0.9.0`\n"
        "- args: `-retention=30d`\n"
    )
    found = workloads(req)
    assert set(found) == {"ingest", "compactor"}
    assert [p.port for p in found["ingest"].ports] == [4000]
    assert found["compactor"].args == ["-retention=30d"]  # a single flag is an argument
    assert found["compactor"].image is not None
    assert found["compactor"].image.repository == "acme/compactor"


def test_a_cronjob_said_with_adjectives_and_its_image_is_a_component_named_by_its_role() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/ledger:3.0.0`, port 8000.\n\n"
        "Also a weekly cleanup CronJob using `ghcr.io/acme/ledger-tools:3.0.0` that runs "
        "`ledger-tools vacuum --all` at 04:00 UTC."
    )
    found = workloads(req)
    assert "cleanup" in found
    cleanup = found["cleanup"]
    assert cleanup.workload == "CronJob" and cleanup.args == ["ledger-tools", "vacuum", "--all"]
    assert cleanup.image is not None and cleanup.image.repository == "acme/ledger-tools"
    assert cleanup.cron is not None and cleanup.cron.time_zone == "UTC"  # as said


def test_a_named_cronjob_with_words_before_its_kind_is_no_chart_name() -> None:
    req = parse_requirements(
        "Helm chart for the reports service, image ghcr.io/acme/reports:1.4.0 on port 8000 "
        "(call that component `api`). Plus a monthly invoice export CronJob named `export`, "
        "same image, running `reports export --month` on the 1st at 06:00."
    )
    found = workloads(req)
    assert req.component == "api" and req.workload != "CronJob"
    assert "export" in found and found["export"].workload == "CronJob"
    assert req.name != "export"


def test_call_it_after_an_introduction_renames_that_component() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/shop:5.0.0, port 3000. And a nightly CronJob that runs "
        "`shop prune` at 02:00. Call it `pruner`."
    )
    assert [c.name for c in req.components] == ["pruner"]


def test_a_component_name_in_the_general_text_is_no_kind_of_workload() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/crm:2.0.0` for every process:\n"
        "- `web`: command `./bin/web`, port 8080\n"
        "- `cron`: command `./bin/cron` (a long-running process, not a Kubernetes CronJob)\n\n"
        "Settings shared by web and cron:\n"
        "- `CRM_MODE=prod`\n"
    )
    found = workloads(req)
    assert found["web"].workload != "CronJob"
    assert found["cron"].args == ["./bin/cron"]  # a path of the image, no image reference
    assert found["web"].args == ["./bin/web"]


def test_the_product_named_in_the_request_names_an_image_with_a_role_suffix() -> None:
    req = parse_requirements(
        "Our analytics store is a ClickHouse on one VM; we want it on the cluster: "
        "clickhouse/clickhouse-server:24.8, ports 8123 and 9000."
    )
    assert req.name == "clickhouse"


def test_roles_introduced_by_the_image_or_the_command_they_run() -> None:
    req = parse_requirements(
        "It needs two parts, the server and a runner.\n\n"
        "The server should run `acme/ci-server:2.4.0` as a single replica, listening on port 80. "
        "Use `/healthz` for the health checks.\n\n"
        "The runner is `acme/ci-runner:1.0.0`, one replica, port 3000, with "
        "`CI_RUNNER_CAPACITY=4`."
    )
    found = workloads(req)
    assert set(found) == {"server", "runner"}
    assert [p.port for p in found["server"].ports] == [80]
    assert [p.port for p in found["runner"].ports] == [3000]
    assert (
        found["runner"].image is not None and found["runner"].image.repository == "acme/ci-runner"
    )


def test_all_of_the_workloads_get_what_is_said_of_all() -> None:
    req = parse_requirements(
        "There are three workloads. The web runs `app serve -p 8000`. The daemon runs "
        "`app daemon`. The sync worker uses `acme/sync:2.0`, runs `sync loop` and listens on "
        "4000.\n\nNo database in the chart. All three workloads need "
        "`APP_DB_HOST=db.acme.internal`."
    )
    found = workloads(req)
    assert set(found) == {"web", "daemon", "sync"}
    for c in found.values():
        assert [e.value for e in c.env if e.name == "APP_DB_HOST"] == ["db.acme.internal"]
    assert [p.port for p in found["web"].ports] == [8000]  # "-p 8000" of the command it runs


def test_the_owners_setup_wins_over_the_docs_before_it() -> None:
    req = parse_requirements(
        "Chart for the controller, from its README:\n\n"
        "| Parameter | Function |\n|---|---|\n| `-e TZ=Etc/UTC` | timezone |\n"
        "| `-e MEM_LIMIT=1024` | heap |\n\n"
        "Our setup:\n\n- Image pinned to `lscr.io/acme/controller:9.0.1`.\n"
        "- Env: `TZ=Europe/Amsterdam`, `MEM_LIMIT=2048`.\n"
    )
    env = {e.name: e.value for e in req.env}
    assert env["TZ"] == "Europe/Amsterdam" and env["MEM_LIMIT"] == "2048"
    assert req.image is not None and req.image.repository == "acme/controller"


def test_plain_headings_over_lists_that_give_an_image_name_the_workloads() -> None:
    req = parse_requirements(
        "Necesito un chart para el acortador.\n\n"
        "shortener (la API)\n- Imagen `acme/shortener:4.4.0`, puerto 8080.\n\n"
        "admin-ui\n- Imagen `acme/shortener-ui:4.2.0`, puerto 8080.\n\n"
        "CronJob `visit-locate`\n"
        "- Con la misma imagen, ejecuta `shortener visit:locate` a las 04:00.\n"
    )
    found = workloads(req)
    assert {"shortener", "admin-ui", "visit-locate"} <= set(found)
    assert found["visit-locate"].workload == "CronJob"
    assert req.workload != "CronJob"


def test_one_heading_over_the_apps_list_is_the_app() -> None:
    req = parse_requirements(
        "Controller:\n- StatefulSet, one replica, image `acme/ci:2.4.0`.\n- Port 8080.\n"
    )
    assert req.components == [] and req.workload == "StatefulSet"


def test_sidecars_handled_elsewhere_are_not_added() -> None:
    req = parse_requirements(
        "The sidecars are already handled by kube-prometheus-stack, so this chart only runs "
        "the querier, image `quay.io/acme/query:0.36.1`, port 10902."
    )
    assert req.sidecars == []
    assert req.image is not None and req.image.repository == "acme/query"
