"""Single facts said in ways the blind requests showed: one rule per case, in other words.

Ports, probes, hosts, TLS, storage, schedules, sidecars and datastores, each as a person wrote
them in a request the parser had not seen; none of these sentences is from those requests.
"""

from __future__ import annotations

import pytest

from bot.tools.parsing.context import without_logs
from bot.tools.requirements import parse_requirements
from tests.reading_helpers import env_of

APP = "Image ghcr.io/acme/relay:2.0.0, port 8080. "


def read(text: str):  # noqa: ANN201 - Requirements; kept short for the table of cases
    return parse_requirements(APP + text)


def test_a_datastore_port_in_brackets_is_not_the_apps() -> None:
    req = read("Memcached in the chart; CACHE_SERVERS must point at that memcached (port 11211).")
    assert [p.port for p in req.ports] == [8080]


@pytest.mark.parametrize("said", ["DNS on 53 tcp+udp", "DNS on 53 udp/tcp", "dns 53 TCP & UDP"])
def test_one_port_both_protocols(said: str) -> None:
    req = read(f"{said}.")
    assert {(p.port, p.protocol) for p in req.ports} >= {(53, "TCP"), (53, "UDP")}


def test_a_probe_on_a_port_said_just_before() -> None:
    req = read("The health extension listens on 13133; use path / on that port for the probes.")
    assert req.health is not None and (req.health.path, req.health.port) == ("/", "13133")


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("Expose it at relay.ml.acme.internal with nginx.", "relay.ml.acme.internal"),
        ("Ingress on `relay.home.lab`, class nginx.", "relay.home.lab"),
    ],
)
def test_hosts_under_private_names(text: str, host: str) -> None:
    req = read(text)
    assert req.ingress is not None and req.ingress.hosts == [host]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Ingress relay.acme.de; TLS is existing Secret `relay-cert`.", "relay-cert"),
        ("Ingress relay.acme.de, TLS via cert-manager, Secret-Name `relay-tls`.", "relay-tls"),
    ],
)
def test_tls_secret_phrasings(text: str, secret: str) -> None:
    req = read(text)
    assert req.ingress is not None and req.ingress.tls_secret == secret


def test_an_ingress_class_with_a_suffix_is_read_whole() -> None:
    req = read("Ingress host relay.acme.io, class nginx-internal, no TLS.")
    assert req.ingress is not None and req.ingress.class_name == "nginx-internal"


def test_an_issuer_name_is_on_its_own_line() -> None:
    req = read(
        "Ingress relay.acme.io with a cert from the `letsencrypt-staging` ClusterIssuer\n\nThanks"
    )
    assert req.ingress is not None and req.ingress.cluster_issuer == "letsencrypt-staging"


def test_bare_paths_and_a_catch_all_route() -> None:
    req = parse_requirements(
        "Components:\n- `api` - image ghcr.io/acme/shop-api:1.0.0, port 5001\n"
        "- `web` - image ghcr.io/acme/shop-web:1.0.0, port 3000\n\nIngress shop.acme.io with "
        "/graphql and /uploads going to api and everything else to web."
    )
    assert req.ingress is not None
    routes = {r.path: r.component for r in req.ingress.routes}
    main = {req.ingress.path} | {p for p, c in routes.items() if c == req.component}
    assert routes.get("/") == "web" and {"/graphql", "/uploads"} <= main


def test_requests_and_limits_parted_by_a_dash() -> None:
    req = read("requests: cpu 100m, memory 300Mi — limits: memory 1Gi")
    assert (req.resources.memory, req.limits.memory) == ("300Mi", "1Gi")


def test_a_file_of_a_mounted_config_map_is_no_volume() -> None:
    req = read(
        "Its config is the ConfigMap relay-config; mount it at /etc/relay and start the relay "
        "with `--config=/etc/relay/relay.yaml`."
    )
    assert req.args == ["--config=/etc/relay/relay.yaml"]
    assert [v.mount_path for v in req.volumes] == []


def test_a_throwaway_directory_is_an_empty_dir() -> None:
    req = read("Uploads (`/srv/uploads`) need 5Gi; the cache (`/srv/cache`) is disposable.")
    volumes = {v.mount_path: v.persistent for v in req.volumes}
    assert volumes == {"/srv/uploads": True, "/srv/cache": False}


