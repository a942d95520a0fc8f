"""Reading rules from blind round 23, second half: which parts there are and what they are called,
what kind each one is, and what a story or a doc page says without asking for it.

Each rule was a miss on requests written from public material (DefectDojo, Cube, Chroma,
Checkmate, OpenPanel, OSRM, Goldpinger, LubeLogger, OrangeHRM, Teedy, LibreNMS, ...) that the
parser had not seen; the sentences here say the same things in other words and for other apps.
"""

from __future__ import annotations

from tests.reading_helpers import env_of, names_of, part, read, secrets_of, wired_of, workloads

_COMPOSE = (
    "```yaml\nservices:\n  shop-web:\n    image: acme/shop:latest\n    command: /run-web.sh\n"
    "    ports: ['9090:8000']\n    volumes:\n      - 'uploads:/srv/uploads'\n"
    "      - 'logs:/srv/logs'\n      - 'cache:/srv/cache'\n"
    "  shop-worker:\n    image: acme/shop:latest\n    command: /run-worker.sh\n"
    "  shop-proxy:\n    image: nginx:1\n    ports: ['80:80']\nvolumes:\n  uploads:\n  logs:\n"
    "  cache:\n```\n"
)


# ------------------------------------------------------------------- parts and their names


def test_the_request_renames_the_compose_services_in_order() -> None:
    r = read(
        _COMPOSE + "- call the three parts `web`, `worker` and `proxy`. Pin the app to "
        "`acme/shop:5.1`.\n- web: ClusterIP Service on 8000.\n"
    )
    assert {"web", "worker"} <= set(workloads(r)) and not {"shop-web", "shop-worker"} & set(
        workloads(r)
    )
    assert part(r, "web").ports[0].service_port == 8000  # said over compose's "9090:8000"


def test_a_compose_service_kept_under_another_name() -> None:
    r = read(_COMPOSE + "Keep the nginx `shop-proxy` service from compose, but call it `edge`.")
    assert "edge" in workloads(r) and "shop-proxy" not in workloads(r)


def test_volumes_the_request_does_not_want_by_their_directories() -> None:
    r = read(_COMPOSE + "Don't bother with volumes for logs/cache.")
    paths = {v.mount_path for w in workloads(r).values() for v in w.volumes if v.persistent}
    assert "/srv/uploads" in paths and not paths & {"/srv/logs", "/srv/cache"}


def test_separate_components_named_in_code() -> None:
    r = read(
        "A chart for our billing engine and its admin UI. The two should be separate components "
        "named `engine` and `console`. The engine runs `acme/engine:0.24` on 8080; the console "
        "runs `acme/console:2.0` on 9090."
    )
    assert set(workloads(r)) == {"engine", "console"}


def test_what_an_app_does_in_brackets_is_no_list_of_parts() -> None:
    r = read(
        "We run Forgebox (git hosting + CI) and need a chart: image `acme/forgebox:11`, port 6610."
    )
    assert names_of(r) == []


def test_the_one_part_a_request_heads_is_the_app_it_opened_with() -> None:
    r = read(
        "I need a Helm chart for Staffdesk, our HR tool.\n\n"
        "**Application (component `staffdesk`)**\n"
        "- image `acme/staffdesk:5.7`, port 80\n- 1 replica\n"
    )
    assert r.component == "staffdesk" and names_of(r) == []


def test_a_script_in_code_after_a_parts_name_is_its_command() -> None:
    r = read(
        "Please keep these component names:\n\n- **web**: runs `/entrypoint-web.sh`, port 3031.\n"
        "- **tasks**: `/entrypoint-tasks.sh`. This is the part that chews through imports.\n"
    )
    assert part(r, "tasks").args == ["/entrypoint-tasks.sh"]


def test_a_numbered_heading_with_its_kind_in_brackets() -> None:
    r = read(
        "Two components:\n\n**1. `api`, the HTTP server (Deployment)**\n- image `acme/route:5.2`\n"
        "- port 5000\n\n**2. `rebuild`, the weekly recompute (CronJob)**\n- the same image\n"
        "- schedule `0 3 * * 0`\n"
    )
    assert part(r, "rebuild").workload == "CronJob"


def test_a_short_form_of_a_parts_name() -> None:
    r = read(
        "Parts:\n- `web`: image `acme/netmon:25`, port 8000\n- `syslogng`: the same image, "
        "ports 514 and 514/udp\n\nsyslog must be reachable from the switches: give it a "
        "LoadBalancer Service."
    )
    assert part(r, "syslogng").service_type == "LoadBalancer"


