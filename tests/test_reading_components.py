"""How a request introduces the workloads of an app, in the phrasings blind requests used.

Each case was a miss on requests written from public material the parser had not seen (a
Japanese request with numbered component headings, a prose request giving each role a paragraph,
a nightly CronJob said with adjectives before its kind); the wording here is different, so a
rule that only fits one request fails.
"""

from __future__ import annotations

from bot.tools.requirements import parse_requirements
from tests.reading_helpers import env_of, secrets_of, workloads


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
    env = env_of(req)
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


def test_images_given_to_named_parts_in_one_sentence_are_components() -> None:
    req = parse_requirements(
        "Please chart our shop: a storefront UI (image ghcr.io/acme/shop-ui:4.2.0) and an API "
        "on ghcr.io/acme/shop-api:4.2.0 listening on port 9000, with Postgres. "
        "The API needs 3 replicas."
    )
    found = workloads(req)
    # Named as the images name them, the app's shared "shop-" aside.
    assert set(found) == {"ui", "api"}
    api = found["api"]
    assert api.image is not None and api.image.repository == "acme/shop-api"
    assert [p.port for p in api.ports] == [9000]
    assert api.replicas is not None and api.replicas.min == 3
    ui = found["ui"]
    assert ui.image is not None and ui.image.repository == "acme/shop-ui"
    assert ui.replicas is None or ui.replicas.min != 3


def test_list_items_that_give_a_name_its_image_are_components() -> None:
    req = parse_requirements(
        "What we run:\n"
        "- ingest: `registry.acme.dev/pipe/ingest:1.8`, port 7000\n"
        "- compactor: `registry.acme.dev/pipe/compactor:1.8`, 2 replicas\n"
    )
    found = workloads(req)
    assert set(found) == {"ingest", "compactor"}
    assert [p.port for p in found["ingest"].ports] == [7000]
    compactor = found["compactor"]
    assert compactor.image is not None and compactor.image.repository == "pipe/compactor"
    assert compactor.replicas is not None and compactor.replicas.min == 2


def test_a_part_said_in_two_words_takes_the_name_its_image_spells() -> None:
    req = parse_requirements(
        "The API server (`acme/apiserver:3.1`, port 8080) is a StatefulSet. "
        "The web console (`acme/console:3.1`) needs 2 replicas; the API server needs 4Gi memory."
    )
    found = workloads(req)
    assert set(found) == {"apiserver", "console"}
    assert found["apiserver"].workload == "StatefulSet"
    resources = found["apiserver"].resources
    assert resources is not None and resources.memory == "4Gi"


def test_one_app_image_beside_a_datastore_and_a_sidecar_is_one_workload() -> None:
    req = parse_requirements(
        "The API runs ghcr.io/acme/api:2.0 on port 8080, the cache is redis:7.2 and the proxy "
        "sidecar is envoyproxy/envoy:v1.30.1."
    )
    assert not req.components
    assert req.image is not None and req.image.repository == "acme/api"


def test_a_count_before_a_colon_counts_the_list_not_its_first_item() -> None:
    req = parse_requirements(
        "Two services: web uses ghcr.io/acme/web:1.0 on port 80, worker uses "
        "ghcr.io/acme/jobs:1.0, worker 4 replicas."
    )
    found = workloads(req)
    assert found["worker"].replicas is not None and found["worker"].replicas.min == 4
    assert found["web"].replicas is None or found["web"].replicas.min != 2


def test_a_counted_list_of_names_with_their_commands_in_brackets() -> None:
    req = parse_requirements(
        "relay chart: ghcr.io/acme/relay:2.0, three workloads — signal (`signal --bind :7000`, "
        "tcp 7000 7001), media (`media`, udp 9000) and admin (`admin-ui`, tcp 8080). "
        "all on NodePort services."
    )
    found = workloads(req)
    assert set(found) == {"signal", "media", "admin"}
    assert found["signal"].args == ["signal", "--bind", ":7000"]
    assert {p.port for p in found["signal"].ports} == {7000, 7001}
    assert found["media"].args == ["media"]
    assert [(p.port, p.protocol) for p in found["media"].ports] == [(9000, "UDP")]
    assert all(w.service_type == "NodePort" for w in found.values())


def test_deployments_named_by_the_argument_they_give_the_image() -> None:
    req = parse_requirements(
        "Use `ghcr.io/acme/shop:5.1`. One Deployment runs the image with the `serve` argument "
        "(3 replicas, port 8000), a second Deployment from the same image running `consume` with "
        "one replica, and a CronJob running the image with the `prune` argument at `0 4 * * *`. "
        "Both deployments mount the existing ConfigMap `shop-conf` at `/etc/shop`."
    )
    found = workloads(req)
    assert set(found) == {"serve", "consume", "prune"}
    assert found["serve"].args == ["serve"] and found["consume"].args == ["consume"]
    assert found["prune"].workload == "CronJob" and found["prune"].schedule == "0 4 * * *"
    mounted = {n for n, w in found.items() if [m.mount_path for m in w.config_mounts]}
    assert mounted == {"serve", "consume"}  # "both deployments" leaves the CronJob out


