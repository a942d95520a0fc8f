"""How a request refers to the components of an app: names, aliases, roles, counts, headings.

"immich-machine-learning" is also "machine learning" and "ML"; "hoppscotch-migrate" is also "the
migration"; "2 celery workers" counts the worker; "in scheduler and worker" states one fact for
both; "1. **web** - runs `gunicorn`" is a list item about web. ``segments`` uses these to cut a
request into the parts about each component.
"""

from __future__ import annotations

import re

from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.parts import NUMBERED_HEAD
from bot.tools.parsing.text import dns_name, to_int

# Words that name a further workload by its role, and the component name each one gets.
ROLE_NAMES: tuple[tuple[str, str], ...] = (
    (r"(?:celery |sidekiq |rq |queue |background |async |job )?workers?", "worker"),
    (r"(?:celery )?beat|scheduler|clock", "scheduler"),
    (r"migrations?|migrate|db migrations?|database migrations?", "migrate"),
    (r"front[\s-]?end|ui|web ui", "frontend"),
    (r"back[\s-]?end", "backend"),
)
ROLE_PATTERNS = {name: pattern for pattern, name in ROLE_NAMES}
_ROLE_WORDS = {
    name: re.compile(rf"(?<![\w./:@`-])(?:{pattern})(?![\w/@`-])", re.I)
    for name, pattern in ROLE_PATTERNS.items()
}


# "the four workers", "each worker": every part of that role, when several have it
_EVERY_ONE = {
    name: re.compile(
        rf"(?<![\w./:@`-])(?:{pattern})s(?![\w/@`-])|\b(?:each|every|all(?:\s+of)?(?:\s+the)?)\s+"
        rf"(?:{pattern})s?(?![\w/@`-])",
        re.I,
    )
    for name, pattern in ROLE_PATTERNS.items()
}


def role_name(text: str) -> str:
    """Return the component name a role phrase stands for ('a celery worker' -> worker): the
    role of its last role word ('a beat scheduler' -> scheduler); Celery's beat keeps its own
    name ('celery beat' -> beat), and is still the scheduler's role when named otherwise."""
    found = [
        (m.end(), name, m.group(0))
        for pattern, name in ROLE_NAMES
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.I)
    ]
    if not found:
        return ""
    _, name, said = max(found)
    return "beat" if said.lower().endswith("beat") else name


def _role_group(role: str) -> str:
    return "scheduler" if role == "beat" else role


def aliases(name: str) -> list[str]:
    """How a request refers to a component: its name, spaced, the parts after its app prefix
    (immich-machine-learning: "machine learning"), or their initials ("ML")."""
    parts = name.split("-")
    spelled = [name, " ".join(parts), "_".join(parts)]
    if len(parts) == 1 and len(name) >= 8:
        # "apiserver" is "the API server", "taskworker" "the task worker".
        spelled += [f"{name[:i]} {name[i:]}" for i in range(3, len(name) - 2)]
    flavour = re.fullmatch(r"(?P<program>[a-z]{5,}?)(?:[-_]ng|(?<![aeiou])ng)", name)
    if flavour:
        spelled.append(flavour.group("program"))  # "syslog" is the syslog-ng part
    for i in range(1, len(parts)):
        tail = parts[i:]
        if tail in (["service"], ["svc"]):
            continue  # "app-service" beside "worker-service": "the services" names neither
        if len("".join(tail)) > 2:
            spelled += ["-".join(tail), " ".join(tail)]
        if len(tail) >= 2:
            spelled.append("".join(p[0] for p in tail))
    return list(dict.fromkeys(spelled))


def alias_pattern(name: str, exclude: set[str] | frozenset[str] = frozenset()) -> str:
    """A regex alternation of the ways a request writes a component's name; ``exclude`` are
    other components' names, which are theirs and not this one's short forms."""
    spelled = {re.sub(r"[\s_-]+", " ", a).strip() for a in aliases(name)} - set(exclude)
    spelled.add(re.sub(r"[\s_-]+", " ", name))
    return "|".join(
        r"[\s_-]?".join(re.escape(w) for w in a.split(" "))
        for a in sorted(spelled, key=len, reverse=True)
    )


# "class nginx", "ingressClassName: nginx": the ingress controller, not a workload of that name.
_INGRESS_CLASS = re.compile(r"\bclass(?:\s?name)?\s*[:=]?\s*[`\"']?\s*$", re.I)


