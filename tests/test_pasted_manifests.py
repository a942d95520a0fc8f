"""Kubernetes manifests pasted into a request: the workloads they run become the chart's.

A user migrating from plain manifests pastes what runs today (a Deployment, its Service and
Ingress, a PVC, RBAC) and asks for a chart, often with changes in words. Each test reads a
manifest written for it, and the last one generates the chart and checks the rendered objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.graph.build import build_graph
from bot.jobs.runner import Graph, start
from bot.store import open_checkpointer
from tests import fidelity
from tests.reading_helpers import env_of, part, read, secrets_of

TODAY = """We run Quill from plain manifests today; please turn this into a Helm chart.

```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: quill
spec:
  replicas: 3
  selector:
    matchLabels: {app: quill}
  template:
    metadata:
      labels: {app: quill}
    spec:
      serviceAccountName: quill
      nodeSelector:
        pool: apps
      tolerations:
        - key: dedicated
          value: apps
          effect: NoSchedule
      containers:
        - name: quill
          image: ghcr.io/acme/quill:2.3.1
          args: ["serve", "--port", "7070"]
          ports:
            - name: http
              containerPort: 7070
          env:
            - name: QUILL_MODE
              value: production
            - name: QUILL_DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: quill-db, key: password}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            httpGet: {path: /alive, port: http}
          resources:
            requests: {cpu: 200m, memory: 256Mi}
            limits: {memory: 1Gi}
          volumeMounts:
            - {name: uploads, mountPath: /srv/uploads}
            - {name: shared, mountPath: /srv/shared}
            - {name: settings, mountPath: /etc/quill, readOnly: true}
      volumes:
        - name: uploads
          persistentVolumeClaim: {claimName: quill-uploads}
        - name: shared
          persistentVolumeClaim: {claimName: team-share}
        - name: settings
          configMap: {name: quill-settings}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: quill-uploads
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast-ssd
  resources:
    requests: {storage: 20Gi}
---
apiVersion: v1
kind: Service
metadata:
  name: quill-svc
spec:
  selector: {app: quill}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: quill
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
spec:
  ingressClassName: nginx
  tls:
    - hosts: [quill.acme.example]
      secretName: quill-tls
  rules:
    - host: quill.acme.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: quill-svc, port: {number: 80}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: quill-reader
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: quill-reader
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: quill-reader}
subjects:
  - {kind: ServiceAccount, name: quill}
```

