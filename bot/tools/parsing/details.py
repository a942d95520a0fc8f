"""The finer facts of a workload that a platform engineer states in one phrase each.

Probes by kind ("readiness on /ready, liveness on /live"), autoscaling targets ("on 75% CPU"),
disruption budgets, grace periods, node selectors and tolerations, GPUs, CronJob settings (time
zone, concurrency), Helm hooks, existing ConfigMaps and Secrets mounted at a path, Secret keys
("key `fernet-key`"), RBAC rules ("get, list and watch pods"), a pinned tag ("pin Grafana to
9.2.4") and the variables through which the app reaches a bundled datastore.
"""

from __future__ import annotations

import re

from bot.tools.models import (
    ConfigMount,
    Connection,
    ConnectionPart,
    Disruption,
    Probe,
    RbacRule,
    SecretMount,
    Toleration,
)
from bot.tools.parsing.compose.spec import split_command
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.schedule import ZONE
from bot.tools.parsing.text import Doc, negated, to_int

_NAME = r"[`\"']?(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])[`\"']?"
_PATH = r"[`\"']?(?P<path>/[\w./-]*)[`\"']?"
_PROBE = re.compile(
    r"\b(?P<kinds>(?:(?:readiness|liveness|startup)(?:\s+probes?)?(?:\s*(?:,|and|&|/|\+)\s*)?)+)"
    r"(?:\s+probes?)?\s*(?:check\s*)?(?:(?:is|are|on|at|via|to|hits?|uses?|=|:|->|against)\s+)*"
    r"(?:(?:an?\s+)?(?:http\s+)?(?:get\s+)?)?(?:https?://[\w.-]+(?::\d+)?)?"
    + _PATH
    + r"(?:[^.\n;]{0,30}?\bport\s+(?P<port>\d{2,5}))?",
    re.I,
)
_TARGET = re.compile(
    r"(?:\b(?:on|at|target(?:ing)?|of)\s+)?(?P<pct>\d{1,3})\s*%\s*(?:average\s+)?(?P<res>cpu|memory|mem)\b|"
    r"\b(?P<res2>cpu|memory)\s+(?:utili[sz]ation\s+)?(?:target\s+)?(?:of\s+|at\s+|=\s*)?(?P<pct2>\d{1,3})\s*%",
    re.I,
)
_PDB = re.compile(
    r"\b(?:pdb|pod\s?disruption\s?budget|disruption budget)\b[^.\n;]{0,40}?"
    r"(?P<field>min[\s_-]?available|max[\s_-]?unavailable|minAvailable|maxUnavailable)\s*[:=]?\s*"
    r"(?P<value>\d+%?)|\b(?P<field2>minAvailable|maxUnavailable)\s*[:=]?\s*(?P<value2>\d+%?)",
    re.I,
)
_GRACE = re.compile(
    r"\bterminationGracePeriodSeconds\s*[:=]?\s*(?P<s>\d+)|\b(?:termination\s+)?grace(?:ful)?"
    r"(?:\s+shutdown)?(?:\s+period)?\s*(?:of|:|=|is)?\s*(?P<n>\d+)\s*(?P<u>s|sec(?:ond)?s?|"
    r"m|min(?:ute)?s?)\b",
    re.I,
)
_SELECTOR = re.compile(
    r"\bnode\s?selector\b[^`\n]{0,20}?[`\"']?(?P<k>[\w./-]+)\s*[:=]\s*(?P<v>[\w.-]+)[`\"']?|"
    r"\bnodes?\s+(?:labell?ed|with\s+(?:the\s+)?label)\s+[`\"']?(?P<k2>[\w./-]+)\s*[:=]\s*"
    r"(?P<v2>[\w.-]+)",
    re.I,
)
_TAINT = re.compile(
    r"\b(?:toleration|tolerate|taint)s?\b[^`\n]{0,40}?[`\"']?(?P<key>[\w./-]+)"
    r"(?:\s*=\s*(?P<value>[\w.-]+))?(?:\s*:\s*|[`\"']?\s+)"
    r"(?P<effect>NoSchedule|PreferNoSchedule|NoExecute)",
    re.I,
)
_GPU = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|a|an|single)\s+(?:nvidia\s+)?(?:gpus?|graphics cards?)\b|"
    r"nvidia\.com/gpu\s*[:=]?\s*(?P<m>\d+)|\b(?:needs?|with|requires?|gets?)\s+(?:an?\s+)?"
    r"(?:nvidia\s+)?gpu\b",
    re.I,
)
_CONCURRENCY = re.compile(
    r"\bconcurrency\s?policy\s*[:=]?\s*[`\"']?(?P<p>Allow|Forbid|Replace)\b|"
    r"\b(?P<no>no\s+overlapp?ing|never\s+(?:run\s+)?overlap|must\s+not\s+overlap|"
    r"(?:don'?t|do\s+not)\s+(?:let\s+)?(?:runs?\s+)?overlap)",
    re.I,
)
_HISTORY = re.compile(
    r"\b(?:keep|retain)\s+(?:the\s+last\s+)?(?P<a>\d+)\s+successful[^.\n]{0,30}?(?P<b>\d+)\s+failed|"
    r"\bsuccessfulJobsHistoryLimit\s*[:=]?\s*(?P<s>\d+)|\bfailedJobsHistoryLimit\s*[:=]?\s*(?P<f>\d+)",
    re.I,
)
_HOOK = re.compile(
    r"\b(?P<events>(?:pre|post)-(?:install|upgrade|delete|rollback)(?:\s*(?:,|and|/|\+)\s*"
    r"(?:pre|post)-(?:install|upgrade|delete|rollback))*)\b|\bhook\b[^.\n]{0,40}?\bbefore\b"
    r"(?P<before>[^.\n]{0,40})|\bbefore\s+(?:each|every)\s+(?:install|upgrade|release|deploy)",
    re.I,
)
_CONFIGMAP = re.compile(
    r"\bconfig\s?map\s+"
    + _NAME
    + r"[^.\n]{0,80}?\bmount(?:ed)?\s+(?:it\s+)?(?:at|in|under|to|on)\s+"
    + _PATH
    + r"|\bmount\s+(?:the\s+)?(?:existing\s+)?config\s?map\s+"
    + _NAME.replace("name", "name2")
    + r"\s+(?:at|in|under|to|on)\s+"
    + _PATH.replace("path", "path2"),
    re.I,
)
_SECRET_MOUNT = re.compile(
    r"\bsecret\s+"
    + _NAME
    + r"[^.\n]{0,120}?\bmount(?:ed)?\s+(?:it\s+)?(?:at|in|under|to|on)\s+"
    + _PATH,
    re.I,
)
_SECRET_KEY = re.compile(
    r"`?(?P<env>[A-Z][A-Z0-9_]{2,})`?\s*\(\s*key\s+[`\"']?(?P<key>[\w.-]+)[`\"']?\s*\)|"
    r"`?(?P<env2>[A-Z][A-Z0-9_]{2,})`?\s+(?:from|in)\s+(?:the\s+)?(?:existing\s+)?secret\s+"
    r"[`\"']?(?P<secret2>[a-z0-9][a-z0-9.-]*)[`\"']?\s*(?:,|under|with)?\s*key\s+[`\"']?"
    r"(?P<key2>[\w.-]+)",
)
_ENV_NAME_RE = re.compile(r"(?<![\w$])[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+(?![\w])")
_KEYS = re.compile(
    r"\bkeys?\s+(?:named\s+|called\s+)?(?P<keys>(?:`[^`]+`|[\w.-]+)(?:\s*(?:,|and|&)\s*"
    r"(?:`[^`]+`|[\w.-]+))*)",
    re.I,
)
_SAME_KEYS = re.compile(
    r"\bsame\s+(?:key\s*)?names?\b|\bkeys?\s+(?:named|called)\s+(?:like|after)\s+the|"
    r"\bkeys?\s+(?:named\s+)?(?:as|like)\s+the\s+variables?\b",
    re.I,
)
_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
_RBAC_CONTEXT = re.compile(
    r"\b(?:rbac|role|clusterrole|permissions?|access|allowed|needs? to|must be able|read|rights)\b",
    re.I,
)
_RBAC = re.compile(
    r"\b(?P<verbs>(?:"
    + "|".join(_VERBS)
    + r")(?:\s*(?:,|/|and|&|\+|or)\s*(?:"
    + "|".join(_VERBS)
    + r"))*)\b(?:\s+(?:access|permissions?|rights))?\s+(?:on\s+|to\s+|for\s+)?(?:the\s+)?"
    r"(?P<resources>(?:[a-z]+(?:/[a-z]+)?)(?:\s*(?:,|/|and|&|\+)\s*[a-z]+(?:/[a-z]+)?)*)",
    re.I,
)
_RESOURCES = frozenset(
    {
        "pods",
        "pods/log",
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "services",
        "endpoints",
        "configmaps",
        "secrets",
        "events",
        "namespaces",
        "nodes",
        "deployments",
        "statefulsets",
        "daemonsets",
        "replicasets",
        "jobs",
        "cronjobs",
        "ingresses",
        "persistentvolumeclaims",
        "leases",
        "serviceaccounts",
        "endpointslices",
    }
)
_API_GROUPS = {
    "deployments": "apps",
    "statefulsets": "apps",
    "daemonsets": "apps",
    "replicasets": "apps",
    "jobs": "batch",
    "cronjobs": "batch",
    "ingresses": "networking.k8s.io",
    "leases": "coordination.k8s.io",
    "endpointslices": "discovery.k8s.io",
}
_PIN = re.compile(
    r"\b(?:pin|pinned|tag|version|upgrade|use)\b[^.\n]{0,30}?\b(?:to|at|:)?\s*[`\"']?"
    r"(?P<tag>v?\d+(?:\.\d+){1,3}(?:[-+][\w.-]+)?)[`\"']?",
    re.I,
)
_CONNECT = re.compile(
    r"\b(?:point(?:s|ing|ed)?|connect(?:s|ing)?|reach(?:es)?|finds?|through|via|talks?\s+to|"
    r"url|uri|dsn|host(?:name)?|at\s+it|bundled|gets?\s+its)\b",
    re.I,
)
_ENV_NAME = re.compile(r"`?(?<![\w$])(?P<env>[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+)`?")


