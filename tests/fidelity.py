"""Check a request's stated facts in a chart's rendered objects, fact by fact.

The facts come from ``tests/fixtures/fidelity/*.facts.yaml`` (see the README there). Nothing
here reads values.yaml or helm-bot's own report: each fact is looked for in what Kubernetes
would receive. ``check`` returns one ``Result`` per leaf fact, so a corpus gets a score (the
share of facts found) and every miss a sentence that says what was expected and what was there.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python
import yaml

Obj = dict[str, Any]
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job")


def render(chart: Path, values_file: Path | None) -> list[dict[str, Any]]:
    """Render ``chart`` as Kubernetes would receive it, with its defaults or one values file."""
    values = yaml.safe_load(values_file.read_text()) if values_file else {}
    manifests = helm_python.Chart.load(chart).render(
        values or {}, name=chart.name, namespace="apps"
    )
    return [
        doc
        for path, text in manifests.items()
        if path.endswith(".yaml")
        for doc in yaml.safe_load_all(text)
        if doc
    ]


def score(facts: dict[str, Any], chart: Path) -> tuple[dict[str, bool], list[str]]:
    """Check every fact with the default values and each values file; a fact holds if it holds
    in all of them. Return each fact's outcome and a line per miss."""
    held: dict[str, bool] = {}
    misses: list[str] = []
    for values_file in [None, *sorted(chart.glob("values-*.yaml"))]:
        label = values_file.name if values_file else "values.yaml"
        for result in check(facts, render(chart, values_file)):
            held[result.fact] = held.get(result.fact, True) and result.ok
            if not result.ok:
                misses.append(f"{label}: {result.fact} (chart: {result.detail[:160]})")
    return held, misses


@dataclass
class Result:
    fact: str
    ok: bool
    detail: str = ""


def _dns(key: str) -> str:
    key = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])", "-", key)
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _cpu_m(value: Any) -> float | None:
    text = str(value)
    if text.endswith("m"):
        return float(text[:-1])
    try:
        return float(text) * 1000
    except ValueError:
        return None


_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "K": 1e3, "M": 1e6, "G": 1e9}


def _bytes(value: Any) -> float | None:
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value))
    if not match:
        return None
    unit = match.group(2)
    if unit and unit not in _UNITS:
        return None
    return float(match.group(1)) * _UNITS.get(unit, 1)


def same_quantity(kind: str, a: Any, b: Any) -> bool:
    """Compare two Kubernetes quantities (cpu: millicores, else bytes)."""
    parse = _cpu_m if kind == "cpu" else _bytes
    x, y = parse(a), parse(b)
    return x is not None and y is not None and abs(x - y) < 1e-6 * max(1.0, abs(y))


def pod_spec(workload: Obj) -> Obj:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def app_workloads(objects: list[Obj]) -> list[Obj]:
    """Return the app's workloads (not the bundled datastores')."""
    return [
        o
        for o in objects
        if o.get("kind") in WORKLOAD_KINDS
        and o["metadata"].get("labels", {}).get("app.kubernetes.io/component") != "datastore"
    ]


def find_component(key: str, expected: int, workloads: list[Obj]) -> Obj | None:
    """Find the workload of an expected component: by label, by name, or the only one."""
    want = _dns(key)
    for w in workloads:
        if w["metadata"].get("labels", {}).get("app.kubernetes.io/component") == want:
            return w
    for w in workloads:
        if w["metadata"]["name"].endswith("-" + want) or w["metadata"]["name"] == want:
            return w
    if expected == 1 and len(workloads) == 1:
        return workloads[0]
    if expected == 1:
        long_running = [w for w in workloads if w["kind"] not in ("Job", "CronJob")]
        if len(long_running) == 1:
            return long_running[0]
    return None


def _selects(selector: Obj, labels: Obj) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _pod_labels(workload: Obj) -> Obj:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["metadata"].get("labels", {})  # type: ignore[no-any-return]


