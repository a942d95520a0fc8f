"""Read a request written as prose, bullets or terse one-liners, fact family by fact family.

Order matters: environment assignments and image references are understood (and blanked) first
so that their values are not read again as ports or hosts; the network facts come before the
workload kind, because a service with a port is not a CronJob even if it mentions "nightly";
the name comes last, once the image and the stack are known.
"""

from __future__ import annotations

import re

from bot.tools.parsing import access, details, network, stack, storage, workloads
from bot.tools.parsing.datastore_facts import read_datastore_facts
from bot.tools.parsing.draft import RANK_EXPLICIT, RANK_IMAGE, RANK_PATTERN, RANK_WEAK, Draft
from bot.tools.parsing.images import Found, find_images
from bot.tools.parsing.lexicon import DEPENDENCIES, NOT_NAMES, SIDECARS
from bot.tools.parsing.quantities import find_replicas
from bot.tools.parsing.secrets import REDACTED, is_secret_name
from bot.tools.parsing.text import Doc

# ----------------------------------------------------------------------------- env and secrets

_NOT_ENV = frozenset(
    {
        "TLS",
        "HTTPS",
        "SSL",
        "REPLICAS",
        "CPU",
        "MEMORY",
        "RAM",
        "IMAGE",
        "INGRESS",
        "SCHEDULE",
        "NAME",
        "CRON",
        "TYPE",
        "KIND",
        "WORKLOAD",
    }
)
_ASSIGN = re.compile(
    r"(?<![\w.$-])(?:export\s+)?(?P<name>[A-Z][A-Z0-9_]*[A-Z0-9]|[A-Za-z][A-Za-z0-9_]*?__[\w]+)"
    r"\s?=\s?(?P<value>\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`|[^\s,;`]*)"
)
_COLON = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?P<name>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])[ \t]*:[ \t]*"
    r"(?P<value>[^\n]*?)[ \t]*$",
    re.M,
)
_SET_TO = re.compile(r"\bset\s+(?P<name>[A-Z][A-Z0-9_]+)\s+to\s+(?P<value>\"[^\"\n]*\"|\S+)")
_UPPER_NAME = re.compile(r"(?<![\w.$-])(?:[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+|[A-Z][A-Z0-9]{5,})\b")
_CAPABILITIES = re.compile(r"^(?:CAP_)?(?:NET|SYS|IPC|DAC|AUDIT|MAC|LINUX|WAKE|BLOCK)_[A-Z_]+$")
_SECRET_SOURCE = re.compile(
    r"\b(?:from|in|into|via)\s+(?:the\s+|an?\s+|our\s+|their\s+|my\s+)?(?:existing\s+)?"
    r"(?:kubernetes\s+|k8s\s+)?"
    r"secret\s+(?:named\s+|called\s+)?[`\"']?(?P<a>[a-z0-9][a-z0-9.-]*[a-z0-9])|\bexisting[\s-]"
    r"secret\s*(?:[:=]|named|called|is)?\s*[`\"']?(?P<b>[a-z0-9][a-z0-9.-]*[a-z0-9])|\bsecret "
    r"(?:named|called)\s+[`\"']?(?P<c>[a-z0-9][a-z0-9.-]*[a-z0-9])",
    re.I,
)
_NOT_SECRET_NAMES = frozenset(
    {
        "named",
        "called",
        "the",
        "with",
        "and",
        "for",
        "from",
        "that",
        "which",
        "keys",
        "key",
        "values",
        "value",
    }
)


