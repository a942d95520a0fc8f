"""Reading rules from blind round 22: a part's two names, claims that exist, pasted docs' options,
and what a sentence names that is not an image.

Each rule was a miss on requests written from public material (Tdarr, Diun, Weaviate in Korean,
Shlink in Spanish, Rybbit, Zabbix, ...) that the parser had not seen; the sentences here say the
same things in other words and for other apps.
"""

from __future__ import annotations

from bot.tools.parsing.gloss import gloss, language
from tests.reading_helpers import env_of, names_of, part, read, secrets_of, wired_of

# --------------------------------------------------------------------------- names of parts


def test_a_role_is_renamed_to_the_word_its_image_and_the_request_use() -> None:
    r = read(
        "Two parts. The API image is `ghcr.io/acme/ledger-api:3.0` on 8000. The frontend image "
        "is `ghcr.io/acme/ledger-portal:3.0` on 3000, two replicas. Ingress `ledger.acme.dev`: "
        "`/api` goes to the API and everything else goes to the portal."
    )
    assert "portal" in [r.component, *names_of(r)] and "frontend" not in names_of(r)
    assert part(r, "portal").ports[0].port == 3000
    assert r.ingress is not None
    assert {route.path: route.component for route in r.ingress.routes}.get("/") == "portal"


def test_a_heading_that_calls_its_part_by_a_name_in_code() -> None:
    r = read(
        "**Relay** (we call the component `relay`):\n"
        "- image `ghcr.io/acme/relay:1.2`, port 7000\n"
        "- requests 100m CPU and 128Mi\n\n"
        "**Agents** (component `agent`):\n"
        "- image `ghcr.io/acme/relay-agent:1.2`, a DaemonSet\n"
        "- resources: requests 50m CPU / 64Mi\n\n"
        "Both relay and agents need a volume for the spool at `/var/spool/relay`.\n"
    )
    assert r.component == "relay"
    assert r.resources is not None and r.resources.cpu == "100m"  # not the agent's labelled line
    agent = part(r, "agent")
    assert agent.workload == "DaemonSet" and agent.resources is not None
    assert agent.resources.cpu == "50m"
    assert any(v.mount_path == "/var/spool/relay" for v in r.volumes)


def test_a_numbered_bold_line_over_a_list_is_that_parts_heading() -> None:
    r = read(
        "**1. ingest**\n- image `acme/ingest:2.0`\n- port 9000\n\n"
        "**2. query**\n- image `acme/query:2.0`\n- port 9100\n- replicas 3\n"
    )
    assert {r.component, *names_of(r)} == {"ingest", "query"}
    query = part(r, "query")
    assert query.ports[0].port == 9100 and query.replicas is not None and query.replicas.max == 3
    assert part(r, "ingest").ports[0].port == 9000


def test_options_of_pasted_docs_and_a_group_of_settings_are_no_parts() -> None:
    r = read(
        "Chart for `acme/notifier:1.1`.\n\n"
        "> ### `retryLimit`\n> How often a message is retried (default `3`).\n\n"
        "| Name | Default | Description |\n|---|---|---|\n"
        "| `endpoint` | `https://push.example` | Where messages go |\n\n"
        "- push: `NOTIFIER_PUSH_URL=https://push.acme.dev`, `NOTIFIER_PUSH_TOPIC=alerts`\n"
    )
    assert names_of(r) == []
    assert env_of(r) == {
        "NOTIFIER_PUSH_URL": "https://push.acme.dev",
        "NOTIFIER_PUSH_TOPIC": "alerts",
    }


# ---------------------------------------------------------------------------- images


def test_words_that_are_no_images() -> None:
    r = read(
        "Going by the docs of the image Docker ships, the app is `ghcr.io/acme/board:4.0`, port "
        "8080. The GPU nodes are tainted `nvidia.com/gpu:NoSchedule`, tolerate that."
    )
    assert r.image is not None and r.image.reference == "ghcr.io/acme/board:4.0"
    assert r.tolerations and r.tolerations[0].key == "nvidia.com/gpu"


def test_registry_images_without_a_tag_and_one_version_for_all() -> None:
    r = read(
        "Two images: `ghcr.io/acme/mill` and `ghcr.io/acme/mill-worker`. Pin them both to "
        "3.1.4, never latest.\n\n"
        "**Coordinator** (component `coordinator`):\n- image `ghcr.io/acme/mill`, port 8265\n\n"
        "**Workers** (component `worker`):\n- image `ghcr.io/acme/mill-worker`, a DaemonSet\n"
    )
    images = {w.image.repository: w.image.tag for w in [r, *r.components] if w.image}
    assert images == {"acme/mill": "3.1.4", "acme/mill-worker": "3.1.4"}


# -------------------------------------------------------------------------- settings


