"""Labelled answers: "Image: ghcr.io/acme/api:1.2", "- port: 8080", "### Replicas" + "2-10".

A label tells what its value is, so a value can be read more directly than prose: "3000" under
"Port" is a port, "go" under "Language" is Go. Each label maps to one fact family; a label that
maps to nothing leaves its text to the prose reader.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from bot.tools.models import Probe, WorkloadKind
from bot.tools.parsing import access, hosts, ingress, network, resources, stack, storage, workloads
from bot.tools.parsing.draft import RANK_LABEL, Draft
from bot.tools.parsing.images import find_images, parse_image
from bot.tools.parsing.quantities import SIZE, find_replicas, size_quantity
from bot.tools.parsing.schedule import cron_error, find_schedule
from bot.tools.parsing.settings import read_env
from bot.tools.parsing.text import ENV_VAR, Doc, dns_name

Handler = Callable[[str, str, Draft], None]

_YES = re.compile(r"^\s*(?:yes|y|true|on|enabled?|required|please|needed|https)\b", re.I)
_NO = re.compile(r"^\s*(?:no|n|false|off|disabled?|none|not needed|not required|n/a)\b", re.I)


def _name(label: str, value: str, draft: Draft) -> None:
    if re.match(r"\s*`?(?:ClusterIP|NodePort|LoadBalancer|headless)\b", value, re.I):
        _service_type(label, value, draft)  # "- Service: ClusterIP, port 80 → 8080": its type
        return
    # "CryptPad (https://github.com/cryptpad/cryptpad)": the name, then where it comes from
    value = re.split(r"\s*[(,;]|\s+https?://|\s[-\u2014\u2013]\s", value, maxsplit=1)[0].strip()
    if value and len(value.split()) <= 4 and not re.search(r"[`/:]", value):
        draft.set_name(value, RANK_LABEL)


def _image(label: str, value: str, draft: Draft) -> None:
    token = value.split()[0] if value.split() else ""
    if re.search(r"<[^<>]*>|\{[^{}]*\}", token):
        return  # "`drakkan/sftpgo:<tag>`" from docs: a pattern, the request pins one elsewhere
    if token[:1].isupper() and not re.search(r"[/:@]", token):
        return  # "## Image reference" over a table of "Port 8080 | ...": a word, no image
    image = parse_image(token)
    if image is None:
        draft.invalid(f"image '{token}' is not a valid image reference")
        return
    draft.target.image = draft.target.image or image  # the prose names the app after it


_PORT_LINE = re.compile(
    # the list's marks may be gone already ("Ports:" over "- 3000: web", read as its value)
    r"^\s*(?:(?:[-*+]|\d+[.)])\s*(\d{1,5}(?:/(?:tcp|udp))?)\b\s*[-:]?|(\d{1,5}(?:/(?:tcp|udp))?)\s*[-:])"
    r"\s*([^(\n]*)",
    re.I | re.M,
)


def _ports(label: str, value: str, draft: Draft) -> None:
    # "- 1883 - MQTT" per line: the list the port reader knows ("1883 (MQTT), 9001 (...)").
    listed = [
        f"{m.group(1) or m.group(2)} ({m.group(3).strip()[:30]})"
        if m.group(3).strip()
        else m.group(1) or m.group(2)
        for m in _PORT_LINE.finditer(value)
    ]
    network.read_ports(Doc(f"ports {', '.join(listed) if listed else value}"), draft)


def _replicas(label: str, value: str, draft: Draft) -> None:
    text = value if re.search(r"replica|pod|instance", value, re.I) else f"{value} replicas"
    found = find_replicas(text)
    lead = re.match(r"\s*(\d{1,3})\s+(?:workers?|copies|members|instances|pods)\b", value, re.I)
    if found.low is None and found.high is None and lead:
        found.low = found.high = int(lead.group(1))  # "### Replicas: 3 workers. PDB ..."
    draft.target.set_replicas(found.low, found.high)


def _hosts(label: str, value: str, draft: Draft) -> None:
    if _NO.match(value):
        return
    found = False
    for token in re.split(r"[,\s]+", value):
        token = token.strip("`\"'<>()[]")
        if token.lower().startswith("https://"):
            draft.tls = True if draft.tls is None else draft.tls
        host = re.sub(r"^[a-z]+://", "", token, flags=re.I)
        if not hosts.hostlike(host.split("/")[0]):
            continue
        found = True
        draft.add_host(host.split("/")[0])
        if "/" in host and not draft.path:
            draft.path = "/" + host.split("/", 1)[1].rstrip("/")
    if not found:
        ingress.read_ingress(Doc(f"{label}: {value}"), draft)


def _tls(label: str, value: str, draft: Draft) -> None:
    if _NO.match(value):
        draft.tls = False
    elif _YES.match(value) or value:
        draft.tls = True
        ingress.read_ingress(Doc(value), draft)


def _ingress_class(label: str, value: str, draft: Draft) -> None:
    if value.split():
        draft.class_name = draft.class_name or dns_name(value.split()[0], 63)


def _issuer(label: str, value: str, draft: Draft) -> None:
    if value.split() and not _NO.match(value):
        draft.issuer = draft.issuer or dns_name(value.split()[0], 63)
        draft.tls = True if draft.tls is None else draft.tls


def _stack(label: str, value: str, draft: Draft) -> None:
    stack.read_stack(Doc(value), draft, labelled=True)


def _dependencies(label: str, value: str, draft: Draft) -> None:
    stack.read_dependencies(Doc(value), draft)


def _env(label: str, value: str, draft: Draft) -> None:
    if re.fullmatch(
        r"\s*(?:(?:dev|development|staging|stage|prod|production)[\s,/&+and]*)+", value, re.I
    ):
        access.read_environments(Doc(f"environments: {value}"), draft)
        return
    read_env(Doc(value), draft, env_section=True)


def _secrets(label: str, value: str, draft: Draft) -> None:
    words = re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", " ", value))
    if len(words) > 5 or re.search(
        r"\b(?:in|from)\s+(?:the\s+)?(?:existing\s+)?secret\b", value, re.I
    ):
        return  # sentences: the prose reader pairs each variable with its Secret and key
    doc = Doc(value)
    read_env(doc, draft, env_section=True)
    for token in re.findall(r"(?<![\w-])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+(?![\w-])", doc.masked):
        if not re.search(r"\b(?:secret|from|named|called)\s+$", doc.masked.split(token)[0]):
            draft.target.add_secret(token.upper().replace("-", "_"))


def _secret_value(label: str, value: str, draft: Draft) -> None:
    if re.search(rf"(?<![\w$]){ENV_VAR}(?!\w)", value):
        return  # "Admin password: `ADMIN_USER_PASS` from ...": the variable is named, read as prose
    words = re.findall(r"[A-Za-z0-9]+", label)
    draft.target.add_secret("_".join(w.upper() for w in words))


def _health(label: str, value: str, draft: Draft) -> None:
    path = re.search(r"(?<![\w.])/[\w./-]*", value)
    if _NO.match(value):
        draft.target.health = Probe(kind="none", path="/", port="", command=[])
    elif path and not re.search(r"\b(?:grpc|tcp)\b", value, re.I):
        path_text = path.group(0).rstrip(".")
        draft.target.health = draft.target.health or Probe(
            kind="http", path=path_text, port="", command=[]
        )
    else:
        network.read_health(Doc(f"health check {value}"), draft)


def _resources(label: str, value: str, draft: Draft) -> None:
    doc = Doc(f"{label}: {value}")
    resources.read_resources(doc, draft)
    size = SIZE.search(value)
    if (
        size
        and not draft.target.memory
        and not re.search(r"storage|disk|volume|limit", label, re.I)
        and not re.search(r"\blimits?\b", value[: size.start()], re.I)
    ):
        draft.target.memory = size_quantity(size.group("n"), size.group("u"))


def _storage(label: str, value: str, draft: Draft) -> None:
    if _NO.match(value):
        return
    doc = Doc(f"persistent volume {value}")
    sizes = resources.read_resources(doc, draft)
    storage.read_volumes(doc, draft, sizes)


def _schedule(label: str, value: str, draft: Draft) -> None:
    if _NO.match(value) or not value.strip():
        return
    if re.search(r"\b(?:an?|one|another)\s+(?:\w+\s+){0,3}?(?:cron\s?jobs?|jobs?)\b", value, re.I):
        return  # "### Scheduled jobs: A CronJob `purge` that runs ...": a workload of its own
    if find_images(value):
        return  # "- cron: `phpipam/phpipam-cron:v1.6.0`, ...": a workload called cron
    found = find_schedule(value, job_context=True)
    if found.invalid:
        draft.invalid(f"schedule {found.invalid}")
    elif found.cron:
        draft.target.set_schedule(found.cron, True)
        for note in found.notes:
            draft.note(note)
    else:
        raw = value.strip().strip("`\"'")
        draft.target.schedule = draft.target.schedule or raw
        if cron_error(raw):
            draft.invalid(
                f"schedule '{raw}' is neither cron syntax nor a phrase like 'every day at 3am'"
            )
    draft.target.workload = draft.target.workload or "CronJob"


_KIND_WORDS: tuple[tuple[WorkloadKind, str], ...] = (
    ("StatefulSet", r"stateful"),
    ("CronJob", r"\bcron|\bschedul|\bperiodic"),  # not the "NoSchedule" of a taint
    ("DaemonSet", r"daemon|per node|every node|node agent"),
    ("Job", r"\bjob\b|one[\s-]?off|batch|run once"),
    ("Deployment", r"deployment|long[\s-]running|web|api|service|server|worker"),
)
_TYPE_WORDS = (
    ("frontend", r"frontend|static|spa"),
    ("api", r"\bapi\b|rest|grpc|backend"),
    ("web", r"\bweb\b|website"),
    ("worker", r"worker|consumer|queue"),
    ("job", r"\bjob\b|batch|cron"),
    ("daemon", r"daemon|agent"),
    ("database", r"database|datastore"),
)


def _workload(label: str, value: str, draft: Draft) -> None:
    # A section of settings ("Kind: DaemonSet", "Scheduling: every node"): its kind line speaks.
    said = re.search(
        r"^[ \t]*(?:[-*+][ \t]+)?(?:kind|workload|type)[ \t]*:[ \t]*(.+)$", value, re.I | re.M
    )
    value = said.group(1) if said else value.strip().split("\n", 1)[0]
    named = re.search(r"\bnamed?\s*[:=]?\s*[`\"']?([a-z][a-z0-9-]{0,50})", value, re.I)
    if named:  # "DaemonSet, name `alloy`"
        draft.set_name(named.group(1), RANK_LABEL)
    # The kind said first: "DaemonSet - one per node, ... (a NoSchedule taint)".
    said_kinds = [
        (m.start(), kind) for kind, pattern in _KIND_WORDS if (m := re.search(pattern, value, re.I))
    ]
    if said_kinds:
        draft.target.workload = draft.target.workload or min(said_kinds)[1]
    for app_type, pattern in _TYPE_WORDS:
        if re.search(pattern, value, re.I):
            draft.target.app_type = draft.target.app_type or app_type
            break


def _sidecars(label: str, value: str, draft: Draft) -> None:
    for line in re.split(r"\n|;", value):
        if line.strip() and not _NO.match(line):
            doc = Doc(f"{line.strip()} sidecar")
            images = find_images(doc.masked)
            workloads.read_sidecars(doc, draft, images, set())


def _init(label: str, value: str, draft: Draft) -> None:
    for line in re.split(r"\n|;", value):
        if line.strip() and not _NO.match(line):
            doc = Doc(f"init container image {line.strip()}")
            workloads.read_init_containers(doc, draft, find_images(doc.masked), set())


def _split_command(value: str) -> list[str]:
    value = value.strip().strip("`")
    if value.startswith("[") and value.endswith("]"):
        return [v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip()]
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


def _command(label: str, value: str, draft: Draft) -> None:
    draft.target.command = draft.target.command or _split_command(value)


def _args(label: str, value: str, draft: Draft) -> None:
    draft.target.args = draft.target.args or _split_command(value)


def _environments(label: str, value: str, draft: Draft) -> None:
    access.read_environments(Doc(f"environments: {value}"), draft)


def _description(label: str, value: str, draft: Draft) -> None:
    draft.description = draft.description or " ".join(value.split())[:300]


def _service_type(label: str, value: str, draft: Draft) -> None:
    low = value.lower().replace(" ", "")
    for word, kind in (
        ("loadbalancer", "LoadBalancer"),
        ("nodeport", "NodePort"),
        ("clusterip", "ClusterIP"),
        ("internal", "ClusterIP"),
    ):
        if word in low:
            draft.target.service_type = draft.target.service_type or kind
            return


# Order matters: the first pattern that matches the label wins ("Service name" is a name,
# "Service type" a service type, "Ingress class" a class before "Ingress" a host).
FIELDS: tuple[tuple[str, re.Pattern[str], Handler], ...] = tuple(
    (key, re.compile(pattern, re.I), handler)
    for key, pattern, handler in (
        (
            "name",
            r"^(?:(?:service|app|application|project|chart|release|component)\s+)?name$|"
            r"^name of (?:the )?(?:service|app|application)$|^(?:service|app|application|"
            r"project)$",
            _name,
        ),
        ("service_type", r"service type|exposure|how .*expos", _service_type),
        (
            "secret_value",
            r"^(?:[\w-]+\s+)*(?:password|passwd|token|api key|private key)$",
            _secret_value,
        ),
        ("image", r"\bimage\b", _image),
        ("ports", r"\bports?\b", _ports),
        ("replicas", r"replica|scaling|autoscal|instances|\bhpa\b|\bpods\b", _replicas),
        ("ingress_class", r"ingress class|class ?name|ingress controller", _ingress_class),
        ("issuer", r"issuer|cert-manager", _issuer),
        ("tls", r"^(?:tls|https|ssl|tls / https|https / tls)\b", _tls),
        (
            "hosts",
            r"^(?!.*host\s?(?:paths?|access|mounts?|network|pid|ipc))(?:.*(?:host|domain|\burl\b|ingress|fqdn|dns))",
            _hosts,
        ),
        ("stack", r"language|framework|runtime|stack|technolog", _stack),
        ("secrets", r"secret|credential", _secrets),
        ("environments", r"^(?:target )?environments$|^stages$|deploy(?:ed)? to", _environments),
        (
            "env",
            r"environment variables?|env(?:ironment)? vars?|^env$|^environment$|"
            r"configuration|config values",
            _env,
        ),
        (
            "dependencies",
            r"depend|database|backing|datastore|data store|cache|broker|"
            r"services? (?:needed|used)",
            _dependencies,
        ),
        ("health", r"health|probe|liveness|readiness", _health),
        ("resources", r"\bcpu\b|memory|resources?|limits|requests", _resources),
        ("storage", r"storage|volume|persist|disk|pvc", _storage),
        # "Cron mode" over a docs paragraph is a heading, not the job's schedule
        ("schedule", r"\bschedule\b|\bcron\b(?!\s+mode)|frequency|how often", _schedule),
        ("sidecars", r"sidecar", _sidecars),
        ("init", r"\binit\b|initialization|before start", _init),
        ("workload", r"workload|kind|type", _workload),
        ("command", r"command|entrypoint|what (?:should|does|will) it run|run command", _command),
        ("args", r"^args$|arguments", _args),
        ("description", r"description|summary|what does|overview|purpose|about", _description),
    )
)


def field_for(label: str) -> tuple[str, Handler] | None:
    """Return the fact family a label names, or None for a label the parser does not know."""
    clean = re.sub(r"\(.*?\)|[*_`:?]", " ", label)
    clean = " ".join(clean.split()).strip().lower()
    if not clean or re.fullmatch(r"[A-Z][A-Z0-9_]+", label.strip()):
        return None
    if re.search(r"\bshared\s+(?:by|between|with)\b|\bcommon\s+to\b", clean):
        return None  # "Settings shared by web and cron:" introduces a list for workloads
    for key, pattern, handler in FIELDS:
        if pattern.search(clean):
            return key, handler
    return None


def apply_field(label: str, value: str, draft: Draft) -> bool:
    """Read ``value`` as the fact ``label`` names; return False when the label is unknown."""
    known = field_for(label)
    if known is None:
        return False
    value = value.strip()
    if value:
        known[1](label, value, draft)
    return True