def test_a_dropped_sidecar_is_not_added() -> None:
    req = read("Today it sits behind an nginx sidecar; we are dropping the nginx sidecar.")
    assert req.sidecars == []


def test_a_dropped_datastore_is_not_bundled() -> None:
    req = read("From the old compose we dropped the worker and the mysql profile. Redis 7 stays.")
    assert [d.kind for d in req.dependencies] == ["redis"]


def test_not_sharing_someone_elses_datastore_means_one_of_its_own() -> None:
    req = read("A small Redis just for us, please; we don't want to share the platform Redis.")
    assert [d.kind for d in req.dependencies] == ["redis"]
    assert not req.dependencies[0].external


def test_wired_into_names_the_connection() -> None:
    req = read("Redis 7 inside the chart, wired into `RELAY_CACHE_URL`.")
    assert [(c.env, c.part) for c in req.connections] == [("RELAY_CACHE_URL", "url")]


def test_a_later_version_replaces_latest() -> None:
    req = read("PostgreSQL bundled in the chart, but version 15 rather than `latest`.")
    assert req.dependencies[0].version == "15"


def test_a_node_agent_is_not_node_js() -> None:
    req = read("It runs as a node agent on every node, a single-node server per host.")
    assert req.language != "nodejs"


def test_a_date_is_not_a_schedule() -> None:
    req = read("Last Tuesday the box rebooted and we lost an hour of data.")
    assert not any("scheduled task" in n for n in req.notes)


def test_a_time_zone_is_kept_as_said() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/backup:1.0.0. Run it as a CronJob at 01:00 UTC with `backup run`."
    )
    assert req.cron is not None and req.cron.time_zone == "UTC"


def test_database_error_lines_of_a_log_are_context() -> None:
    text = (
        "```\nCode: 210. DB::NetException: Connection refused (localhost:9000). (NETWORK_ERROR)\n"
        "2025.02.11 03:14:07.551 <Error> Application: Listen [::]:8123 failed\n```"
    )
    assert without_logs(text).strip() == ""


def test_japanese_numbered_components_and_rules() -> None:
    req = parse_requirements(
        "**コンポーネント1: `store`**\n- イメージ: `ghcr.io/acme/store:1.0.0`\n- ポート 8428\n\n"
        "**コンポーネント2: `agent`**\n- イメージ: `ghcr.io/acme/agent:1.0.0`\n"
        "- 設定は既存の ConfigMap `agent-conf` にあるので `/etc/agent` にマウントして、"
        "`-config=/etc/agent/a.yml` で起動してください。\n"
        "- pods・nodes に対する get/list/watch を許可する ClusterRole が必要です。"
    )
    agent = next(c for c in req.components if c.name == "agent")
    assert agent.args == ["-config=/etc/agent/a.yml"]
    assert [(m.config_map, m.mount_path) for m in agent.config_mounts] == [
        ("agent-conf", "/etc/agent")
    ]
    assert agent.rbac is not None and agent.rbac.rules[0].resources == ["pods", "nodes"]


def test_french_components_with_commands_and_shared_settings() -> None:
    req = parse_requirements(
        "**Image** : `ghcr.io/acme/erp:3.0` pour tous les composants.\n\n"
        "**Composants** :\n"
        "- `web` : commande `./bin/web`, écoute sur le port 8080, 2 réplicas.\n"
        "- `jobs` : commande `./bin/jobs`, 1 réplica.\n\n"
        "Stockage : les pièces jointes sont dans `/var/erp/files`, partagées entre web et jobs. "
        "Il faut un seul PVC de 20Gi en ReadWriteMany."
    )
    assert req.component == "web" and req.args == ["./bin/web"]
    assert [p.port for p in req.ports] == [8080]
    jobs = next(c for c in req.components if c.name == "jobs")
    assert jobs.args == ["./bin/jobs"]
    assert [(v.mount_path, v.size) for v in req.volumes] == [("/var/erp/files", "20Gi")]


def test_a_datastore_protocol_the_app_speaks_is_no_datastore() -> None:
    req = read("It also answers the Postgres wire protocol on 8812 and a MySQL-compatible API.")
    assert req.dependencies == []