def read_details(doc: Doc, draft: Draft, part: bool = False) -> None:
    """Read the finer workload facts of ``doc`` into the workload in focus.

    ``part`` says ``doc`` is the part of the request about one workload (a list item): its
    leading command is the command that workload runs.
    """
    c = draft.target
    text = doc.masked
    _probes(text, c)
    _autoscaling(text, c)
    _disruption(text, c)
    _grace(text, c)
    _placement(doc.text, c)
    _cron(text, c)
    _hook(text, c)
    _mounts(text, c)
    _secret_keys(doc, c)
    _rbac(doc, c)
    _pinned_tag(text, c)
    _command(doc, c, focused=part)
    _connections(doc, draft, c)


_RUNS = re.compile(
    r"\b(?:runs?|running|command|cmd|start(?:s|ed)?\s+with|executes?|entrypoint|process)\b\s*"
    r"[:=]?\s*`(?P<cmd>[^`\n]+)`",
    re.I,
)
_LEAD_COMMAND = re.compile(r"^[^`\n]{0,40}?(?:\s[-:]\s|:\s)`(?P<cmd>[^`\n]+)`")


def _looks_like_command(text: str) -> bool:
    """A backticked command, not an image, a path, a setting or a name."""
    text = text.strip()
    if "=" in text.split()[0] or text.startswith(("/", "$")) and " " not in text:
        return False
    if re.fullmatch(r"[\w.-]+(?:/[\w.-]+)+(?::[\w.-]+)?|[\w.-]+:[\w.-]+", text):
        return False  # an image reference
    return " " in text or text.startswith(("./", "/"))


