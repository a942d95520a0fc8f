"""The finer facts of a workload that a platform engineer states in one phrase each.

Probes by kind ("readiness on /ready, liveness on /live"), autoscaling targets ("on 75% CPU"),
disruption budgets, grace periods, node selectors and tolerations, GPUs, CronJob settings (time
zone, concurrency), Helm hooks, a pinned tag ("pin Grafana to 9.2.4") and the command a
workload runs. What wires the workload to objects around it (mounted ConfigMaps and Secrets,
Secret keys, datastore variables) is read by ``wiring``, its API access by ``rbac``.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from bot.tools.models import Disruption, Probe, Toleration
from bot.tools.parsing import commands, rbac, secret_keys, wiring
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.schedule import ZONE
from bot.tools.parsing.text import NUMBER, Doc, negated, to_int

# A probe's path, with its query if it has one ("/healthz?js-server-only=true").
_PATH = r"[`\"']?(?P<path>/[\w./-]*(?:\?[\w.=&-]+)?)[`\"']?"
_PROBE = re.compile(
    # "plugins to download at startup, `/data` and ...": the moment, not a probe
    r"\b(?P<kinds>(?:(?:readiness|liveness|(?<!at\s)(?<!on\s)(?<!during\s)startup)(?:\s+probes?)?"
    r"(?:\s*(?:,|and|&|/|\+)\s*)?)+)"
    r"(?:\s+probes?)?\s*(?:check\s*)?(?:(?:is|are|on|at|via|to|hits?|uses?|=|:|->|against)\s+)*"
    # "readiness `GET /health/readyz`": the method may open the code span
    r"(?:(?:an?\s+)?(?:http\s+)?(?:`?get\s+)?)?(?:https?://[\w.-]+(?::\d+)?)?"
    r"(?![`\"']?/(?:readiness|liveness|startup)\b)"  # "readiness/liveness" is two kinds
    + _PATH
    + r"(?:[^.\n;]{0,30}?\bport\s+(?P<port>\d{2,5}))?",
    re.I,
)
# The path first, the probes after: "I found `/api/v1/status` in the docs, use that for
# readiness/liveness".
_PROBE_BEFORE = re.compile(
    # ("answers on /health? use that for readiness and liveness")
    r"(?:`(?P<path>/[\w./-]*)`|(?<![\w./:-])(?P<path4>/[\w.-]+(?:/[\w.-]+)*))[^.\n`]{0,60}?"
    r"\buse\s+(?:that|it|this)\s+(?:for|as)\s+(?:the\s+)?"
    r"(?P<kinds>(?:(?:readiness|liveness|startup)(?:\s+probes?)?(?:\s*(?:,|and|&|/|\+)\s*)?)+)|"
    # "The Swagger page at /docs is a decent readiness check."
    r"(?<![\w./-])`?(?P<path2>/[\w./-]*[\w/])`?\s+(?:is|makes|works\s+as)\s+(?:a|an|the|our)\s+"
    r"(?:\w+\s+){0,2}?(?P<kinds2>(?:readiness|liveness|startup)(?:\s*(?:,|and|&|/|\+)\s*"
    r"(?:readiness|liveness|startup))*)\s+(?:check|probe|endpoint)|"
    # "Use `/health/ready` for readiness and `/health/live` for liveness", "use `/metrics` on
    # 24231 as the liveness probe"
    r"(?<![\w./-])`(?P<path3>/[\w./-]*)`(?:\s+on\s+(?:port\s+)?\d{2,5})?\s+(?:for|as)\s+(?:the\s+)?"
    r"(?P<kinds3>readiness|liveness|startup)\b|"
    # "ready+live: GET /api/v1/status": a terse note's short words for them
    r"\b(?P<kinds4>(?:ready|live|startup)(?:\s*[+/&,]\s*(?:ready|live|startup))*)\s*:\s*"
    r"(?:`?GET\s+)?`?(?P<path5>/[\w./-]*)",
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
    r"(?P<value>\d+%?)|\b(?P<field2>minAvailable|maxUnavailable)\s*[:=]?\s*(?P<value2>\d+%?)|"
    # "a PodDisruptionBudget that keeps at least one pod up", "at most 1 pod down at a time"
    r"\b(?:pdb|pod\s?disruption\s?budget|disruption budget)\b[^.\n;]{0,40}?\bat\s+"
    rf"(?:(?P<least>least)|most)\s+(?P<value3>{NUMBER}%?)\s*(?:pods?|replicas?|instances?)?\s*"
    r"(?:up|available|running|alive|down|unavailable|(?:out\s+)?at\s+a\s+time)\b",
    re.I,
)
_GRACE = re.compile(
    r"\bterminationGracePeriodSeconds`?\s*(?:[:=]|of|to)?\s*(?P<s>\d+)|\b(?:termination\s+)?grace(?:ful)?"
    r"(?:\s+shutdown)?(?:\s+period)?\s*(?:of|:|=|is)?\s*(?P<n>\d+)\s*(?P<u>s|sec(?:ond)?s?|"
    r"m|min(?:ute)?s?)\b|"
    # "a 120 second termination grace period"
    r"\b(?P<n2>\d+)[\s-]*(?P<u2>s|sec(?:ond)?s?|m|min(?:ute)?s?)\s+(?:termination\s+)?grace(?:ful)?"
    r"(?:\s+shutdown)?\s+period\b|"
    # "Give the pods 60s to shut down (terminationGracePeriodSeconds)"
    r"\b(?P<n3>\d+)\s*(?P<u3>s|sec(?:ond)?s?|m|min(?:ute)?s?)\s+to\s+(?:shut\s*down|drain|stop|"
    r"terminate|finish)\b",
    re.I,
)
_SELECTOR = re.compile(
    r"\bnode\s?selector\b[^`\n]{0,20}?[`\"']?(?P<k>[\w./-]+)\s*[:=]\s*[\"']?(?P<v>[\w.-]+)[\"']?[`]?|"
    r"\b(?:nodes?|(?:node\s?)?pool|node\s?group)\s*(?:,?\s*(?:which|that)\s+)?(?:is\s+|are\s+)?"
    r"(?:labell?ed|(?:with|ha(?:s|ve)|carr(?:y|ies))\s+(?:the\s+)?"
    r"label)\s+(?:with\s+)?[`\"']?(?P<k2>[\w./-]+)\s*[:=]\s*"
    r"(?P<v2>[\w.-]+)|"
    # "amd64 nodes only (kubernetes.io/arch: amd64)": a well-known node label, stated as such.
    r"(?P<k3>(?:kubernetes\.io|node\.kubernetes\.io|topology\.kubernetes\.io|cloud\.google\.com|"
    r"eks\.amazonaws\.com|kubernetes\.azure\.com|karpenter\.sh)/[\w.-]+)"
    r"\s*[:=]\s*[`\"']?(?P<v3>[\w.-]+)|"
    # "only on our `workload: tsdb` nodes": a label, in code, that names the nodes
    r"`(?P<k4>[\w./-]+)\s*[:=]\s*[\"']?(?P<v4>[\w.-]+)[\"']?`(?:\s+nodes?\b|"
    r"(?=[^.\n]{0,40}?\bnode\s?selector))|"
    # "our tools node pool (`pool: tools`)"
    r"\bnode\s?(?:pool|group)s?\s*\(\s*`(?P<k5>[\w./-]+)\s*[:=]\s*[\"']?(?P<v5>[\w.-]+)[\"']?`\s*\)|"
    # "They're labelled `gpu=nvidia` and tainted ..., so it needs the matching nodeSelector"
    # "our GPU box, which has the label `workload: ai`. So a nodeSelector."
    r"\b(?:labell?ed|(?:has|have|with|carr(?:y|ies))\s+(?:the\s+)?label)\s+(?:with\s+)?`(?P<k6>[\w./-]+)\s*[:=]\s*[\"']?(?P<v6>[\w.-]+)[\"']?`"
    r"(?=(?:[^.\n]|\.(?=\S)){0,120}?\bnode\s?selector|[^\n]{0,40}?\bnode\s?selector)",
    re.I,
)
_TAINT = re.compile(
    r"\b(?:toleration|tolerate|taint(?:ed)?)s?\b[^`\n]{0,40}?[`\"']?(?P<key>[\w./-]+)"
    r"(?:\s*=\s*(?P<value>[\w.-]+))?(?:\s*:\s*|[`\"']?\s+)(?:taint\s+)?(?:(?:with|and)\s+)?(?:the\s+)?"
    r"(?:effect\s*[:=]?\s*)?[`\"'(]?(?:effect\s*[:=]?\s*)?[`\"']?(?P<effect>NoSchedule|PreferNoSchedule|"
    r"NoExecute)",
    re.I,
)
# kubectl's way of writing a taint, said to be tolerated: "the `key=value:NoSchedule` taint,
# please tolerate it".
_TAINT_WRITTEN = re.compile(
    r"[`\"'](?P<key>[\w./-]+)(?:=(?P<value>[\w.-]+))?:(?P<effect>NoSchedule|PreferNoSchedule|"
    r"NoExecute)[`\"']\s+taint(?=[^.\n]{0,60}\btolerat)",
)
# "tolerate our spot nodes: key `spot`, operator `Exists`, effect `NoSchedule`": field by field.
_TAINT_FIELDS = re.compile(
    r"\b(?:tolerat\w*|taint\w*)\b[^.\n]{0,60}?\bkey\s*[:=]?\s*[`\"']?(?P<key>[\w./-]+)[`\"']?"
    r"(?:,?\s*(?:and\s+)?operator\s*[:=]?\s*[`\"']?(?:Exists|Equal)[`\"']?)?"
    r"(?:,?\s*(?:and\s+)?value\s*[:=]?\s*[`\"']?(?P<value>[\w.-]+)[`\"']?)?"
    r",?\s*(?:and\s+)?effect\s*[:=]?\s*[`\"']?(?P<effect>NoSchedule|PreferNoSchedule|NoExecute)",
    re.I,
)
# "(`node-role.kubernetes.io/control-plane`, effect `NoSchedule`)" on a line about tolerations
_KEY_THEN_EFFECT = re.compile(
    r"(?<!operator\s)(?<!value\s)`(?!Exists`|Equal`)(?P<key>[\w./-]+)`"
    r"(?:\s*=\s*`?(?P<value>[\w.-]+)`?)?"
    # "`node-role.kubernetes.io/control-plane` op Exists, NoSchedule"
    r"(?:\s+(?:op|operator)\s*[:=]?\s*`?(?:Exists|Equal)`?)?"
    r"\s*,?\s*(?:(?:with\s+)?effect\s*[:=]?\s*)?"
    r"[`\"']?(?P<effect>NoSchedule|PreferNoSchedule|NoExecute)",
)
_EFFECTS = frozenset({"NoSchedule", "PreferNoSchedule", "NoExecute"})
# "tolerate all taints", "tolerates every taint (operator Exists)": one toleration, no key.
_TOLERATE_ALL = re.compile(
    r"\btolerat\w*\s+(?:all|every|any)\s+(?:the\s+)?taints?\b|\btolerat\w*\s+everything\b|"
    r"\btolerations?\s*[:=]?\s*"
    r"(?:\[\s*)?\{?\s*operator\s*[:=]\s*[`\"']?Exists[`\"']?\s*\}?\s*\]?(?!\s*,?\s*(?:key|effect))",
    re.I,
)
_GPU = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|a|an|single)\s+(?:nvidia\s+)?(?:gpus?|graphics cards?)\b|"
    r"nvidia\.com/gpu`?\s*[:=]?\s*`?(?P<m>\d+)\b|\b(?:needs?|with|requires?|gets?)\s+(?:an?\s+)?"
    r"(?:nvidia\s+)?gpu\b",
    re.I,
)
_CONCURRENCY = re.compile(
    r"\bconcurrency\s?policy\s*[:=]?\s*[`\"']?(?P<p>Allow|Forbid|Replace)\b|"
    r"\b(?P<no>no\s+overlapp?ing|never\s+(?:run\s+)?overlap|must\s+not\s+overlap|"
    r"never\s+run\s+(?:twice|two)\b|(?:never|not)\s+(?:run\s+)?(?:twice\s+)?in\s+parallel|"
    r"(?:don'?t|do\s+not)\s+(?:let\s+)?(?:runs?\s+)?overlap)",
    re.I,
)
_SCHEDULE_WORDS = re.compile(r"\b(?:cron\w*|schedul\w*|time\s?zone)\b", re.I)
_HISTORY = re.compile(
    r"\b(?:keep|retain)\s+(?:the\s+last\s+)?(?P<a>\d+)\s+successful[^.\n]{0,30}?(?P<b>\d+)\s+failed|"
    r"\bsuccessfulJobsHistoryLimit\s*[:=]?\s*(?P<s>\d+)|\bfailedJobsHistoryLimit\s*[:=]?\s*(?P<f>\d+)|"
    # "keep 3 failed jobs", "keep the last 5 successful runs": one of the two said alone
    r"\b(?:keep|retain)\s+(?:the\s+last\s+)?(?P<f2>\d+)\s+failed\s+(?:jobs|runs)\b|"
    r"\b(?:keep|retain)\s+(?:the\s+last\s+)?(?P<s2>\d+)\s+successful\s+(?:jobs|runs)\b(?![^.\n]{0,30}\d+\s+failed)",
    re.I,
)
_HOOK = re.compile(
    r"\b(?P<events>(?:pre|post)-(?:install|upgrade|delete|rollback)(?:\s*(?:,|and|/|\+)\s*"
    r"(?:pre|post)-(?:install|upgrade|delete|rollback))*)\b|\bhook\b[^.\n]{0,40}?\bbefore\b"
    r"(?P<before>[^.\n]{0,40})|\bbefore\s+(?:each|every)\s+(?:install|upgrade|release|deploy)",
    re.I,
)
_PIN = re.compile(
    r"\b(?:pin|pinned|tag|version|upgrade|use)\b[^.\n]{0,30}?\b(?:to|at|:)?\s*[`\"']?"
    r"(?P<tag>v?\d+(?:\.\d+){1,3}(?:[-+][\w.-]+)?)[`\"']?",
    re.I,
)


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
    wiring.read_mounts(doc.text, c)  # a path read as a volume first is mounted from here
    secret_keys.read_secret_keys(doc, c)
    rbac.read_rbac(doc, c)
    _pinned_tag(text, c)
    commands.read_command(doc, c, focused=part)
    wiring.read_connections(doc, draft, c)


# named after its probe.
_NAMED_PROBES = re.compile(r"\bmatching\s+probes?\b|\bprobes?\s+of\s+the\s+same\s+names?\b", re.I)


def _probes(text: str, c: ComponentDraft) -> None:
    for span in re.split(r"(?<=[.!?])\s+|\n", text):
        if _NAMED_PROBES.search(span):
            for kind in ("readiness", "liveness", "startup"):
                path = re.search(rf"(?<![\w/.-])`?(/[\w/.-]*/?{kind})`?(?![\w/-])", span)
                if path and getattr(c, kind) is None:
                    setattr(c, kind, Probe(kind="http", path=path.group(1), port="", command=[]))
    # The path said first binds first: "`/ready` for readiness and `/live` for liveness".
    for match in [*_PROBE_BEFORE.finditer(text), *_PROBE.finditer(text)]:
        if negated(text, match.start()):
            continue
        port = match.groupdict().get("port") or ""
        path = next(
            (
                match.groupdict().get(g)
                for g in ("path", "path2", "path3", "path4", "path5")
                if match.groupdict().get(g)
            ),
            "",
        )
        probe = Probe(kind="http", path=path.rstrip(".,"), port=port, command=[])
        kinds = next(
            (
                match.groupdict().get(g)
                for g in ("kinds", "kinds2", "kinds3", "kinds4")
                if match.groupdict().get(g)
            ),
            "",
        ).lower()
        kinds = re.sub(r"\bready\b", "readiness", re.sub(r"\blive\b", "liveness", kinds))
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
    if match.group("value3"):
        said = match.group("value3")
        value = said if said.endswith("%") else str(to_int(said))
        c.disruption = (
            Disruption(min_available=value)
            if match.group("least")
            else Disruption(max_unavailable=value)
        )
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
    n = int(match.group("n") or match.group("n2") or match.group("n3"))
    unit = match.group("u") or match.group("u2") or match.group("u3")
    c.grace = n * 60 if unit.lower().startswith("m") else n


def _placement(text: str, c: ComponentDraft) -> None:
    for match in _SELECTOR.finditer(text):
        key = next(match.group(g) for g in ("k", "k2", "k3", "k4", "k5", "k6") if match.group(g))
        value = next(match.group(g) for g in ("v", "v2", "v3", "v4", "v5", "v6") if match.group(g))
        value = value.rstrip(".")
        taint = re.match(r"\s*:\s*(?:NoSchedule|PreferNoSchedule|NoExecute)", text[match.end() :])
        if value not in _EFFECTS and not taint:  # "control-plane:NoSchedule": a taint's
            c.node_selector.setdefault(key, value)
    for match in [
        *_TAINT_FIELDS.finditer(text),
        *_TAINT.finditer(text),
        *_TAINT_WRITTEN.finditer(text),
        *(
            m
            for m in _KEY_THEN_EFFECT.finditer(text)
            if re.search(
                r"\btolerat|\btaint", text[max(0, text.rfind("\n", 0, m.start())) : m.end()], re.I
            )
        ),
    ]:
        toleration = Toleration(
            key=match.group("key"),
            operator="Equal" if match.group("value") else "Exists",
            value=match.group("value") or "",
            effect=match.group("effect"),  # type: ignore[arg-type]
        )
        if toleration not in c.tolerations:
            c.tolerations.append(toleration)
    if _TOLERATE_ALL.search(text):
        everything = Toleration(operator="Exists")  # no key, no effect: every taint
        if everything not in c.tolerations:
            c.tolerations.append(everything)
    for match in _GPU.finditer(text):
        if negated(text, match.start()) or c.gpu:
            continue
        count = match.group("n") or match.group("m") or "1"
        c.gpu = to_int(count) or 1


def _zone(text: str) -> str:
    """The schedule's time zone: the one said to be the timeZone, else a Region/City one, else
    any ("nodes are UTC, so set the timeZone `Europe/Berlin`"), else a city's ("Helsinki time")."""
    zones = list(ZONE.finditer(text))
    labelled = [z for z in zones if _ZONE_LABEL.search(text[max(0, z.start() - 24) : z.start()])]
    regional = [z for z in zones if "/" in z.group(1)]
    chosen = next(iter(labelled or regional or zones), None)
    if chosen is not None:
        return chosen.group(1)
    cities = (m.group(1).replace(" ", "_") for m in _CITY_TIME.finditer(text))
    return next((zone for city in cities if (zone := _zones_by_city().get(city))), "")