def services_of(workload: Obj, objects: list[Obj]) -> list[Obj]:
    labels = _pod_labels(workload)
    return [
        o
        for o in objects
        if o.get("kind") == "Service"
        and o["spec"].get("clusterIP") != "None"
        and _selects(o["spec"].get("selector") or {}, labels)
    ]


def _scaler(workload: Obj, objects: list[Obj], kind: str) -> Obj | None:
    for o in objects:
        if o.get("kind") != kind:
            continue
        if kind == "HorizontalPodAutoscaler":
            ref = o["spec"]["scaleTargetRef"]
            if ref["kind"] == workload["kind"] and ref["name"] == workload["metadata"]["name"]:
                return o
        elif _selects(o["spec"]["selector"].get("matchLabels") or {}, _pod_labels(workload)):
            return o
    return None


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _runs(container: Obj, expected: str) -> tuple[bool, str]:
    argv = [str(a) for a in [*(container.get("command") or []), *(container.get("args") or [])]]
    joined = " ".join(argv)
    want = " ".join(_words(expected))
    # A shell wrapper (sh -c "...") carries the command as one argument.
    flat = " ".join(w for a in argv for w in _words(a))
    return want in joined or want in flat, joined


def _env(container: Obj) -> dict[str, Obj]:
    return {e["name"]: e for e in container.get("env") or []}


def _claims(workload: Obj, objects: list[Obj]) -> dict[str, Obj]:
    """Return the claim spec behind each volume name of the pod (PVCs and claim templates)."""
    spec = pod_spec(workload)
    pvcs = {
        o["metadata"]["name"]: o["spec"]
        for o in objects
        if o.get("kind") == "PersistentVolumeClaim"
    }
    out: dict[str, Obj] = {}
    for volume in spec.get("volumes") or []:
        claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        if claim in pvcs:
            out[volume["name"]] = pvcs[claim]
    for template in workload["spec"].get("volumeClaimTemplates") or []:
        out[template["metadata"]["name"]] = template["spec"]
    return out


def _probe_path(probe: Obj | None) -> str:
    return ((probe or {}).get("httpGet") or {}).get("path", "")