# "The API signing secret", "the web token": a credential named after a part, not the part.
_CREDENTIAL_AFTER = re.compile(
    r"\s+(?:signing\s+)?(?:keys?|tokens?|secrets?|credentials?|passwords?)\b", re.I
)


def mentions(line: str, names: list[str]) -> list[str]:
    """Return the known component names ``line`` mentions as words (not inside hosts/paths);
    the one component with a role ("hoppscotch-migrate") is also named by the role's words
    ("the migration")."""
    found = []
    roles = [_role_group(role_name(n.replace("-", " "))) for n in names]
    spans: dict[str, list[tuple[int, int]]] = {}
    # "runs `pg_dump -f /backups/nakama.dump nakama`": a command's arguments name no part
    commands = [m.span() for m in re.finditer(r"`[^`\n]+`", line) if re.search(r"[\s/]", m.group())]
    for name, role in zip(names, roles, strict=True):
        # "api" beside "rag-api": the word "api" is the api's own, "RAG API" the other's.
        others = {re.sub(r"[\s_-]+", " ", n) for n in names if n != name}
        pattern = alias_pattern(name, exclude=others)
        at = [
            m.span()
            for m in re.finditer(rf"(?<![\w./:@=-])(?:{pattern})s?(?![\w/@]|\.\w|-\w)", line, re.I)
            if not _INGRESS_CLASS.search(line, 0, m.start())
            and not re.match(r"[`\"']?\s+ingress\b", line[m.end() :], re.I)
            and not _CREDENTIAL_AFTER.match(line, m.end())
            # its first word is the part's own program ("`query --http-address=...`")
            and not any(a + 1 < m.start() and m.end() < b for a, b in commands)
        ]
        if at:
            found.append(name)
            spans[name] = at
        elif role and roles.count(role) == 1 and _ROLE_WORDS[role].search(line):
            found.append(name)
        elif role and roles.count(role) >= 2 and _EVERY_ONE[role].search(line):
            found.append(name)  # "the four workers", "each worker": worker-a to worker-d
    return [
        name
        for name in found
        if name not in spans
        or not all(
            any(
                a <= s and e <= b and (a, b) != (s, e)
                for o in spans
                if o != name
                for a, b in spans[o]
            )
            for s, e in spans[name]
        )
    ]


_COUNT = re.compile(
    r"^\W*(?:exactly\s+|just\s+|only\s+)?(?P<n>\d+|one|two|three|four|five|six|eight|ten)\s+"
    r"(?:[a-z]+\s+){0,2}?(?P<word>[a-z][\w-]*)",
    re.I,
)


def count_of(text: str, name: str) -> int | None:
    """Return N when a clause says "2 celery workers" / "exactly one beat" of a component."""
    stays = re.match(
        rf"\W*(?:the\s+)?`?(?:{alias_pattern(name)})`?\s+(?:must|should|has\s+to)\s+"
        r"(?:stay|remain|be|run)\s+at\s+exactly\s+(?P<n>\d+|one|two|three)\b",
        text,
        re.I,
    )
    if stays:
        return to_int(stays.group("n"))  # "celerybeat must stay at exactly 1"
    match = _COUNT.match(text)
    if not match:
        return None
    # The name may follow up to two words ("2 celery workers", "3 background job workers").
    # "Two services: frontend ...": a colon ends what is counted.
    counted = re.split(r"[:;,(\u2014\u2013]|\s-\s", text[match.end("n") :], maxsplit=1)[0]
    words = re.findall(r"[a-z][\w-]*", counted, re.I)[:3]
    spelled = {a.lower().rstrip("s") for a in aliases(name) if " " not in a}
    if any(w.lower().rstrip("s") in spelled for w in words):
        return to_int(match.group("n"))
    return None