def _clean(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    return value.rstrip(".,)")


def read_env(doc: Doc, draft: Draft, env_section: bool = False) -> None:
    """Add env vars and Secret references; blank their spans so values are not read again."""
    text = doc.masked
    spans: list[tuple[int, int]] = []
    for pattern in (_ASSIGN, _COLON, _SET_TO):
        for match in pattern.finditer(text):
            name = match.group("name")
            if name in _NOT_ENV or any(s <= match.start() < e for s, e in spans):
                continue
            draft.target.add_env(name, _clean(match.group("value")))
            spans.append((match.start(), match.end()))
    if env_section:
        for match in re.finditer(
            r"^[ \t]*(?:[-*+][ \t]+)?(?P<name>[A-Z][A-Z0-9_]*)[ \t]*[:=][ \t]*"
            r"(?P<value>[^\n]*?)[ \t]*$",
            text,
            re.M,
        ):
            if not any(s <= match.start() < e for s, e in spans):
                draft.target.add_env(match.group("name"), _clean(match.group("value")))
                spans.append((match.start(), match.end()))
    for start, end in spans:
        doc.mask(start, end)
    _pasted_secrets(doc, draft)
    _secret_names(doc, draft, env_section)


# What a value pasted in prose was for: "the admin password is [REDACTED]" → ADMIN_PASSWORD.
_PASTED_KIND = re.compile(
    r"(?:(?P<q>[A-Za-z][A-Za-z0-9]*)[ _-])?(?P<kw>password|passwd|passphrase|pw|pwd|secret[ _-]key|"
    r"secret|api[ _-]?key|access[ _-]?key|access[ _-]?token|auth[ _-]?token|token|signing[ _-]key|"
    r"encryption[ _-]key|client[ _-]secret|webhook[ _-]secret|creds|credentials|login|key)\b",
    re.I,
)
_PASTED_QUALIFIERS = frozenset(
    {
        "admin", "root", "db", "database", "smtp", "mail", "email", "redis", "postgres",
        "postgresql", "mysql", "mariadb", "mongo", "mongodb", "rabbitmq", "api", "app", "jwt",
        "session", "s3", "aws", "github", "gitlab", "slack", "stripe", "oauth", "ldap", "superuser",
        "master", "django", "rails", "bot", "discord", "telegram", "openai", "sentry", "minio",
    }
)  # fmt: skip
_PASTED_WORDS = {"PW": "PASSWORD", "PWD": "PASSWORD", "PASSWD": "PASSWORD", "CREDS": "PASSWORD",
                 "CREDENTIALS": "PASSWORD", "LOGIN": "PASSWORD", "KEY": "API_KEY"}  # fmt: skip
_URL_ENV = {"postgres": "DATABASE_URL", "postgresql": "DATABASE_URL", "mysql": "DATABASE_URL",
            "mariadb": "DATABASE_URL", "redis": "REDIS_URL", "rediss": "REDIS_URL",
            "mongodb": "MONGODB_URI", "mongodb+srv": "MONGODB_URI", "amqp": "AMQP_URL",
            "amqps": "AMQP_URL"}  # fmt: skip


def _pasted_secrets(doc: Doc, draft: Draft) -> None:
    """Name the env var for each value pasted in prose, so the app reads it from a Secret.

    Values assigned to a variable were read above; what is left is a password in a sentence or
    a connection string, named by what the sentence says it is for.
    """
    text = doc.masked
    for marker in re.finditer(re.escape(REDACTED), text):
        span = doc.sentence_at(marker.start())
        before = text[max(span.start, marker.start() - 80) : marker.start()]
        after = text[marker.end() : min(span.end, marker.end() + 60)]
        url = re.search(r"([a-z][a-z0-9+.-]*)://[^\s]*$", before, re.I)
        if url and url.group(1).lower() in _URL_ENV:
            name = _URL_ENV[url.group(1).lower()]
        elif url:  # "our slack webhook https://hooks..." → SLACK_WEBHOOK_URL
            words = re.findall(r"[A-Za-z][A-Za-z0-9]+", before[: url.start()])[-2:]
            words = [w for w in words if w.lower() not in ("our", "the", "my", "is", "at", "a")]
            name = "_".join([*(w.upper() for w in words), "URL"])
        else:
            kinds = [(before, k) for k in _PASTED_KIND.finditer(before)] or [
                (after, k) for k in _PASTED_KIND.finditer(after)
            ][:1]
            if not kinds:
                continue
            where, kind = kinds[-1]
            word = re.sub(r"[ -]", "_", kind.group("kw")).upper()
            word = _PASTED_WORDS.get(word, word)
            qualifier = (kind.group("q") or "").lower()
            purpose = re.match(r"\s+for\s+(?:the\s+)?([A-Za-z0-9]+)", where[kind.end() :])
            if purpose and purpose.group(1).lower() in _PASTED_QUALIFIERS:
                qualifier = purpose.group(1).lower()  # "pw for smtp is ..."
            name = f"{qualifier.upper()}_{word}" if qualifier in _PASTED_QUALIFIERS else word
        draft.target.add_secret(re.sub(r"[^A-Z0-9_]", "_", name))
        doc.mask(marker.start(), marker.end())


def _secret_names(doc: Doc, draft: Draft, env_section: bool) -> None:
    text = doc.masked
    sources = [
        m
        for m in _SECRET_SOURCE.finditer(text)
        if (m.group("a") or m.group("b") or m.group("c")).lower() not in _NOT_SECRET_NAMES
    ]
    for match in _UPPER_NAME.finditer(text):
        name = match.group(0)
        if _CAPABILITIES.match(name) or ("_" not in name and not is_secret_name(name)):
            continue
        span = doc.sentence_at(match.start())
        sentence = text[span.start : span.end]
        secret_words = re.search(r"secret|credential|sensitive|password|token", sentence, re.I)
        if is_secret_name(name) or secret_words:
            here = [s for s in sources if span.start <= s.start() < span.end]
            source = here[0] if here else (sources[0] if len(sources) == 1 else None)
            secret_name = (
                (source.group("a") or source.group("b") or source.group("c")).lower()
                if source
                else ""
            )
            draft.target.add_secret(name, secret_name)
            doc.mask(match.start(), match.end())
        elif env_section or re.search(
            r"\benv(?:ironment)?\b|\bvariables?\b|\bvars?\b", sentence, re.I
        ):
            draft.note(f"environment variable {name} is named without a value")
    for source in sources:
        doc.mask(source.start(), source.end())


# ----------------------------------------------------------------------------- images

_BASE_LANGUAGES = (
    ("node", "nodejs"),
    ("python", "python"),
    ("golang", "go"),
    ("openjdk", "java"),
    ("temurin", "java"),
    ("corretto", "java"),
    ("ruby", "ruby"),
    ("php", "php"),
    ("dotnet", "dotnet"),
    ("rust", "rust"),
    ("elixir", "elixir"),
)


def _dependency_kind(repository: str) -> str:
    last = repository.rsplit("/", 1)[-1]
    return next((d.kind for d in DEPENDENCIES if last in d.images), "")


def choose_image(doc: Doc, draft: Draft, images: list[Found], taken: set[int]) -> None:
    """Pick the app's image; Dockerfile base images only hint at the language."""
    candidates: list[Found] = []
    for i, found in enumerate(images):
        if i in taken:
            continue
        if found.base:
            repo = found.image.repository
            for word, language in _BASE_LANGUAGES:
                if word in repo:
                    draft.target.language = draft.target.language or language
            continue
        candidates.append(found)
    own = [f for f in candidates if not _dependency_kind(f.image.repository)]
    chosen = next((f for f in own if f.keyword), None) or (own[0] if own else None)
    if chosen is None:
        chosen = next((f for f in candidates if f.keyword), None)
        if chosen is not None:  # the app *is* a datastore ("image bitnami/redis:7.2")
            draft.not_dependencies.add(_dependency_kind(chosen.image.repository))
    for found in candidates:
        kind = _dependency_kind(found.image.repository)
        if found is not chosen and kind:
            draft.add_dependency(kind, found.image.tag.split("-")[0])
        elif found is not chosen and draft.target.image is None:
            draft.note(f"another image is mentioned: {found.image.reference}")
    if chosen is not None and draft.target.image is None:
        draft.target.image = chosen.image
    if draft.target.image is not None:
        draft.set_name(draft.target.image.repository.rsplit("/", 1)[-1], RANK_IMAGE)


# ----------------------------------------------------------------------------- names

_NOUNS = (
    r"service|app|application|api|worker|job|cronjob|cron job|daemonset|statefulset|"
    r"microservice|frontend|backend|website|site|consumer|agent|shipper|exporter|bot|gateway|"
    r"server|deployment|daemon|chart|operator|proxy|processor|scheduler|collector"
)
_OWNED_BY_OTHERS = re.compile(
    r"(?:secret|issuer|class|volume|sidecar|container|bucket|database|topic|queue|namespace|"
    r"cluster|configmap|file|table|index|user|role|account|key|region|zone|repo|repository|"
    r"branch|org|organisation|organization|team|node|host|domain|storage ?class|registry)\s*$",
    re.I,
)
_IT = r"(?:it|the (?:chart|service|app|application|release))"
_EXPLICIT = re.compile(
    rf"\b(?:called|named|name it|call {_IT}|rename (?:{_IT} )?to|name is|name should be|"
    r"named as|(?:service|app|application|release|chart) name\b(?: is)?)"
    r"\s*[:=]?\s*[`\"']?(?P<n>[A-Za-z][\w.-]*)",
    re.I,
)
_QUOTED = re.compile(rf"\b(?:{_NOUNS})\s+[`\"'](?P<n>[a-z][a-z0-9-]*[a-z0-9])[`\"']", re.I)
_BEFORE = re.compile(
    rf"\b(?:{_NOUNS}|chart for|deploy|deploying|for)\s+(?P<n>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b"
    r"(?!\s*(?:sidecar|init|container|image|ingress|class|issuer|secret)\b)(?![.:/@])",
    re.I,
)
_AFTER = re.compile(
    rf"(?<![\w./:@-])(?P<n>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)\s+(?P<noun>{_NOUNS})\b"
    r"(?!\s*sidecar)",
    re.I,
)
_LEADING = re.compile(
    r"^\s*(?:[#>*-]+\s*)?(?P<n>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)\s*(?:[:,(]|-\s|$)", re.I | re.M
)
_WEAK = (
    re.compile(
        rf"\b(?:a|an|the|our|my|their|this)\s+(?P<n>[a-z][a-z0-9]{{2,}})\s+"
        rf"(?P<noun>{_NOUNS})\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:a|an|the|our|my|their|this)\s+[a-z-]+\s+(?P<n>[a-z][a-z0-9]{{2,}})\s+"
        rf"(?P<noun>{_NOUNS})\b",
        re.I,
    ),
)
_TECH_WORDS = re.compile(
    r"^(?:python|node|nodejs|go|golang|java|kotlin|ruby|php|rust|dotnet|elixir|scala|django|"
    r"flask|fastapi|express|spring|rails|laravel|nginx|grpc|rest|http|web|static|api|ml|"
    r"nightly|hourly|daily|weekly|backup|batch|simple|small|new|internal|public|private|main|"
    r"background|stateless|stateful|kafka|redis|postgres|postgresql|mysql|mongo|mongodb|"
    r"rabbitmq|elasticsearch|log|logs|metrics|node-agent|inference|model|sample|demo|test|"
    r"kubernetes|k8s|helm|docker|custom|existing|production|prod|staging|dev|cron|scheduled|"
    r"typescript|javascript|react|vue|angular|spa|frontend|backend|websocket|graphql|"
    r"springboot|nestjs|nextjs|gin|sidecar|proxy|envoy)$",
    re.I,
)


def _acceptable(name: str) -> bool:
    low = name.lower()
    return (
        bool(low)
        and low not in NOT_NAMES
        and not _TECH_WORDS.match(low)
        and not any(s.pattern.fullmatch(low) for s in SIDECARS)
        and not re.search(r"letsencrypt|ingress|cert-manager|-rwo$|^gp\d$", low)
    )


def read_name(doc: Doc, draft: Draft) -> None:
    """Set the app name from the most explicit phrasing the request uses."""
    text = doc.masked
    for match in _EXPLICIT.finditer(text):
        if _OWNED_BY_OTHERS.search(text[max(0, match.start() - 25) : match.start()]):
            continue
        if _acceptable(match.group("n")):
            draft.set_name(match.group("n").rstrip("."), RANK_EXPLICIT)
            break
    for pattern in (_QUOTED, _LEADING, _BEFORE, _AFTER):
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 25) : match.start()]
            if _acceptable(match.group("n")) and not _OWNED_BY_OTHERS.search(before):
                rank = RANK_EXPLICIT if pattern is _QUOTED else RANK_PATTERN
                draft.set_name(match.group("n"), rank)
                break
    for pattern in _WEAK:
        for match in pattern.finditer(text):
            word, noun = match.group("n").lower(), match.group("noun").lower()
            if _acceptable(word):
                suffix = "" if noun in ("service", "app", "application") else f"-{noun}"
                draft.set_name(word + suffix.replace(" ", ""), RANK_WEAK)
                return