def _check_component(key: str, facts: Obj, w: Obj, objects: list[Obj]) -> Iterator[Result]:
    spec = pod_spec(w)
    main = spec["containers"][0]
    name = f"{key}."
    if "kind" in facts:
        yield Result(name + "kind", w["kind"] == facts["kind"], w["kind"])
    if "image" in facts:
        image = main["image"]
        want = str(facts["image"])
        variants = {want, f"docker.io/{want}", f"docker.io/library/{want}"}
        ok = image in variants or image.split("@")[0] in variants
        yield Result(name + "image", ok, image)
    if "runs" in facts:
        ok, joined = _runs(main, str(facts["runs"]))
        yield Result(name + "runs", ok, joined)
    ports = {(p["containerPort"], p.get("protocol", "TCP")) for p in main.get("ports") or []}
    for port in facts.get("ports") or []:
        number, _, proto = str(port).partition("/")
        want = (int(number), (proto or "tcp").upper())
        yield Result(f"{name}ports.{port}", want in ports, str(sorted(ports)))
    if "service" in facts:
        services = services_of(w, objects)
        stated = facts["service"]
        if "type" in stated:
            types = [s["spec"].get("type", "ClusterIP") for s in services]
            yield Result(name + "service.type", stated["type"] in types, str(types))
        numbers = {p["port"] for s in services for p in s["spec"]["ports"]}
        numbers |= {p.get("nodePort") for s in services for p in s["spec"]["ports"]}
        for port in stated.get("ports") or []:
            yield Result(f"{name}service.ports.{port}", port in numbers, str(numbers))
    env = _env(main)
    for var, value in (facts.get("env") or {}).items():
        got = env.get(var, {}).get("value")
        yield Result(f"{name}env.{var}", got == str(value), repr(got))
    for var, ref in (facts.get("secret_env") or {}).items():
        got = (env.get(var, {}).get("valueFrom") or {}).get("secretKeyRef")
        ok = bool(got)
        if ok and ref:
            secret, _, secret_key = str(ref).partition("/")
            ok = got["name"] == secret and (not secret_key or got["key"] == secret_key)
        yield Result(f"{name}secret_env.{var}", ok, repr(got))
    probes = {k: main.get(f"{k}Probe") for k in ("readiness", "liveness", "startup")}
    for kind, path in (facts.get("probes") or {}).items():
        got = _probe_path(probes.get(kind))
        yield Result(f"{name}probes.{kind}", got == path, got)
    if "health" in facts:
        paths = [_probe_path(p) for p in probes.values()]
        yield Result(name + "health", facts["health"] in paths, str(paths))
    resources = main.get("resources") or {}
    for part in ("requests", "limits"):
        for res, value in ((facts.get("resources") or {}).get(part) or {}).items():
            got = (resources.get(part) or {}).get(res)
            ok = got is not None and same_quantity(res, got, value)
            yield Result(f"{name}resources.{part}.{res}", ok, repr(got))
    if "gpu" in facts:
        got = (resources.get("limits") or {}).get("nvidia.com/gpu")
        yield Result(name + "gpu", str(got) == str(facts["gpu"]), repr(got))
    hpa = _scaler(w, objects, "HorizontalPodAutoscaler")
    if "replicas" in facts:
        n = facts["replicas"]
        ok = (hpa is None and w["spec"].get("replicas") == n) or (
            hpa is not None and hpa["spec"]["minReplicas"] == hpa["spec"]["maxReplicas"] == n
        )
        yield Result(name + "replicas", ok, repr(w["spec"].get("replicas")))
    if "hpa" in facts:
        want = facts["hpa"]
        got = hpa["spec"] if hpa else {}
        yield Result(
            name + "hpa.min",
            got.get("minReplicas") == want.get("min"),
            repr(got.get("minReplicas")),
        )
        yield Result(
            name + "hpa.max",
            got.get("maxReplicas") == want.get("max"),
            repr(got.get("maxReplicas")),
        )
        targets = {
            m["resource"]["name"]: m["resource"]["target"].get("averageUtilization")
            for m in got.get("metrics") or []
            if m.get("type") == "Resource"
        }
        for res in ("cpu", "memory"):
            if res in want:
                yield Result(f"{name}hpa.{res}", targets.get(res) == want[res], repr(targets))
    if "pdb" in facts:
        pdb = _scaler(w, objects, "PodDisruptionBudget")
        for field, value in facts["pdb"].items():
            got = (pdb or {}).get("spec", {}).get(field)
            yield Result(f"{name}pdb.{field}", str(got) == str(value), repr(got))
    if "terminationGracePeriodSeconds" in facts:
        got = spec.get("terminationGracePeriodSeconds")
        yield Result(
            name + "terminationGracePeriodSeconds",
            got == facts["terminationGracePeriodSeconds"],
            repr(got),
        )
    for label, value in (facts.get("nodeSelector") or {}).items():
        got = (spec.get("nodeSelector") or {}).get(label)
        yield Result(f"{name}nodeSelector.{label}", got == str(value), repr(got))
    for i, toleration in enumerate(facts.get("tolerations") or []):
        have = spec.get("tolerations") or []
        ok = any(all(str(t.get(k)) == str(v) for k, v in toleration.items()) for t in have)
        yield Result(f"{name}tolerations.{i}", ok, repr(have))
    if "cron" in facts:
        cron = w["spec"] if w["kind"] == "CronJob" else {}
        for field, value in facts["cron"].items():
            got = cron.get(field)
            yield Result(f"{name}cron.{field}", str(got) == str(value), repr(got))
    if "hook" in facts:
        got = w["metadata"].get("annotations", {}).get("helm.sh/hook", "")
        want = set(str(facts["hook"]).split(","))
        # With a bundled datastore the install-time hook has to run after it exists.
        have = set(got.split(",")) | ({"pre-install"} if "post-install" in got else set())
        yield Result(name + "hook", want <= have, got)
    mounts = {m["mountPath"]: m for m in main.get("volumeMounts") or []}
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    claims = _claims(w, objects)
    for path, want in (facts.get("volumes") or {}).items():
        mount = mounts.get(path)
        yield Result(f"{name}volumes.{path}", mount is not None, str(sorted(mounts)))
        claim = claims.get(mount["name"]) if mount else None
        for field, value in (want or {}).items():
            got = None
            if claim is not None:
                got = {
                    "size": claim["resources"]["requests"]["storage"],
                    "storageClass": claim.get("storageClassName"),
                    "accessMode": (claim.get("accessModes") or [None])[0],
                }.get(field)
            ok = got is not None and (
                same_quantity("memory", got, value) if field == "size" else got == value
            )
            yield Result(f"{name}volumes.{path}.{field}", ok, repr(got))
    for path, config_map in (facts.get("config_mounts") or {}).items():
        mount = mounts.get(path)
        volume = volumes.get(mount["name"]) if mount else None
        got = ((volume or {}).get("configMap") or {}).get("name")
        yield Result(f"{name}config_mounts.{path}", got == config_map, repr(got))
    for path, want in (facts.get("host_mounts") or {}).items():
        found = [
            (m, volumes[m["name"]])
            for m in mounts.values()
            if m["name"] in volumes
            and "hostPath" in volumes[m["name"]]
            and path in (m["mountPath"], volumes[m["name"]]["hostPath"]["path"])
        ]
        yield Result(f"{name}host_mounts.{path}", bool(found), str(sorted(mounts)))
        if found and "readOnly" in (want or {}):
            got = bool(found[0][0].get("readOnly"))
            yield Result(f"{name}host_mounts.{path}.readOnly", got == want["readOnly"], repr(got))
    if "sa_token" in facts:
        got = spec.get("automountServiceAccountToken")
        yield Result(name + "sa_token", got is facts["sa_token"], repr(got))
    if "rbac" in facts:
        yield from _check_rbac(name, facts["rbac"], spec, objects)
    for var, datastore in (facts.get("wiring") or {}).items():
        got = env.get(var)
        ok = got is not None and _reaches(got, datastore, objects)
        yield Result(f"{name}wiring.{var}", ok, repr(got))