def _command(doc: Doc, c: ComponentDraft, focused: bool) -> None:
    """The command a workload runs: "runs `celery -A shop worker`", or a list item's lead."""
    if c.command or c.args:
        return
    text = doc.text
    match = _RUNS.search(text)
    if match is None and focused:
        match = _LEAD_COMMAND.search(text)
    if match and _looks_like_command(match.group("cmd")):
        c.args = split_command(match.group("cmd"))


def _probes(text: str, c: ComponentDraft) -> None:
    for match in _PROBE.finditer(text):
        if negated(text, match.start()):
            continue
        port = match.group("port") or ""
        probe = Probe(kind="http", path=match.group("path").rstrip(".,"), port=port, command=[])
        kinds = match.group("kinds").lower()
        for kind in ("readiness", "liveness", "startup"):
            if kind in kinds and getattr(c, kind) is None:
                setattr(c, kind, probe.model_copy())


def _autoscaling(text: str, c: ComponentDraft) -> None:
    if not re.search(
        r"\b(?:hpa|autoscal\w*|scal(?:e|es|ing)|utili[sz]ation|target|replicas)\b", text, re.I
    ):
        return
    for match in _TARGET.finditer(text):
        pct = int(match.group("pct") or match.group("pct2"))
        resource = (match.group("res") or match.group("res2")).lower()
        if not 1 <= pct <= 100:
            continue
        if resource == "cpu":
            c.target_cpu = c.target_cpu or pct
        else:
            c.target_memory = c.target_memory or pct


def _disruption(text: str, c: ComponentDraft) -> None:
    match = _PDB.search(text)
    if not match or c.disruption is not None:
        return
    field = (
        (match.group("field") or match.group("field2"))
        .lower()
        .replace(" ", "")
        .replace("-", "")
        .replace("_", "")
    )
    value = match.group("value") or match.group("value2")
    if field.startswith("max"):
        c.disruption = Disruption(max_unavailable=value)
    else:
        c.disruption = Disruption(min_available=value)