def test_a_docs_image_pattern_yields_to_the_pinned_image() -> None:
    req = parse_requirements(
        "- Image: `acme/relay:<tag>` from their docs\n\nOur setup: image `acme/relay:v2.6.6`."
    )
    assert req.image is not None and req.image.tag == "v2.6.6"


def test_a_kubectl_taint_to_tolerate_is_no_node_selector() -> None:
    req = read(
        "DaemonSet on every node, the control plane included (it has the "
        "`node-role.kubernetes.io/control-plane:NoSchedule` taint, please tolerate it)."
    )
    assert req.node_selector == {}
    assert [(t.key, t.effect) for t in req.tolerations] == [
        ("node-role.kubernetes.io/control-plane", "NoSchedule")
    ]


def test_each_host_path_keeps_the_mode_said_next_to_it() -> None:
    req = read(
        "DaemonSet. Mount these host paths: `/sys` read-only, `/var/run` read-write, "
        "`/dev/disk` read-only."
    )
    modes = {m.host_path: m.read_only for m in req.host_mounts}
    assert modes == {"/sys": True, "/var/run": False, "/dev/disk": True}


def test_a_config_map_key_mounted_as_one_file() -> None:
    req = read(
        "Our settings file is in the existing ConfigMap `relay-settings` (key `settings.php`) "
        "and should be mounted at `/var/www/html/settings.php`."
    )
    assert [(m.config_map, m.mount_path, m.sub_path) for m in req.config_mounts] == [
        ("relay-settings", "/var/www/html/settings.php", "settings.php")
    ]


def test_a_datastore_version_is_not_the_apps() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/wiki` on port 80. MariaDB in the chart, version 11.4."
    )
    assert req.image is not None and req.image.tag != "11.4"


def test_a_flag_is_neither_a_port_nor_a_host_nor_a_secret() -> None:
    req = read(
        "Start it with `--min-port=49160 --max-port=49200 --use-auth-secret "
        "--static-auth-secret=$(TURN_SECRET) --realm=turn.acme.io`."
    )
    assert [p.port for p in req.ports] == [8080]
    assert req.ingress is None and req.redactions == 0


def test_a_path_that_names_a_server_is_no_machine() -> None:
    req = read("A persistent volume at /home/app/server/data with 10Gi.")
    assert [(v.mount_path, v.size) for v in req.volumes] == [("/home/app/server/data", "10Gi")]


def test_a_path_before_the_probe_it_serves() -> None:
    req = read("The Swagger page at /docs is a decent readiness check.")
    assert req.readiness is not None and req.readiness.path == "/docs"


def test_a_grace_period_said_before_its_name() -> None:
    req = read("Long jobs need time, so give it a 120 second termination grace period.")
    assert req.termination_grace_seconds == 120


def test_readiness_slash_liveness_is_no_path() -> None:
    req = read("readiness/liveness against the management port 8081, path `/health`.")
    assert req.health is not None and req.health.path == "/health"


def test_sizes_written_after_their_paths() -> None:
    req = read("PVCs /srv/app/data 5Gi and /srv/app/plugins 1Gi.")
    assert {v.mount_path: v.size for v in req.volumes} == {
        "/srv/app/data": "5Gi",
        "/srv/app/plugins": "1Gi",
    }


def test_sizes_said_by_volume_names() -> None:
    req = parse_requirements(
        "```yaml\nservices:\n  app:\n    image: acme/pm:1.0\n    volumes:\n"
        "      - public_files:/srv/public/files\n      - files:/srv/files\n"
        "      - logs:/srv/logs\n```\n\n"
        "PVCs: files 10Gi, public files 2Gi. Logs can just be an emptyDir."
    )
    volumes = {v.mount_path: (v.size, v.persistent) for v in req.volumes}
    assert volumes == {
        "/srv/public/files": ("2Gi", True),
        "/srv/files": ("10Gi", True),
        "/srv/logs": ("", False),
    }


def test_skipped_ports_and_volumes_are_not_added() -> None:
    req = read("Only port 8080 (skip the 443 + /etc/nginx/ssl volume from their compose).")
    assert [p.port for p in req.ports] == [8080] and req.volumes == []