def test_camel_case_settings_follow_the_apps_own_spelling() -> None:
    r = read(
        "Image `acme/encoder:2.0`.\n"
        "- env: `serverPort=9000`, `logLevel=info`\n"
        "- also set `workerCount=4`; the nodes are labelled `tier=batch`, use a nodeSelector.\n"
    )
    assert env_of(r) == {"serverPort": "9000", "logLevel": "info", "workerCount": "4"}
    assert r.node_selector == {"tier": "batch"}


def test_a_placeholder_for_the_bundled_datastores_host_is_wired() -> None:
    r = read(
        "Image `acme/queue:1.0`, port 8080. Redis in the chart: `QUEUE_REDIS=tcp://<the redis "
        "of this chart>:6379`; PostgreSQL too, `QUEUE_DSN=postgres://queue@<postgres service>/q`."
    )
    assert wired_of(r) == {"QUEUE_REDIS": "redis", "QUEUE_DSN": "postgresql"}
    assert "QUEUE_REDIS" not in env_of(r)


def test_the_last_of_a_list_is_what_comes_from_the_secret() -> None:
    r = read(
        "Image `acme/pager:1.3`. Variables: `PAGER_SMS_TOKEN`.\n"
        "- sms: `PAGER_SMS_URL=https://sms.acme.dev`, and the token from our existing secret "
        "`pager-sms`, key `token`"
    )
    assert secrets_of(r)["PAGER_SMS_TOKEN"] == ("pager-sms", "token")


def test_a_service_with_both_ports_keeps_their_numbers() -> None:
    r = read(
        "Image `acme/mill:3.1`, ports 8265 (UI) and 8266 (workers). A ClusterIP Service with "
        "both ports."
    )
    assert [(p.port, p.service_port) for p in r.ports] == [(8265, 8265), (8266, 8266)]


def test_rules_written_resource_colon_verbs() -> None:
    r = read("Image `acme/watcher:1.0`. A ClusterRole (nodes: get/list/watch) and its binding.")
    assert r.rbac is not None and r.rbac.cluster
    assert [(x.resources, sorted(x.verbs)) for x in r.rbac.rules] == [
        (["nodes"], ["get", "list", "watch"])
    ]


# ------------------------------------------------------------------------- volumes


def test_claims_that_exist_are_mounted_not_made() -> None:
    r = read(
        "Image `acme/library:2.2`, port 8080. It needs the books at `/books` and the covers at "
        "`/covers`. We already have two RWX claims for those, `books-nfs` and `covers-nfs`. "
        "Also mount the existing PVC `library-exports` at `/exports`."
    )
    claims = {v.mount_path: v.existing_claim for v in r.volumes}
    assert claims == {"/books": "books-nfs", "/covers": "covers-nfs", "/exports": "library-exports"}
    assert all(not v.size for v in r.volumes)


def test_a_host_path_swapped_for_a_claim_is_a_volume_and_no_power() -> None:
    r = read(
        "Image `acme/cache:1.0`. The example mounts hostPath `/srv/cache`; replace the hostPath "
        "`/srv/cache` with a PVC: 5Gi, storage class `ceph-rbd`."
    )
    assert not r.host_mounts and not r.elevated.requested()
    assert [(v.mount_path, v.size, v.storage_class) for v in r.volumes] == [
        ("/srv/cache", "5Gi", "ceph-rbd")
    ]


def test_a_node_path_is_not_said_by_naming_a_part_called_nodes() -> None:
    r = read(
        "**Hub** (component `hub`): image `acme/hub:1.0`, port 9000.\n\n"
        "**Nodes** (component `node`): image `acme/hub-node:1.0`, a DaemonSet.\n\n"
        "Both hub and nodes need `/work` and the same paths on both sides."
    )
    assert not r.elevated.requested()
    assert all(not w.host_mounts for w in [r, *r.components])


# ------------------------------------------------------------------------- languages


def test_a_korean_request_is_read_in_english() -> None:
    text = (
        "사내용으로 Helm 차트를 부탁드립니다.\n\n"
        "- 이미지: `ghcr.io/acme/sift:1.4.0`\n"
        "- 포트: 8080 (HTTP), 9090 (메트릭)\n"
        "- 데이터는 StatefulSet으로 `/var/lib/sift` 에 50Gi, storageClass `gp3`\n"
        "- `SIFT_API_KEY` 는 이미 만들어 둔 Secret `sift-keys` 의 `api-key` 키에서\n"
        "- 리소스: requests CPU 1 / 메모리 2Gi, limit 메모리 4Gi\n"
        "- replica 2개\n"
        "- Ingress는 필요 없습니다.\n"
    )
    assert language(text) == "ko"
    assert "no Ingress" in gloss(text)
    r = read(text)
    assert r.workload == "StatefulSet"
    assert [p.port for p in r.ports] == [8080, 9090]
    assert secrets_of(r)["SIFT_API_KEY"] == ("sift-keys", "api-key")
    assert r.resources is not None and r.resources.memory == "2Gi"
    assert r.limits is not None and r.limits.memory == "4Gi"
    assert r.replicas is not None and r.replicas.max == 2
    assert r.ingress is None
