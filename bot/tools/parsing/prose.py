"""Read a request written as prose, bullets or terse one-liners, fact family by fact family.

Order matters: environment assignments and image references are understood (and blanked) first
so that their values are not read again as ports or hosts; the network facts come before the
workload kind, because a service with a port is not a CronJob even if it mentions "nightly";
the name comes last, once the image and the stack are known.
"""

from __future__ import annotations

import re

from bot.tools.parsing import (
    access,
    details,
    exposure,
    hosts,
    ingress,
    network,
    resources,
    settings,
    stack,
    storage,
    workloads,
)
from bot.tools.parsing.datastore_facts import read_datastore_facts
from bot.tools.parsing.draft import RANK_EXPLICIT, RANK_IMAGE, RANK_PATTERN, RANK_WEAK, Draft
from bot.tools.parsing.images import Found, find_images, with_stated_version
from bot.tools.parsing.lexicon import NOT_NAMES, SIDECARS, datastore_kind
from bot.tools.parsing.quantities import find_replicas
from bot.tools.parsing.secrets import REDACTED
from bot.tools.parsing.text import Doc, negated

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


def _pinned(found: Found) -> bool:
    return bool(found.image.tag or found.image.digest)


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
    own = [f for f in candidates if not datastore_kind(f.image.repository)]
    # "an all-in-one image integrating FrankenPHP": a word after "image" is no image beside a
    # pinned reference with a path ("`castopod/castopod:1.15.5`").
    solid = [f for f in own if _pinned(f) and ("/" in f.image.repository or f.image.registry)]
    own = [
        f
        for f in own
        if f in solid or not (solid and not _pinned(f) and "/" not in f.image.repository)
    ]
    chosen = next((f for f in own if f.keyword), None) or (own[0] if own else None)
    stated = next((f for f in candidates if f.keyword and _pinned(f)), None)
    if stated is not None and (chosen is None or not _pinned(chosen)):
        # "image `mariadb:11.4.4`" beats "minor image bumps": a pinned image is stated.
        chosen = stated
    if chosen is None:
        chosen = next((f for f in candidates if f.keyword), None)
    app_image = chosen is not None and draft.target.image is None
    if (
        app_image
        and chosen is not None
        and datastore_kind(chosen.image.repository)
        and draft.target is draft.main
    ):
        # the app *is* a datastore ("image bitnami/redis:7.2"); a further part's datastore
        # image is the client it runs ("a backup CronJob using `mariadb:10.11`")
        draft.not_dependencies.add(datastore_kind(chosen.image.repository))
    for found in candidates:
        kind = datastore_kind(found.image.repository)
        if kind and (found is not chosen or not app_image):
            # "the image must be `postgis/postgis:16-3.4`" said of the bundled database
            # "pgvector/pgvector:0.8.1-pg15": the extension's version, then Postgres's
            engine = re.search(r"(?:^|-)pg(\d{2})\b", found.image.tag)
            draft.add_dependency(kind, engine.group(1) if engine else found.image.tag.split("-")[0])
        elif found is not chosen and draft.target.image is None:
            draft.note(f"another image is mentioned: {found.image.reference}")
    if chosen is not None and draft.target.image is None:
        draft.target.image = with_stated_version(doc.text, chosen.image)
    if draft.target.image is not None:
        image = draft.target.image
        product = _product(doc.text, image.repository, hub=not image.registry)
        draft.set_name(product, RANK_IMAGE)


def _product(text: str, repository: str, hub: bool = True) -> str:
    """The name an image gives the app: its repository's last part, or the product the request
    calls it by when that part only adds a role to it ("ClickHouse", clickhouse-server)."""
    parts = repository.split("/")
    last, org = parts[-1], (parts[-2] if len(parts) > 1 else "")

    def said(word: str) -> bool:  # as a word of the text, not inside a reference or address
        return bool(re.search(rf"(?<![\w/.@-]){re.escape(word)}(?![\w/.@-])", text, re.I))

    stem = re.fullmatch(r"(?P<p>[a-z][a-z0-9]+)-(?:server|app|service|web|ce|ee|oss)", last)
    if stem and said(stem.group("p")):
        return stem.group("p")
    if hub and org and org not in _PUBLISHERS and not said(last):
        if said(org):
            return (
                org  # "PrivateBin ...", privatebin/nginx-fpm-alpine: the product, not the flavour
            )
        # "Cachet ..." with cachethq/docker: the organisation's name, less its "HQ"
        brand = re.fullmatch(
            r"(?P<p>[a-z][a-z0-9]{2,})(?:hq|io|app|labs|inc|dev|team|org|hub)", org
        )
        if brand and said(brand.group("p")):
            return brand.group("p")
    return last