_CITY_TIME = re.compile(r"\b([A-Z][a-z]+(?:[ _][A-Z][a-z]+)?) time\b")


@cache
def _zones_by_city() -> dict[str, str]:
    """Each IANA zone by its city ("Helsinki" → "Europe/Helsinki"), read from the system once."""
    by_city: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if "/" in zone:
            by_city.setdefault(zone.rsplit("/", 1)[-1], zone)
    return by_city


_ZONE_LABEL = re.compile(r"\btime\s?zone\s*[:=]?\s*(?:to\s+|of\s+|is\s+)?[`\"']?$", re.I)


def _cron(text: str, c: ComponentDraft) -> None:
    """Read the CronJob settings; in text that may precede the schedules ("They must never
    overlap" under a list of jobs), a time zone counts only beside words about schedules."""
    scheduled = bool(c.schedule or c.workload == "CronJob")
    zone = _zone(text) if scheduled or _SCHEDULE_WORDS.search(text) else ""
    if "/" in zone or zone in ("UTC", "GMT"):  # both are zones of the tz database as written
        c.cron.setdefault("time_zone", zone)
    policy = _CONCURRENCY.search(text)
    if policy:
        c.cron.setdefault("concurrency_policy", (policy.group("p") or "Forbid").capitalize())
    for history in _HISTORY.finditer(text):
        ok, failed = (
            history.group("a") or history.group("s") or history.group("s2"),
            history.group("b") or history.group("f") or history.group("f2"),
        )
        if ok:
            c.cron.setdefault("successful_jobs_history_limit", int(ok))
        if failed:
            c.cron.setdefault("failed_jobs_history_limit", int(failed))