def test_a_port_behind_a_proxy_or_of_a_relay_is_placed_right() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/tube:1.0. Mail goes to an SMTP relay reachable at "
        "`smtp.mail.svc` port 25. It listens on 9000 behind the proxy."
    )
    assert [p.port for p in req.ports] == [9000]


def test_portuguese_request_with_secrets_and_mounts() -> None:
    req = parse_requirements(
        "Preciso de um Helm chart (imagem oficial `acme/deck:5.8.0`). A porta do container é "
        "4440. A senha do banco já existe no Secret `deck-db`, chave `password`, e deve ir para "
        "DECK_DB_PASSWORD. As chaves SSH ficam no Secret existente `deck-ssh` e devem ser "
        "montadas em /home/deck/.ssh. Ingress em deck.empresa.com.br, secret TLS `deck-tls`."
    )
    assert req.image is not None and req.image.repository == "acme/deck"
    assert [p.port for p in req.ports] == [4440]
    ref = next(s for s in req.secrets if s.env == "DECK_DB_PASSWORD")
    assert (ref.secret_name, ref.key) == ("deck-db", "password")
    assert [(m.secret_name, m.mount_path) for m in req.secret_mounts] == [
        ("deck-ssh", "/home/deck/.ssh")
    ]
    assert req.ingress is not None and req.ingress.hosts == ["deck.empresa.com.br"]
    assert req.ingress.tls_secret == "deck-tls"


def test_german_named_cronjob_with_its_command_before_the_verb() -> None:
    req = parse_requirements(
        "Image `mediawiki:1.43`, Port 80. Wir brauchen einen CronJob namens `runjobs`, der alle "
        "15 Minuten `php maintenance/run.php runJobs` mit demselben Image ausführt, Zeitzone "
        "Europe/Berlin."
    )
    assert req.workload != "CronJob"
    (job,) = req.components
    assert job.name == "runjobs" and job.schedule == "*/15 * * * *"
    assert job.args == ["php", "maintenance/run.php", "runJobs"]


def test_resources_before_their_slashed_verbs() -> None:
    req = read(
        "It needs a Role: `pods` get/list/watch/create, `pods/exec` create/delete, and "
        "`secrets` with `get` and `create`."
    )
    assert req.rbac is not None
    assert [(r.resources, r.verbs) for r in req.rbac.rules] == [
        (["pods"], ["get", "list", "watch", "create"]),
        (["pods/exec"], ["create", "delete"]),
        (["secrets"], ["get", "create"]),
    ]


def test_a_config_file_block_is_context() -> None:
    req = read(
        'Its config file:\n\n```toml\nconcurrent = 4\n[runners]\n  url = "https://git.acme.io"\n'
        '  image = "alpine:3.20"\n```\n'
    )
    assert req.image is not None and req.image.repository == "acme/relay"
    assert req.ingress is None


def test_no_ingress_keeps_urls_as_places_the_app_talks_to() -> None:
    req = read("It registers with https://git.acme.io. No ingress or Service needed.")
    assert req.ingress is None


def test_docs_powers_declined_by_the_request() -> None:
    req = read(
        "DaemonSet. Their docs list host network mode, host PID mode and SYS_ADMIN. We "
        "deliberately do not want hostNetwork, hostPID or the extra capabilities. We run "
        "containerd, so no docker.sock."
    )
    assert req.elevated.requested() == []


def test_host_paths_under_a_root_in_the_container() -> None:
    req = read("DaemonSet. Mount the host's `/proc` and `/sys` read-only at the `/host/...` paths.")
    assert {(m.host_path, m.mount_path) for m in req.host_mounts} == {
        ("/proc", "/host/proc"),
        ("/sys", "/host/sys"),
    }
    assert req.volumes == []


def test_two_paths_and_one_predicate() -> None:
    req = read("`/var/lib/relay` and `/var/cache/relay` can be emptyDirs.")
    assert {v.mount_path: v.persistent for v in req.volumes} == {
        "/var/lib/relay": False,
        "/var/cache/relay": False,
    }