# Organisations that publish images of other people's apps: their name is no app's.
_PUBLISHERS = frozenset({"library", "linuxserver", "bitnami", "lscr", "hotio", "ghcr", "docker"})


# ----------------------------------------------------------------------------- names

_NOUNS = (
    r"service|app|application|api|worker|job|cronjob|cron job|daemonset|statefulset|"
    r"microservice|frontend|backend|website|site|consumer|agent|shipper|exporter|bot|gateway|"
    r"server|deployment|daemon|chart|operator|proxy|processor|scheduler|collector"
)
_OWNED_BY_OTHERS = re.compile(
    r"(?:secret|issuer|class|volume|sidecar|container|bucket|database|topic|queue|namespace|"
    r"cluster|configmap|file|table|index|user|role|account|key|region|zone|repo|repository|"
    # "The existing Secret is called `zulip-secrets`": that object's name, not the app's
    r"branch|org|organisation|organization|team|node|host|domain|storage ?class|registry)"
    r"\s*(?:is\s+|was\s+|will\s+be\s+)?$",
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
    rf"\b(?:{_NOUNS}|chart for|deploy|deploying|for(?=\s+\S+(?:\s+(?:{_NOUNS})\b|\s*[,.;:)]|$)))"
    r"\s+(?P<n>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b"
    r"(?!\s*(?:sidecar|init|container|image|ingress|class|issuer|secret)\b)(?![.:/@])",
    re.I,
)
_AFTER = re.compile(
    rf"(?<![\w./:@-])(?P<n>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)\s+(?P<noun>{_NOUNS})\b"
    r"(?!\s*sidecar)",
    re.I,
)
_COORDINATED = re.compile(r"(?:\b(?:and|or)|[,&/])\s*$", re.I)
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
        # "Scaling-wise (I'm guessing ...)": an English compound, no name
        and not re.search(r"-(?:wise|like|based|related|ish|free|only|ready|aware|friendly)$", low)
    )


def read_name(doc: Doc, draft: Draft) -> None:
    """Set the app name from the most explicit phrasing the request uses."""
    text = doc.masked
    for match in _EXPLICIT.finditer(text):
        if _OWNED_BY_OTHERS.search(text[max(0, match.start() - 25) : match.start()]):
            continue
        if negated(text, match.start()):
            continue  # "the service isn't called `db`"
        if _acceptable(match.group("n")):
            draft.set_name(match.group("n").rstrip("."), RANK_EXPLICIT)
            break
    for pattern in (_QUOTED, _LEADING, _BEFORE, _AFTER):
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 25) : match.start()]
            if pattern is _AFTER and _COORDINATED.search(before):
                continue  # "the log and host-metrics agent": what it does, not its name
            if negated(text, match.start("n")):
                continue  # "so no create-site job": one the request does not want
            if re.search(r"\b(?:official|upstream|their|bitnami|community)\s+$", before, re.I):
                continue  # "the official opensearch-project chart does too much": another chart
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
    settings.read_env(doc, draft, env_section)
    images = find_images(doc.masked)
    for found in images:
        doc.mask(found.start, found.end)
    stack.read_stack(doc, draft)
    stack.read_dependencies(doc, draft)
    read_datastore_facts(doc, draft)
    network.read_health(doc, draft)
    hosts.read_hosts(doc, draft)
    ingress.read_ingress(doc, draft)
    exposure.read_service_type(doc, draft)
    network.read_ports(doc, draft)
    exposure.read_service_ports(doc, draft)
    for span in doc.sentences:
        replicas = find_replicas(doc.masked[span.start : span.end])
        if replicas.low is not None or replicas.high is not None:
            draft.target.set_replicas(replicas.low, replicas.high)
    access.read_high_availability(doc, draft)
    workloads.read_workload(doc, draft)
    access.read_access(doc, draft)
    sizes = resources.read_resources(doc, draft)
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