def read_description(doc: Doc, draft: Draft) -> None:
    """Use the first sentence as the description when nothing better was given."""
    if draft.description:
        return
    for span in doc.sentences:
        sentence = " ".join(doc.text[span.start : span.end].split()).strip("#>*- ")
        if len(sentence.split()) >= 3 and REDACTED not in sentence:
            draft.description = sentence[:200].rstrip(".")
            return


# ----------------------------------------------------------------------------- orchestration


def read_prose(text: str, draft: Draft, env_section: bool = False, whole: bool = True) -> None:
    """Add every fact ``text`` states to ``draft``.

    ``whole`` is False for a part of the request about one further workload (in focus): the
    facts of the chart as a whole (its name, description, environments) are read once, from
    the whole request.
    """
    doc = Doc(text)
    if whole:
        access.read_notes(doc, draft)
    read_env(doc, draft, env_section)
    images = find_images(doc.masked)
    for found in images:
        doc.mask(found.start, found.end)
    stack.read_stack(doc, draft)
    stack.read_dependencies(doc, draft)
    read_datastore_facts(doc, draft)
    network.read_health(doc, draft)
    network.read_hosts(doc, draft)
    network.read_ingress(doc, draft)
    network.read_service_type(doc, draft)
    network.read_ports(doc, draft)
    for span in doc.sentences:
        replicas = find_replicas(doc.masked[span.start : span.end])
        if replicas.low is not None or replicas.high is not None:
            draft.target.set_replicas(replicas.low, replicas.high)
    access.read_high_availability(doc, draft)
    workloads.read_workload(doc, draft)
    access.read_access(doc, draft)
    sizes = storage.read_resources(doc, draft)
    storage.read_volumes(doc, draft, sizes)
    details.read_details(doc, draft, part=not whole)
    taken: set[int] = set()
    workloads.read_sidecars(doc, draft, images, taken)
    workloads.read_init_containers(doc, draft, images, taken)
    choose_image(doc, draft, images, taken)
    draft.target.app_type = draft.target.app_type or stack.app_type_from_words(doc, draft)
    if whole:
        access.read_environments(doc, draft)
        read_name(doc, draft)
        read_description(doc, draft)