def _grace(text: str, c: ComponentDraft) -> None:
    match = _GRACE.search(text)
    if not match or c.grace is not None:
        return
    if match.group("s"):
        c.grace = int(match.group("s"))
        return
    n = int(match.group("n"))
    c.grace = n * 60 if match.group("u").lower().startswith("m") else n


def _placement(text: str, c: ComponentDraft) -> None:
    for match in _SELECTOR.finditer(text):
        key, value = match.group("k") or match.group("k2"), match.group("v") or match.group("v2")
        c.node_selector.setdefault(key, value)
    for match in _TAINT.finditer(text):
        toleration = Toleration(
            key=match.group("key"),
            operator="Equal" if match.group("value") else "Exists",
            value=match.group("value") or "",
            effect=match.group("effect"),  # type: ignore[arg-type]
        )
        if toleration not in c.tolerations:
            c.tolerations.append(toleration)
    for match in _GPU.finditer(text):
        if negated(text, match.start()) or c.gpu:
            continue
        count = match.group("n") or match.group("m") or "1"
        c.gpu = to_int(count) or 1


def _cron(text: str, c: ComponentDraft) -> None:
    if not (c.schedule or c.workload == "CronJob"):
        return
    zone = ZONE.search(text)
    if zone and "/" in zone.group(1):
        c.cron.setdefault("time_zone", zone.group(1))
    elif zone and zone.group(1) in ("UTC", "GMT"):
        c.cron.setdefault("time_zone", "Etc/UTC")
    policy = _CONCURRENCY.search(text)
    if policy:
        c.cron.setdefault("concurrency_policy", (policy.group("p") or "Forbid").capitalize())
    history = _HISTORY.search(text)
    if history:
        ok, failed = (
            history.group("a") or history.group("s"),
            history.group("b") or history.group("f"),
        )
        if ok:
            c.cron.setdefault("successful_jobs_history_limit", int(ok))
        if failed:
            c.cron.setdefault("failed_jobs_history_limit", int(failed))


def _hook(text: str, c: ComponentDraft) -> None:
    if c.hook:
        return
    match = _HOOK.search(text)
    if not match:
        return
    if match.group("events"):
        events = re.findall(
            r"(?:pre|post)-(?:install|upgrade|delete|rollback)", match.group("events"), re.I
        )
        c.hook = ",".join(dict.fromkeys(e.lower() for e in events))
    else:
        c.hook = "pre-install,pre-upgrade"
    c.workload = "Job"


def _mounts(text: str, c: ComponentDraft) -> None:
    for match in _CONFIGMAP.finditer(text):
        name = match.group("name") or match.group("name2")
        path = (match.group("path") or match.group("path2")).rstrip(".,")
        if not any(m.mount_path == path for m in c.config_mounts):
            c.config_mounts.append(ConfigMount(config_map=name, mount_path=path))
    for match in _SECRET_MOUNT.finditer(text):
        path = match.group("path").rstrip(".,")
        known = next((m for m in c.secret_mounts if m.mount_path == path), None)
        if known is None:
            c.secret_mounts.append(SecretMount(secret_name=match.group("name"), mount_path=path))
        elif not known.secret_name:
            known.secret_name = match.group("name")


def _secret_keys(doc: Doc, c: ComponentDraft) -> None:
    """Keys inside the Secrets the request names: "(key `fernet-key`)", "with keys `a` and
    `b`" (in the order of the variables), "with the same key names"."""
    text = doc.text
    for match in _SECRET_KEY.finditer(text):
        env = match.group("env") or match.group("env2")
        key = match.group("key") or match.group("key2")
        c.add_secret(env, match.group("secret2") or "", key)
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        if not re.search(r"\bkeys?\b|\bsame\s+names\b", sentence, re.I):
            continue
        envs = [n for n in dict.fromkeys(_ENV_NAME_RE.findall(sentence)) if n in c.secrets]
        if not envs:
            continue
        if _SAME_KEYS.search(sentence):
            for name in envs:
                c.add_secret(name, "", name)
            continue
        listed = _KEYS.search(sentence)
        keys = re.findall(r"`([^`]+)`|\b([\w.-]+)\b", listed.group("keys")) if listed else []
        names = [a or b for a, b in keys if (a or b).lower() not in ("and", "or")]
        if len(names) == len(envs):
            for env, key in zip(envs, names, strict=True):
                c.add_secret(env, "", key)