def restricted(line: str, names: list[str], least: int = 1) -> bool:
    """Say whether a line states its fact for the components it lists ("in scheduler and
    worker"), ``least`` of them at least."""
    # "the migration job" is the migrate one when no other workload has that role
    roles = [_role_group(role_name(n.replace("-", " "))) for n in names]
    said = [
        alias_pattern(n) + (f"|{ROLE_PATTERNS[role]}" if role and roles.count(role) >= 1 else "")
        for n, role in zip(names, roles, strict=True)
    ]
    shared = {r for r in roles if r and roles.count(r) >= 2}
    if any(_EVERY_ONE[r].search(line) for r in shared if roles.count(r) >= least):
        return True  # "Each worker should request 500m CPU": said for every one of them
    alternatives = "|".join(said)
    more = "+" if least > 1 else "*"
    one = (
        # "the four workers" (a count after "the"; "1 worker" is a replica count)
        rf"(?:(?<=the\s)(?:two|three|four|five|six|\d)\s+)?`?(?:{alternatives})s?`?"
        r"(?:\s+(?:app|one|pod|process|container|job|worker)(?!\w))?"
    )
    # "for the app and for the migration job": the preposition may come again
    listed = rf"{one}(?:\s*(?:,|and|&|\+|/)\s*(?:(?:for|in|to)\s+)?(?:the\s+)?{one}){more}"
    return bool(
        re.search(
            rf"\b(?:in|for|on|to|by|of|both|pin|bump|give|between|across)\s+(?:the\s+)?(?:both\s+)?"
            rf"{listed}(?!\w)",
            line,
            re.I,
        )
        # "..., key `password` (web + worker)": said for those in brackets
        # "(app-service and worker-service both need all three)"
        or re.search(
            rf"\(\s*(?:for\s+)?{listed}(?:\s+(?:both|all)\s+need[^()\n]*)?\s*\)", line, re.I
        )
        # "The webserver and the daemon both use our image"
        # "The web and taskworker pods share /data"
        # "Storage is the part I got wrong: the web app and sidekiq share ..."
        or re.search(
            # "**channels / hocuspocus**: both listen on 5000"
            # "... under keys of the same name - uwsgi, celeryworker and celerybeat all need them"
            rf"(?:^|[:;]\s*|\s[-\u2014\u2013]\s+)\W*(?:the\s+)?{listed}[*_]*\s*:?\s+(?:(?:pods?|deployments?|containers?|workloads?|"
            r"processes|services?)\s+)?(?:both|all|each|also|share|need|use|get|mount|read)\b",
            line,
            re.I,
        )
    )


def for_each(line: str, names: list[str]) -> bool:
    """Say whether a line states one fact for several components ("in scheduler and worker")."""
    return restricted(line, names, least=2)


_HEAD_NAME = re.compile(
    r"^[ \t]*(?:#{2,6}[ \t]+|(?:[-*+\u2022]|\d+[.)])[ \t]+)?(?:\*\*|__|`)?"
    # "- the web app: ..." is about the web
    r"(?:the[ \t]+(?=[A-Za-z][\w.-]{0,40}[ \t]+(?:app|application|process|service|pod|"
    r"container|workload)\b))?"
    r"(?P<name>[A-Za-z][\w.-]{0,40}?)(?:\*\*|__|`)?"
    r"(?:[ \t]+(?:app|application|process|service|pod|container|workload)(?=[ \t]*(?::|\(|$)))?"
    r"(?:[ \t]*\((?P<note>[^)\n]{0,60})\)(?:\*\*|__)?)?[ \t]*(?P<sep>:|\s[-\u2014\u2013]\s|$|"
    # "- `close-surveys`, schedule `0 0 * * *`, command:": a name in code, its facts after a comma
    r"(?<=`),|"
    # "- `worker` is the same image but with the command `x`", "- `web` runs `image`"
    r"(?<=`)[ \t]+(?=(?:runs|is|uses|listens)\b))"
)


NOT_COMPONENTS = frozenset(
    {
        "image",
        "images",
        "port",
        "ports",
        "env",
        "environment",
        "args",
        "arguments",
        "command",
        "cmd",
        "entrypoint",
        "note",
        "notes",
        "ingress",
        "routing",
        "storage",
        "resources",
        "database",
        "secrets",
        "secret",
        "config",
        "tls",
        "https",
        "dns",
        "domain",
        "host",
        "hosts",
        "name",
        "service",
        "services",
        "components",
        "context",
        "background",
        "requirements",
        "summary",
        "description",
        "deployment",
        "networking",
        "monitoring",
        "metrics",
        "observability",
        "host-paths",
        "paths",
        "mounts",
        "env-vars",
        "variables",
        "logs",
        "logging",
        "security",
        "replicas",
        "scaling",
        "autoscaling",
        "hpa",
        "pdb",
        "poddisruptionbudget",
        "pod-disruption-budget",
        "disruption-budget",
        "limits",
        "requests",
        "rbac",
        "tolerations",
        "nodeselector",
        "node-selector",
        "affinity",
        "scheduling",
        "availability",
        "networkpolicy",
        "configmap",
        "health",
        "probes",
        "volumes",
        "persistence",
        "redis",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "cache",
        "broker",
        "the",
        "a",
        "an",
        "and",
        "ticket",
        "update",
        "new",
        "edit",
        "why",
        "what",
        "how",
        "todo",
        "e.g",
        "eg",
        "ps",
        "p.s",
    }
)