def test_a_plus_list_in_brackets_names_the_workloads_and_not_the_datastores() -> None:
    req = parse_requirements(
        "We run the vendor compose today (web + queue + postgres + redis) and want it on k8s. "
        "Image `ghcr.io/acme/board:3.3` for both; web on port 8080 with 2 replicas, queue runs "
        "`board work --queue default`."
    )
    found = workloads(req)
    assert set(found) == {"web", "queue"}
    assert found["queue"].args == ["board", "work", "--queue", "default"]
    assert found["web"].replicas is not None and found["web"].replicas.min == 2


def test_a_paragraph_led_by_a_role_and_a_colon_is_that_role() -> None:
    req = parse_requirements(
        "The app is `ghcr.io/acme/ledger:2.2` on port 9000.\n\n"
        "Celery worker: same image, command `celery -A ledger worker -l info`, 3 replicas.\n\n"
        "Migrations: not on app start please. A Job with `python manage.py migrate` as a "
        "pre-upgrade hook."
    )
    found = workloads(req)
    assert found["worker"].args == ["celery", "-A", "ledger", "worker", "-l", "info"]
    assert found["worker"].replicas is not None and found["worker"].replicas.min == 3
    assert found["migrate"].args == ["python", "manage.py", "migrate"]
    assert found["migrate"].hook.startswith("pre-upgrade")
    main = req
    assert main.workload != "Job" and [p.port for p in main.ports] == [9000]


def test_an_image_named_after_a_workload_goes_to_it() -> None:
    req = parse_requirements(
        "Two parts (report-api + pdf-renderer-worker).\n\n"
        "Images: `acme/report-api:4.0` and `acme/pdf-renderer:4.0`. The api listens on 8000."
    )
    found = workloads(req)
    renderer = found["pdf-renderer-worker"]
    assert renderer.image is not None and renderer.image.repository == "acme/pdf-renderer"


def test_a_job_named_before_a_colon_and_what_later_sentences_say_of_it() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/store:2.0`, port 9000.\n\n"
        "Also a weekly export: a CronJob from the same image running `store export /exports` "
        "at `0 5 * * 0`. Exports get their own 50Gi volume mounted at `/exports`."
    )
    found = workloads(req)
    export = found["export"]
    assert export.workload == "CronJob" and export.schedule == "0 5 * * 0"
    assert [v.mount_path for v in export.volumes] == ["/exports"]
    assert "/exports" not in [v.mount_path for v in req.volumes]


def test_a_beat_scheduler_is_the_scheduler_and_celery_beat_is_beat() -> None:
    scheduled = parse_requirements(
        "Image `ghcr.io/acme/shop:1.0`, port 8000, plus a beat scheduler running "
        "`celery -A shop beat`."
    )
    assert [c.name for c in scheduled.components] == ["scheduler"]
    beat = parse_requirements(
        "Image `ghcr.io/acme/shop:1.0`, port 8000, plus one celery beat running "
        "`celery -A shop beat`."
    )
    assert [c.name for c in beat.components] == ["beat"]


def test_a_fact_said_for_the_parts_in_brackets_is_theirs() -> None:
    req = parse_requirements(
        "We use the upstream compose (web + worker + postgres). Image `ghcr.io/acme/books:1.0`.\n\n"
        "- DB_PASSWORD comes from the existing secret `books-db`, key `pw` (web + worker)\n"
        "- worker runs `books work`"
    )
    for w in workloads(req).values():
        assert [(s.secret_name, s.key) for s in w.secrets if s.env == "DB_PASSWORD"] == [
            ("books-db", "pw")
        ]


def test_per_workload_form_sections_go_to_each_workload() -> None:
    req = parse_requirements(
        "### Images\n\n- editor: `ghcr.io/acme/editor:2.0`\n"
        "- runtime: `ghcr.io/acme/runtime:2.0`\n\n"
        "### Port\n\n8080 for both\n\n"
        "### Scaling\n\n- editor: 1 replica\n- runtime: HPA min 3 / max 9, target 60% CPU\n\n"
        "### Secrets\n\nExisting secret `acme-secrets`, for both editor and runtime:\n"
        "- `SIGNING_KEY` ← key `signing-key`\n- `DATABASE_URL` ← key `database-url`\n"
    )
    found = workloads(req)
    assert all([p.port for p in w.ports] == [8080] for w in found.values())
    editor, runtime = found["editor"], found["runtime"]
    assert editor.replicas is None or editor.replicas.max == 1
    assert runtime.replicas is not None and (runtime.replicas.min, runtime.replicas.max) == (3, 9)
    for w in (editor, runtime):
        assert secrets_of(w) == {
            "SIGNING_KEY": ("acme-secrets", "signing-key"),
            "DATABASE_URL": ("acme-secrets", "database-url"),
        }


def test_that_as_a_cronjob_is_the_role_the_sentence_before_named() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/forum:3.0`, port 8080. The web needs 2 replicas and the worker runs "
        "`php artisan queue:work`.\n\nWe never ran the scheduler properly. I'd like that as a "
        "CronJob running `php artisan schedule:run` every minute."
    )
    found = workloads(req)
    assert found["scheduler"].workload == "CronJob"
    assert found["scheduler"].args == ["php", "artisan", "schedule:run"]
    assert req.workload != "CronJob"