def test_what_follows_the_last_of_two_parts_is_said_of_both() -> None:
    r = read(
        "Parts:\n- `web`: image `acme/netmon:25`, port 8000\n- `traps`: same image, port 162/udp\n"
        "- `relay`: same image, port 514/udp\n\n"
        "- relay (514 udp) and traps (162 udp) must be reachable from the switches, so give "
        "each of "
        "those its own Service of type LoadBalancer."
    )
    assert part(r, "relay").service_type == part(r, "traps").service_type == "LoadBalancer"


def test_a_clause_with_no_subject_goes_on_about_the_part_before() -> None:
    r = read(
        "Two separate components named `engine` and `console`. The engine runs `acme/engine:0.24` "
        "on 8080. The console runs `acme/console:2.0` with one replica, also on port 8080, and "
        "must reach the engine through the chart's own engine Service:\n"
        "`CONSOLE_ENGINE_URL` should be `http://<engine service>:8080`. Its API key comes from "
        "the existing Secret `console-tenant`, key `api-key`, as `CONSOLE_API_KEY`."
    )
    console = part(r, "console")
    assert "CONSOLE_API_KEY" in secrets_of(console)
    assert "CONSOLE_API_KEY" not in secrets_of(part(r, "engine"))


def test_the_settings_block_under_a_parts_name() -> None:
    r = read(
        "### Components\n\n- `client` - `acme/client:2.3`, port 80\n"
        "- `server` - `acme/server:2.3`, port 5000\n\n### Configuration\n\nclient:\n\n"
        "API_BASE=https://up.example.net/api\n\nserver:\n\nTOKEN_TTL=99d\nMAIL_PORT=587\n"
    )
    assert env_of(part(r, "server")).items() >= {"TOKEN_TTL": "99d", "MAIL_PORT": "587"}.items()
    assert "TOKEN_TTL" not in env_of(part(r, "client"))


# ------------------------------------------------------------------------ kinds and stories


def test_a_story_in_brackets_asks_for_no_cronjob() -> None:
    r = read(
        "Please keep these component names:\n\n- **web**: runs `gunicorn app`, port 8000.\n"
        "- **beat**: `/entrypoint-beat.sh`, exactly one replica. (We once ran two beats and got "
        "every scheduled job twice.)\n- **queue**: runs `celery worker`; I'm not sure the cron "
        "part is safe to run twice.\n"
    )
    assert part(r, "beat").workload != "CronJob"
    assert part(r, "queue").workload != "CronJob"


def test_hook_events_said_after_the_one_that_cannot_be() -> None:
    r = read(
        "Components:\n- **web**: runs `gunicorn x`, port 8000.\n"
        "- **setup**: `/entrypoint-setup.sh`. "
        "It should be a Job as a helm hook. Since postgres is in the chart it can't be pre-install "
        "(the db wouldn't exist yet), so post-install and post-upgrade.\n"
    )
    assert part(r, "setup").hook == "post-install,post-upgrade"
    assert all(d.database != "wouldn" for d in r.dependencies)


def test_a_sidecar_like_image_named_after_its_part() -> None:
    r = read(
        "Images: `acme/shop-django:2.9` for the Django parts and `acme/shop-nginx:2.9` for nginx. "
        "Please keep the component names (`nginx`, `web`).\n\n- **web**: runs `/entrypoint.sh`, "
        "port 3031.\n- **nginx**: the shop-nginx image, listens on 8080.\n"
    )
    assert part(r, "nginx").image.repository == "acme/shop-nginx"
    assert not any("another image" in n for n in r.notes)


def test_a_toleration_with_its_operator_in_short() -> None:
    r = read(
        "DaemonSet, img `acme/pinger:3.1`\n- all nodes incl. control plane -> toleration "
        "`node-role.kubernetes.io/control-plane` op Exists, NoSchedule\n"
    )
    assert [(t.key, t.operator, t.effect) for t in r.tolerations] == [
        ("node-role.kubernetes.io/control-plane", "Exists", "NoSchedule")
    ]


def test_reference_docs_pasted_under_variable_headings_are_context() -> None:
    r = read(
        "Relevant bits of the env var reference:\n\n## `STORE_DATA_DIR`\n\nA local path. Must be "
        "unique on each node.\n\n## `STORE_API_SECRET`\n\nThe secret key used to sign JWTs.\n\n"
        "| Possible Values | Default |\n| --- | --- |\n| A valid string | N/A |\n\n---\n\n"
        "Run `acme/store:0.36` with 3 replicas on port 4000."
    )
    assert r.workload != "DaemonSet"
    assert not any("rotate" in n for n in r.notes)