# "Celery worker: same image, ...", "Migrations: a Job with ...": a paragraph led by a role.
_ROLE_HEAD = re.compile(
    r"^[ \t]*(?:#{2,6}[ \t]+|(?:[-*+\u2022]|\d+[.)])[ \t]+)?(?:[A-Za-z]+[ \t]+)?"
    r"(?P<role>workers?|beat|scheduler|migrations?)[ \t]*:[ \t]*\S",
    re.I,
)

# "## Scheduler" (or "【スケジューラ】", "Scheduler:") over the facts of that workload.
_ROLE_TITLE = re.compile(
    r"^[ \t]*(?:#{2,6}[ \t]+)?(?:[A-Za-z]+[ \t]+)?"
    r"(?P<role>workers?|beat|scheduler|migrations?|cron)[ \t]*:?[ \t]*$",
    re.I,
)


# A heading in words with the part's name (and kind) in code after it: "Application
# (`mobilizon`)", "Media cleanup (CronJob `clean-orphan-media`)".
TITLED_NAME = re.compile(
    r"^[ \t#*_]*[A-Za-z\u00c0-\u024f][^\n()`]{0,60}?\(\s*(?:(?:cron\s?job|job|deployment|"
    r"statefulset|daemonset|component|workload)\s+|"
    # "**Server** (I'd call the component `server`)", "(call it `web`)", "(named `api`)"
    r"(?:[\w']+\s+){0,3}?(?:call(?:ed)?|name[ds]?)\s+(?:it\s+|the\s+(?:component|workload)\s+)?)?"
    r"`(?P<name>[a-z][\w-]{0,40})`\s*\)[ \t*_]*:?[ \t]*$",
    re.I,
)