Changes: `QUILL_MODE` should be `staging` now, and pin the image to `ghcr.io/acme/quill:2.4.0`.
"""


def test_a_pasted_deployment_is_the_chart_s_workload_with_the_changes_stated() -> None:
    r = read(TODAY)
    assert r.component == "quill" and r.components == []
    assert r.image is not None and r.image.reference == "ghcr.io/acme/quill:2.4.0"
    assert r.args == ["serve", "--port", "7070"]
    assert [(p.port, p.service_port) for p in r.ports] == [(7070, 80)]
    assert env_of(r) == {"QUILL_MODE": "staging"}
    assert secrets_of(r) == {"QUILL_DB_PASSWORD": ("quill-db", "password")}
    assert r.replicas is not None and (r.replicas.min, r.replicas.max) == (3, 3)
    assert r.readiness is not None and r.readiness.path == "/ready"
    assert r.liveness is not None and r.liveness.path == "/alive"
    assert r.resources is not None and (r.resources.cpu, r.resources.memory) == ("200m", "256Mi")
    assert r.node_selector == {"pool": "apps"}
    assert [(t.key, t.value, t.effect) for t in r.tolerations] == [
        ("dedicated", "apps", "NoSchedule")
    ]
    volumes = {v.mount_path: (v.size, v.storage_class, v.existing_claim) for v in r.volumes}
    # the claim the paste defines is made by the chart; the one it only names exists already
    assert volumes == {
        "/srv/uploads": ("20Gi", "fast-ssd", ""),
        "/srv/shared": ("", "", "team-share"),
    }
    assert [(m.config_map, m.mount_path) for m in r.config_mounts] == [
        ("quill-settings", "/etc/quill")
    ]
    assert r.ingress is not None and r.ingress.hosts == ["quill.acme.example"]
    assert (r.ingress.class_name, r.ingress.tls_secret) == ("nginx", "quill-tls")
    assert r.rbac is not None and not r.rbac.cluster
    assert [(rule.resources, rule.verbs) for rule in r.rbac.rules] == [
        (["configmaps"], ["get", "list"])
    ]


def test_a_readme_example_shortened_with_ellipses_is_still_read() -> None:
    r = read(
        "From the project's README:\n\n"
        "> ```yaml\n"
        "> apiVersion: apps/v1\n"
        "> kind: DaemonSet\n"
        "> metadata:\n"
        ">   name: nodewatch\n"
        "> spec:\n"
        ">   ...\n"
        ">     spec:\n"
        ">       containers:\n"
        ">         - name: nodewatch\n"
        ">           image: ghcr.io/acme/nodewatch:0.8.0\n"
        ">           volumeMounts:\n"
        ">             - {name: logs, mountPath: /host/logs, readOnly: true}\n"
        ">       volumes:\n"
        ">         - name: logs\n"
        ">           hostPath: {path: /var/log}\n"
        "> ```\n\n"
        "Make a chart of it, same settings."
    )
    assert r.workload == "DaemonSet" and r.component == "nodewatch"
    assert r.image is not None and r.image.reference == "ghcr.io/acme/nodewatch:0.8.0"
    assert [(h.host_path, h.mount_path, h.read_only) for h in r.host_mounts] == [
        ("/var/log", "/host/logs", True)
    ]
    assert not r.elevated.requested()


def test_a_cronjob_and_its_autoscaled_neighbour() -> None:
    r = read(
        "```yaml\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tally}\n"
        "spec:\n  template:\n    spec:\n      containers:\n"
        "        - {name: tally, image: 'acme/tally:5.0', ports: [{containerPort: 8000}]}\n"
        "---\n"
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tally-rollup}\n"
        "spec:\n  schedule: '15 3 * * *'\n  timeZone: Europe/Oslo\n  concurrencyPolicy: Forbid\n"
        "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
        "            - {name: rollup, image: 'acme/tally:5.0', args: [rollup, --daily]}\n"
        "---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: tally}\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: tally}\n  minReplicas: 2\n"
        "  maxReplicas: 6\n  metrics:\n    - type: Resource\n"
        "      resource: {name: cpu, target: {type: Utilization, averageUtilization: 65}}\n"
        "```\nAs a chart please."
    )
    assert r.component == "tally"
    assert r.replicas is not None and (r.replicas.min, r.replicas.max) == (2, 6)
    assert r.target_cpu == 65
    rollup = part(r, "tally-rollup")
    assert rollup.workload == "CronJob" and rollup.schedule == "15 3 * * *"
    assert rollup.args == ["rollup", "--daily"]
    assert rollup.cron is not None and rollup.cron.time_zone == "Europe/Oslo"
    assert rollup.cron.concurrency_policy == "Forbid"


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Graph, Path]]:
    root = tmp_path_factory.mktemp("manifests")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        yield build_graph(saver), root


def test_the_chart_mounts_the_existing_claim_and_makes_the_pasted_one(
    graph: tuple[Graph, Path],
) -> None:
    g, root = graph
    outcome = start(g, "quill", TODAY, {"out_dir": str(root / "quill")})
    assert outcome.status == "done", (outcome.review, outcome.state.get("history"))
    docs: list[dict[str, Any]] = fidelity.render(Path(outcome.state["result"]["chart"]), None)
    claims = [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    assert [c["spec"]["resources"]["requests"]["storage"] for c in claims] == ["20Gi"]
    pod = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
    used = {
        v["persistentVolumeClaim"]["claimName"]
        for v in pod["volumes"]
        if "persistentVolumeClaim" in v
    }
    assert "team-share" in used and claims[0]["metadata"]["name"] in used