def test_a_variable_pointing_at_the_service_of_another_part() -> None:
    r = read(
        "Two parts:\n1. `api` - `acme/cube:0.36`, port 4000\n2. `store` - `acme/cubestore:0.36`, "
        "port 3030\n\nFor `api`:\n- `API_STORE_HOST` → the store Service, `API_STORE_PORT=3030`\n"
    )
    assert [(p.env, p.component) for p in part(r, "api").peers] == [("API_STORE_HOST", "store")]


# ------------------------------------------------------------------------------ phrasings


def test_never_more_than_is_a_limit_and_ask_for_a_request() -> None:
    r = read(
        "Image `acme/shop:2.0`, port 8000. Each pod should ask for 500m CPU and 1Gi of memory, "
        "and never use more than 2Gi."
    )
    assert (r.resources.memory, r.limits.memory) == ("1Gi", "2Gi")


def test_variables_that_get_the_bundled_stores_via_them() -> None:
    r = read(
        "Image `acme/desk:7.0`, port 8000. Bring two Redis instances along in the chart (cache and "
        "queue, 6.2 is fine). The app gets them via `DESK_REDIS_CACHE` and `DESK_REDIS_QUEUE`."
    )
    assert wired_of(r) == {"DESK_REDIS_CACHE": "redis", "DESK_REDIS_QUEUE": "redis"}
    assert next(d for d in r.dependencies if d.kind == "redis").version == "6.2"


def test_a_volume_shared_by_all_of_the_above() -> None:
    r = read(
        "Everything uses `acme/desk:7.0`.\n\n- **web**: port 8080.\n"
        "- **worker**: runs `desk worker`."
        "\n- **beat**: runs `desk beat`.\n\nThe `sites` directory (`/srv/desk/sites`) has to be "
        "shared by *all* of the above, so ReadWriteMany, 20Gi on `efs-sc`."
    )
    for name in ("worker", "beat"):
        assert "/srv/desk/sites" in {v.mount_path for v in part(r, name).volumes}


def test_compose_logs_pasted_in_a_block_are_context() -> None:
    r = read(
        "Image `acme/desk:7.0`, port 8000. This is what we see:\n\n```\n"
        'frontend-1   | 2025/03/11 08:14:02 [error] request: "GET /socket.io/?EIO=4&t=PQ '
        'HTTP/1.1"\n'
        "websocket-1  | Error: connect ECONNREFUSED 172.18.0.4:6379\n```\n"
    )
    assert "EIO" not in env_of(r)


def test_english_words_are_no_names_secrets_or_images() -> None:
    r = read(
        "Image `acme/panel:2.2`, port 3000. Ingress for `stats.example.io`, and the TLS secret can "
        "be `panel-tls`. The image can't run on Windows nodes.\n\n"
        "- secrets: there's already a Secret called `panel-secrets` with key `cookie`.\n\n"
        "Scaling-wise (I'm guessing): 2 replicas."
    )
    assert r.ingress.tls_secret == "panel-tls"
    assert r.name != "scaling-wise"
    assert not any("rotate" in n or "another image" in n for n in r.notes)


def test_a_service_label_with_a_type_is_no_name() -> None:
    r = read(
        "Image `acme/docs:1.11`, port 8080.\n\n- Service: ClusterIP, port 80 → container port 8080."
    )
    assert r.service_type == "ClusterIP" and r.name != "cluster-ip"


def test_phrasings_of_other_languages() -> None:
    pl = read(
        "Dwa komponenty:\n\n**1. `api`, serwer HTTP (Deployment)**\n- obraz `acme/route:5.2`\n\n"
        "**2. `rebuild`, przeliczenie (CronJob)**\n- ten sam obraz\n- harmonogram `0 3 * * 0`\n"
    )
    assert part(pl, "rebuild").workload == "CronJob"
    pt = read(
        "Olá! Preciso de um Helm chart para o nosso sistema de RH. A imagem é `acme/rh:5.7`, com a "
        "porta 80 no container. O MariaDB fica dentro do chart, versão 10.11 (o template deles usa "
        "`mariadb:10.2`, mas queremos uma versão mais nova)."
    )
    assert next(d for d in pt.dependencies if d.kind == "mariadb").version == "10.11"
    es = read(
        "Imagen `acme/garaje:1.5`, puerto del contenedor 8080. Ingress con host "
        "`coches.example.es`, "
        "certificado en el Secret `coches-tls`."
    )
    assert [p.port for p in es.ports] == [8080] and es.ingress.tls_secret == "coches-tls"