def head_component(line: str, known: list[str], listing: bool) -> str:
    """Return the component a heading or list item is about ('' if it is about none)."""
    role = _ROLE_HEAD.match(line) or _ROLE_TITLE.match(line)
    declined = r"\s*(?:none|n/?a\b|not\s+(?:needed|required|necessary|wanted)|no\s*[.!]?\s*$)"
    if role and not re.match(declined, line[role.end() - 1 :], re.I):
        said = mentions(line[: role.end("role")], known)  # "worker:" for langfuse-worker
        # "**Cron**" over a list: a workload called cron, whatever kind the list says it is
        return (
            said[0]
            if len(said) == 1
            else role_name(role.group("role")) or role.group("role").lower()
        )
    titled = TITLED_NAME.match(line)
    if titled and not any(d.pattern.search(titled.group("name")) for d in DEPENDENCIES):
        name = dns_name(titled.group("name"), 30)
        if name and name not in NOT_COMPONENTS:
            return name  # "**Limpeza de mídia (CronJob `clean-orphan-media`)**": named in code
    numbered = NUMBERED_HEAD.match(line)
    if numbered and dns_name(numbered.group("name"), 30) not in NOT_COMPONENTS:
        marked = re.search(rf"(?:`|\*\*|__){re.escape(numbered.group('name'))}", line)
        said_more = bool(re.search(r"\)?[ \t]*:[ \t]*\S", line[numbered.end("name") :]))
        # "Workload: Kind: DaemonSet, ...": a form's heading over its first label, no name
        if marked or not said_more:
            return dns_name(numbered.group("name"), 30)
    match = _HEAD_NAME.match(line)
    if not match:
        return ""
    raw = match.group("name").strip(".")
    name = dns_name(raw, 30)
    # "**secrets** — Deployment, 1 replica": a word that names no part elsewhere, given a kind
    # ("workload: StatefulSet" is a form's label and its answer)
    kind_said = re.match(
        r"\s*[*_`]*\s*(?:[-\u2014\u2013]\s*|\()\s*(?:a\s+|an\s+)?"
        r"(?:deployment|statefulset|daemonset|cron\s?job|job)\b",
        line[match.end("name") :],
        re.I,
    )
    if not name or (raw.lower() in NOT_COMPONENTS or name in NOT_COMPONENTS) and not kind_said:
        return ""
    if name in known:
        return name
    if raw.isupper() and "_" in raw:
        return ""
    if re.match(r"\s*`?[\w.-]+`?\s*(?:→|->|=>)\s*`?[A-Z][A-Z0-9_]+", line[match.end() :]):
        return ""  # "- `app-secrets`: `jwt-secret` → `JWT_SECRET`, ...": a Secret's keys
    decorated = bool(
        re.match(r"^[ \t]*(?:#{2,6}[ \t]+|(?:[-*+\u2022]|\d+[.)])[ \t]+)", line)
    ) or bool(re.match(r"^[ \t]*(?:\*\*|__|`)", line))
    # "**frontend** — image ..." arrives normalised as "frontend - image ...": a definition.
    decorated = decorated or match.group("sep").strip() in ("-", "\u2014", "\u2013")
    rest = line[match.end() :]
    quoted = re.findall(r"`([^`\n]+)`", rest)
    # "- **celeryworker**: `/entrypoint-celery-worker.sh`": a script or program it runs
    program = re.match(r"\s*`/[\w./-]*(?:\.(?:sh|py|js|rb|pl)|/s?bin/[\w.-]+)`", rest)
    workload_words = (
        bool(program)
        or any(
            re.search(r"[\s:/]", q)
            and not q.startswith("/")
            and not re.fullmatch(r"[A-Za-z][\w.]*:\s*\S+", q)  # "`failedJobsHistoryLimit: 3`"
            for q in quoted
        )
        or bool(
            re.search(
                r"\b(?:runs?|running|listens?|port|image|replicas?|command|cron(?:\s?jobs?)?|every|job|hook|"
                r"deployment|daemonset|statefulset|start(?:s|ed)?\s+with|workers?|consumer|hpa|server)\b|"
                r"\bon\s+(?:port\s+)?\d{2,5}\b",
                re.sub(r"`[^`\n]*`", " ", rest),
                re.I,
            )
        )
    )
    in_code = re.match(r"^[ \t]*(?:(?:[-*+\u2022]|\d+[.)])[ \t]+)?`", line)
    if in_code and re.match(
        r"\s*(?:an?\s+)?(?:[\w-]+\s+)?(?:cron\s?job|job|deployment|statefulset|daemonset)\b",
        rest,
        re.I,
    ):
        return name  # "- `reminders`: a CronJob that calls the app ...": it says what it is
    if decorated and kind_said:
        return name  # "**nodes** — DaemonSet, control-plane nodes only"
    if in_code and match.group("sep") == "," and workload_words:
        return name  # "- `close-surveys`, schedule `0 0 * * *`, command:"
    bulleted = re.match(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+`", line)
    if bulleted and match.group("sep").isspace() and workload_words:
        return name  # "- `worker` is the same image but with the command `bundle exec x`"
    named = mentions(rest, known)
    if named and restricted(rest, named):
        return ""  # "- DAGs: the ConfigMap ... mounted in scheduler and worker": about those
    if listing and decorated and workload_words:
        return name
    # "**Archiver (CronJob)**", "## Mailer (worker)": a heading that says what kind it is.
    alone = match.group("sep") == "" and not rest.strip()
    if (decorated or alone) and _KIND_NOTE.search(match.group("note") or ""):
        return name
    called = _CALLED.search(match.group("note") or "")
    if called:
        # "**main** (call it `main`)" above the list of its facts; "**daemon** (component
        # `daemon`): the same image, running ..."
        return dns_name(called.group("name"), 30) or name
    return ""


def noted_kind(line: str) -> bool:
    """Whether a heading says in parentheses what kind of workload it is ("Archiver (CronJob)")."""
    match = _HEAD_NAME.match(line)
    return bool(match and _KIND_NOTE.search(match.group("note") or ""))


_CALLED = re.compile(
    r"^\s*(?:(?:call|name)\s+it|component(?:\s+name)?\s*:?)\s+`?(?P<name>[a-z][\w-]*)`?\s*$", re.I
)
_KIND_NOTE = re.compile(
    r"^\s*(?:a\s+)?(?:cron\s?job|job|deployment|statefulset|daemonset|worker|scheduler|"
    r"consumer|migration|hook)s?\s*$",
    re.I,
)