def _rbac(doc: Doc, c: ComponentDraft) -> None:
    text = doc.masked
    if not _RBAC_CONTEXT.search(text):
        return
    cluster = bool(
        re.search(
            r"\bcluster\s?role\b|\bcluster[\s-]wide\b|\ball namespaces\b|\bacross namespaces\b",
            text,
            re.I,
        )
    )
    for match in _RBAC.finditer(text):
        resources = [
            r.lower()
            for r in re.split(r"\s*(?:,|and|&|\+)\s*|\s+", match.group("resources"))
            if r.lower() in _RESOURCES
        ]
        if not resources or negated(text, match.start()):
            continue
        verbs = [
            v.lower()
            for v in re.findall(r"[a-z]+", match.group("verbs"), re.I)
            if v.lower() in _VERBS
        ]
        groups = sorted({_API_GROUPS.get(r.split("/")[0], "") for r in resources})
        rule = RbacRule(api_groups=groups, resources=resources, verbs=verbs)
        if rule not in c.rbac_rules:
            c.rbac_rules.append(rule)
    if c.rbac_rules:
        c.rbac_cluster = c.rbac_cluster or cluster
        c.sa_token = True


def _pinned_tag(text: str, c: ComponentDraft) -> None:
    if c.image is None:
        return
    match = _PIN.search(text)
    if match and (not c.image.tag or c.image.tag in ("latest", "stable", "release")):
        c.image = c.image.model_copy(update={"tag": match.group("tag")})
    elif match and re.search(r"\bpin", match.group(0), re.I):
        c.image = c.image.model_copy(update={"tag": match.group("tag")})


def _part(env: str) -> ConnectionPart | None:
    """Return which part of a connection an env var's name says it holds, if any."""
    upper = env.upper()
    if re.search(r"_(?:URL|URI|DSN)$|CONN(?:ECTION)?(?:_STRING)?$", upper):
        return "url"
    if re.search(r"HOST(?:NAME)?$|_ADDR(?:ESS)?$|_SERVER$", upper):
        return "host"
    if upper.endswith("PORT"):
        return "port"
    if re.search(r"USER(?:NAME)?$", upper):
        return "user"
    if re.search(r"PASS(?:WORD)?$|PASSWD$", upper):
        return "password"
    if re.search(r"_DB$|DATABASE$|_NAME$", upper):
        return "database"
    return None  # LOG_LEVEL beside "Postgres" is not a connection


def _store_for(env: str, sentence: str, stores: list[str]) -> str:
    """Return the datastore an env var names, by its own name or the sentence around it."""
    upper = env.upper()
    by_name = (
        ("redis", r"REDIS|VALKEY|CACHE"),
        ("rabbitmq", r"AMQP|RABBIT"),
        ("mongodb", r"MONGO"),
        ("elasticsearch", r"ELASTIC|_ES_|^ES_"),
        ("memcached", r"MEMCACHE"),
        ("nats", r"NATS"),
        ("postgresql", r"POSTGRES|_PG|^PG|DATABASE|_DB|^DB|SQL"),
        ("mysql", r"MYSQL|DATABASE|_DB|^DB|SQL"),
        ("mariadb", r"MARIA|MYSQL|DATABASE|_DB|^DB|SQL"),
    )
    for kind, pattern in by_name:
        if kind in stores and re.search(pattern, upper):
            return kind
    if "BROKER" in upper:
        return next((k for k in ("redis", "rabbitmq") if k in stores), "")
    mentioned = [k for k in stores if _mentions_store(sentence, k)]
    return mentioned[0] if len(mentioned) == 1 else ""


def _mentions_store(sentence: str, kind: str) -> bool:
    backing = next((d for d in DEPENDENCIES if d.kind == kind), None)
    return bool(backing and backing.pattern.search(sentence))


def _connections(doc: Doc, draft: Draft, c: ComponentDraft) -> None:
    # A datastore managed elsewhere is reached with the values the request gives, as plain env.
    stores = [k for k, d in draft.dependencies.items() if not d.purpose.startswith("external")]
    if not stores:
        return
    text = doc.text
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        if not _CONNECT.search(sentence) or not any(_mentions_store(sentence, k) for k in stores):
            continue
        for match in _ENV_NAME.finditer(sentence):
            env = match.group("env")
            if env in c.env and "://" in c.env[env]:
                continue
            kind = _store_for(env, sentence, stores)
            if not kind or any(x.env == env for x in c.connections):
                continue
            part = _part(env)
            if part is None or part == "password":
                continue
            c.env.pop(env, None)
            c.secrets.pop(env, None) if part == "url" else None
            c.connections.append(Connection(dependency=kind, env=env, part=part))