def _reaches(env: Obj, datastore: str, objects: list[Obj]) -> bool:
    """An env var reaches a bundled datastore: it names its Service host, or its Secret; or
    another workload of the chart (``datastore`` is then that component): its Service."""
    stores = [
        o
        for o in objects
        if o.get("kind") == "Service"
        and (
            o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "datastore"
            and datastore in o["metadata"].get("labels", {}).get("app.kubernetes.io/name", "")
            or o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == datastore
        )
    ]
    hosts = {s["metadata"]["name"] for s in stores}
    if "value" in env:
        return any(h in str(env["value"]) for h in hosts)
    ref = (env.get("valueFrom") or {}).get("secretKeyRef") or {}
    secrets = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for o in objects
        if o.get("kind") == "StatefulSet" and o["metadata"]["name"] in hosts
        for c in pod_spec(o)["containers"]
        for e in c.get("env") or []
        if (e.get("valueFrom") or {}).get("secretKeyRef")
    }
    return ref.get("name") in secrets


def _check_rbac(name: str, want: Obj, spec: Obj, objects: list[Obj]) -> Iterator[Result]:
    kind = want.get("kind", "Role")
    roles = [o for o in objects if o.get("kind") == kind]
    bindings = [o for o in objects if o.get("kind") == f"{kind}Binding"]
    account = spec.get("serviceAccountName", "default")
    bound = [
        r
        for r in roles
        if any(
            b["roleRef"]["name"] == r["metadata"]["name"]
            and any(s.get("name") == account for s in b.get("subjects") or [])
            for b in bindings
        )
    ]
    yield Result(f"{name}rbac.kind", bool(bound), str([r["metadata"]["name"] for r in roles]))
    rules = [rule for r in bound for rule in r.get("rules") or []]
    for i, rule in enumerate(want.get("rules") or []):
        ok = any(
            set(rule.get("resources", [])) <= set(r.get("resources", []))
            and set(rule.get("verbs", [])) <= set(r.get("verbs", []))
            for r in rules
        )
        yield Result(f"{name}rbac.rules.{i}", ok, repr(rules))