def _hook(text: str, c: ComponentDraft) -> None:
    # "it has to be `post-install,post-upgrade`, not pre-install": the events said, not those
    # refused; they replace the default a one-shot compose service or a name was given
    said = [
        m
        for m in _HOOK.finditer(text)
        # "it can't be pre-install (...), so post-install and post-upgrade"
        if m.group("events")
        and not re.search(r"(?:\bnot|n't|\bnever)\s+(?:be\s+)?[`\"']?$", text[: m.start()], re.I)
    ]
    if c.hook and not (said and c.hook == "pre-install,pre-upgrade"):
        return
    match = said[0] if said else _HOOK.search(text)
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


_COMPOSE_VERSION = re.compile(r"[ \t]*version\s*:\s*[\"']?\d", re.I)


def _line_start(text: str, match: re.Match[str]) -> int:
    return text.rfind("\n", 0, match.start()) + 1


def _of_a_datastore(before: str) -> bool:
    clause = re.split(r"[.;]\s", before)[-1]
    return any(d.pattern.search(clause) for d in DEPENDENCIES)


def _pinned_tag(text: str, c: ComponentDraft) -> None:
    if c.image is None:
        return
    # A pasted compose file's "version: '2.1'" is its format, and "MariaDB ..., version 11.4"
    # the datastore's: neither is the app's version.
    match = next(
        (
            m
            for m in _PIN.finditer(text)
            if not _COMPOSE_VERSION.match(text, _line_start(text, m))
            and not _of_a_datastore(text[_line_start(text, m) : m.start()])
        ),
        None,
    )
    if match and (not c.image.tag or c.image.tag in ("latest", "stable", "release")):
        c.image = c.image.model_copy(update={"tag": match.group("tag")})
    elif match and re.search(r"\bpin", match.group(0), re.I):
        c.image = c.image.model_copy(update={"tag": match.group("tag")})