@pytest.mark.parametrize(
    "text",
    [
        "Its settings are in a ConfigMap called `relay-conf`, so mount that at `/etc/relay`.",
        "Config: (ConfigMap `relay-conf` at /etc/relay).",
        "`/etc/relay` comes from our ConfigMap `relay-conf`.",
    ],
)
def test_config_map_mounts_in_other_orders(text: str) -> None:
    req = read(text)
    assert [(m.config_map, m.mount_path) for m in req.config_mounts] == [
        ("relay-conf", "/etc/relay")
    ]


def test_a_label_on_a_node_pool_and_a_suffixed_class_before_its_word() -> None:
    req = read(
        "Only on our tools node pool (`pool: tools`), exposed at relay.acme.io through the "
        "`nginx-internal` ingress class."
    )
    assert req.node_selector == {"pool": "tools"}
    assert req.ingress is not None and req.ingress.class_name == "nginx-internal"


def test_a_datastore_size_is_not_an_app_volume() -> None:
    req = read("Postgres 14 stays in the chart (10Gi, storage class `gp3`).")
    assert req.volumes == [] and req.workload != "StatefulSet"


def test_a_name_said_to_be_wrong_is_no_name() -> None:
    req = read("Yes I know, the service isn't called `db`.")
    assert req.name != "db"


def test_chinese_rules_keys_and_cores() -> None:
    req = parse_requirements(
        "镜像用 `emqx/emqx:5.8.6`，端口 1883。"
        "需要一个 Role，允许对 `endpoints` 做 get、list、watch。"
        "默认密码 `EMQX_PASSWORD` 从已有的 Secret `emqx-auth` 读取，key 是 `password`。"
        "资源：requests 1 核 CPU、2Gi 内存。PDB 设置 maxUnavailable 为 1。"
    )
    assert req.rbac is not None and req.rbac.rules[0].resources == ["endpoints"]
    ref = next(s for s in req.secrets if s.env == "EMQX_PASSWORD")
    assert (ref.secret_name, ref.key) == ("emqx-auth", "password")
    assert req.resources.cpu == "1"
    assert req.disruption is not None and req.disruption.max_unavailable == "1"


def test_japanese_args_key_and_taint_effect_in_code() -> None:
    req = parse_requirements(
        "- イメージ: `localai/localai:v2.24.2`\n- 起動引数は compose と同じく `phi-2`\n"
        "- API キーは既存の Secret `localai-api` の `key` から `API_KEY` として渡す\n"
        "- taint `nvidia.com/gpu`（effect `NoSchedule`）を toleration\n"
    )
    assert req.args == ["phi-2"]
    ref = next(s for s in req.secrets if s.env == "API_KEY")
    assert (ref.secret_name, ref.key) == ("localai-api", "key")
    assert [(t.key, t.effect) for t in req.tolerations] == [("nvidia.com/gpu", "NoSchedule")]


def test_a_script_the_image_ships_is_its_command() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/crm:9.1`, port 80.\n\n"
        "**web** (component `web`): port 80.\n\n"
        "**jobs** (component `jobs`): the same image but running `start-jobs.sh`, no Service."
    )
    jobs = next(c for c in req.components if c.name == "jobs")
    assert jobs.args == ["start-jobs.sh"]


def test_a_url_without_a_credential_is_plain_env_whatever_its_name() -> None:
    req = read("Set `EVENTS_DSN=tcp://*:7777` and `SENTRY_DSN=https://sentry.acme.dev/4`.")
    env = env_of(req)
    assert env == {"EVENTS_DSN": "tcp://*:7777", "SENTRY_DSN": "https://sentry.acme.dev/4"}
    assert not req.secrets


def test_all_the_pods_sharing_something_is_no_replica_count() -> None:
    req = read("All three pods share the same volume at /srv/shared.")
    assert req.replicas is None or req.replicas.min != 3


def test_a_managed_datastores_address_is_no_ingress_host() -> None:
    req = read(
        "No database in the chart: we use a managed PostgreSQL, host `pg.internal.acme.dev`, "
        "port 5432."
    )
    assert req.ingress is None or "pg.internal.acme.dev" not in req.ingress.hosts
    assert [p.port for p in req.ports] == [8080]


def test_a_variable_named_after_a_host_word_is_no_host() -> None:
    req = read("\n\n> **Default vhost** — set it with `BROKER_DEFAULT_VHOST`.\n")
    assert req.ingress is None