def _check_ingress(
    facts: Obj, objects: list[Obj], workloads: list[Obj], expected: Obj
) -> Iterator[Result]:
    ingresses = [o for o in objects if o.get("kind") == "Ingress"]
    rules = [r for i in ingresses for r in i["spec"].get("rules") or []]
    hosts = {r.get("host") for r in rules}
    for host in facts.get("hosts") or []:
        yield Result(f"ingress.hosts.{host}", host in hosts, str(sorted(h for h in hosts if h)))
    annotations: Obj = {}
    for i in ingresses:
        annotations |= i["metadata"].get("annotations") or {}
    if "class" in facts:
        classes = [i["spec"].get("ingressClassName") for i in ingresses]
        yield Result("ingress.class", facts["class"] in classes, str(classes))
    if "issuer" in facts:
        issuers = {
            annotations.get("cert-manager.io/cluster-issuer"),
            annotations.get("cert-manager.io/issuer"),
        }
        yield Result("ingress.issuer", facts["issuer"] in issuers, str(issuers))
    if "tls_secret" in facts:
        secrets = [t.get("secretName") for i in ingresses for t in i["spec"].get("tls") or []]
        yield Result("ingress.tls_secret", facts["tls_secret"] in secrets, str(secrets))
    for path, component in (facts.get("paths") or {}).items():
        target = find_component(component, len(expected), workloads)
        services = (
            {s["metadata"]["name"] for s in services_of(target, objects)} if target else set()
        )
        backends = [
            p["backend"]["service"]["name"]
            for r in rules
            for p in r.get("http", {}).get("paths") or []
            if p.get("path") == path
        ]
        yield Result(f"ingress.paths.{path}", any(b in services for b in backends), str(backends))


def _check_datastores(facts: Obj, objects: list[Obj]) -> Iterator[Result]:
    stores = [
        o
        for o in objects
        if o.get("kind") == "StatefulSet"
        and o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "datastore"
    ]
    for kind, version in (facts or {}).items():
        found = [
            s for s in stores if kind in s["metadata"]["labels"].get("app.kubernetes.io/name", "")
        ]
        yield Result(
            f"datastores.{kind}", bool(found), str([s["metadata"]["name"] for s in stores])
        )
        if found and version:
            image = pod_spec(found[0])["containers"][0]["image"]
            tag = image.rsplit(":", 1)[-1]
            yield Result(f"datastores.{kind}.version", tag.startswith(str(version)), image)


def _check_not_bundled(kinds: list[str], objects: list[Obj]) -> Iterator[Result]:
    """A datastore the request keeps outside the chart (a managed database, a shared
    instance) runs nowhere in it."""
    for kind in kinds:
        running = [
            o["metadata"]["name"]
            for o in objects
            if o.get("kind") in ("StatefulSet", "Deployment")
            and kind in o["metadata"].get("labels", {}).get("app.kubernetes.io/name", "")
        ]
        yield Result(f"not_bundled.{kind}", not running, str(running))


def check(facts: Obj, objects: list[Obj]) -> list[Result]:
    """Check every stated fact of one request against its chart's rendered objects."""
    workloads = app_workloads(objects)
    expected: Obj = facts.get("components") or {}
    results: list[Result] = []
    for key, stated in expected.items():
        workload = find_component(key, len(expected), workloads)
        if workload is None:
            names = [w["metadata"]["name"] for w in workloads]
            results.append(Result(f"{key}", False, f"no workload for it among {names}"))
            # Every fact of a missing component is missed.
            results += [
                Result(f"{key}.{fact}", False, "component missing") for fact in stated or {}
            ]
            continue
        results += list(_check_component(key, stated or {}, workload, objects))
    results += list(_check_ingress(facts.get("ingress") or {}, objects, workloads, expected))
    results += list(_check_datastores(facts.get("datastores") or {}, objects))
    results += list(_check_not_bundled(facts.get("not_bundled") or [], objects))
    return results