def test_each_path_goes_to_what_follows_it() -> None:
    req = parse_requirements(
        "The API is `ghcr.io/acme/api:1.0` on port 8000. The console is `ghcr.io/acme/console:1.0` "
        "on port 80.\n\nIngress `shop.acme.dev`: `/` goes to the console and `/graphql/` goes to "
        "the API."
    )
    assert req.ingress is not None
    routes = {r.path: r.component for r in req.ingress.routes}
    assert routes.get("/") == "console"
    assert "/graphql/" in {req.ingress.path} | {p for p, c in routes.items() if c == "api"}


def test_a_protocol_then_its_port_numbers() -> None:
    req = read("It also needs tcp 7100 7101 7102 and udp 7200.")
    assert {(p.port, p.protocol) for p in req.ports} >= {
        (7100, "TCP"),
        (7101, "TCP"),
        (7102, "TCP"),
        (7200, "UDP"),
    }


def test_a_terse_ingress_list_names_the_class_and_the_tls_secret() -> None:
    req = read("Ingress files.acme.dev, traefik, tls files-acme-tls.")
    assert req.ingress is not None
    assert (req.ingress.class_name, req.ingress.tls_secret) == ("traefik", "files-acme-tls")


def test_a_corrected_class_is_the_one_meant() -> None:
    req = read("Ingress `api.acme.dev`, class `traefik`... actually no, class `nginx` there.")
    assert req.ingress is not None and req.ingress.class_name == "nginx"


def test_probe_paths_said_before_their_kinds() -> None:
    req = read("Use `/status/ready` for readiness and `/status/alive` for liveness.")
    assert req.readiness is not None and req.readiness.path == "/status/ready"
    assert req.liveness is not None and req.liveness.path == "/status/alive"


def test_a_path_routed_to_a_part_and_everything_else_in_brackets() -> None:
    req = parse_requirements(
        "The API (`ghcr.io/acme/api:2.0`, port 8000) and the console (`ghcr.io/acme/console:2.0`, "
        "port 80). Ingress acme.dev with `/v1` routed to the API and everything else (`/`) to "
        "the console."
    )
    assert req.ingress is not None
    routes = {r.path: r.component for r in req.ingress.routes}
    assert routes.get("/") == "console"
    assert "/v1" in {req.ingress.path} | {p for p, c in routes.items() if c == "api"}


def test_a_server_on_a_low_port_in_brackets() -> None:
    req = parse_requirements("docs site: ghcr.io/acme/docs:1.2 (nginx on 80), 2 replicas")
    assert [p.port for p in req.ports] == [80]


def test_a_sized_volume_named_by_a_word_the_docs_give_a_path_for() -> None:
    req = parse_requirements(
        "From the docs:\n\n> - `/srv/app/uploads`: where attachments are kept\n"
        "> - `/etc/app`: the configuration directory\n\n"
        "We want `ghcr.io/acme/app:1.0` on port 8080, uploads volume 40Gi, config dir 1Gi."
    )
    assert {v.mount_path: v.size for v in req.volumes if v.persistent} == {
        "/srv/app/uploads": "40Gi",
        "/etc/app": "1Gi",
    }


def test_a_word_after_image_is_no_image_beside_a_pinned_reference() -> None:
    req = parse_requirements(
        "> `acme/cast`: an all-in-one image bundling PHP and Caddy.\n\n"
        "- `acme/cast:2.4.1`\n- port 8000"
    )
    assert req.image is not None and (req.image.repository, req.image.tag) == ("acme/cast", "2.4.1")


def test_an_approximate_size_is_how_big_the_data_is() -> None:
    req = read("Dictionaries (~12 GB unpacked) mounted at `/dicts`, shared: 20Gi, ReadWriteMany.")
    assert {v.mount_path: v.size for v in req.volumes if v.persistent} == {"/dicts": "20Gi"}


def test_a_toleration_said_field_by_field() -> None:
    req = read(
        "It must tolerate the batch nodes: key `batch`, operator `Exists`, effect `NoExecute`."
    )
    assert [(t.key, t.operator, t.effect) for t in req.tolerations] == [
        ("batch", "Exists", "NoExecute")
    ]
