"""What the application is: language, framework, kind of app, and the services it depends on.

A request rarely says "language: python"; it says "a Django app with Celery and Postgres". The
first framework named decides the runtime (later ones such as Celery or Sidekiq are background
workers of the same app and become notes), and every backing service named without a negation
("no Redis") becomes a dependency, marked external when it is managed elsewhere ("existing",
"RDS", "Cloud SQL") so that it is not bundled into the chart.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.lexicon import (
    DEPENDENCIES,
    ENV_CUES,
    FRAMEWORKS,
    LANGUAGES,
    SPA_FRAMEWORK,
    STATIC_SITE,
    WEB_SERVERS,
    Stack,
)
from bot.tools.parsing.text import Doc, negated

_PLAIN_LANGUAGES = {
    "go": "go",
    "golang": "go",
    "rust": "rust",
    "java": "java",
    "kotlin": "kotlin",
    "ruby": "ruby",
    "node": "nodejs",
    "nodejs": "nodejs",
    "javascript": "nodejs",
    "typescript": "nodejs",
    "python": "python",
    "php": "php",
    "dotnet": "dotnet",
    ".net": "dotnet",
    "c#": "dotnet",
    "elixir": "elixir",
    "scala": "scala",
}
_NOT_THE_APP = re.compile(
    r"ingress|class|sidecar|reverse proxy|in front|proxy in|controller|exporter", re.I
)
_EXTERNAL = re.compile(
    r"\b(?:external|existing|managed|hosted|shared|production|rds|aurora|cloud ?sql|"
    r"azure database|atlas|elasticache|memorystore|msk|confluent cloud|upstash|neon|supabase|"
    r"planetscale|amazon mq|cloudamqp|elastic cloud|aiven|outside the cluster|"
    r"stays? (?:where (?:it|they) (?:is|are)|put|as (?:it|they) (?:is|are)))\b|"
    # A URL to a host with a domain; "redis://redis:6379" names a compose service, not one outside.
    r"\b(?:at|on)\s+[a-z][\w.-]*\.(?:svc|internal|local|com|net|io|org|cloud)\b|"
    r"://(?:[^\s/@]*@)?[\w-]+\.[\w.-]+",
    re.I,
)
# Said anywhere in a sentence about one datastore: "Postgres, but NOT in this chart".
_NOT_THE_CHARTS = re.compile(
    r"\b(?:not (?:in|part of) (?:this|the) chart|outside (?:of )?(?:this|the) chart|cloudnativepg|"
    r"cnpg|(?:postgres|pg|mysql|db) operator|outside the cluster)\b",
    re.I,
)
# "should be part of the chart this time", "bundled", "ship its own": the chart runs it.
_BUNDLED = re.compile(
    r"\b(?:part of the chart|(?:in|with|inside) the chart|bundled|as a subchart|"
    r"(?:its|their) own|the chart (?:should |must |will |can |shall )?(?:runs?|ships?|deploys?|"
    r"includes?|brings?|provides?)\b)\b",
    re.I,
)
# "we don't have a shared Redis", "no managed Postgres here": no outside one, so the chart's.
# "no shared Postgres", "I don't want to share the big Redis the checkout team owns": not
# someone else's instance, so one of the chart's own.
_NO_OUTSIDE_ONE = re.compile(
    r"\b(?:shared|existing|managed|external|central|hosted|share|reuse|other)\b", re.I
)
_DROPPED = re.compile(
    r"\b(?:we|I)\s+(?:have\s+|'ve\s+)?(?:dropped|removed|ditched|cut|left\s+out)\b[^.;:\n]{0,100}$",
    re.I,
)
# ("keeps logs + backups dir here even with postgres": a directory of the app's)
_BACKUP = re.compile(
    r"\b(?:back(?:s|ing)?[\s-]?ups?|dump|snapshots?|replicat\w+ from)\b"
    r"(?!\s+(?:dir|directory|folder|volume|path)\b)",
    re.I,
)
_PURPOSE = re.compile(
    r"^\s*(?:v?\d[\d.]*\s*)?(?:\([^)]*\)\s*)?(?:for|as)\s+(?:an?\s+|the\s+|its\s+)?"
    r"(?P<p>[a-z][a-z /-]{2,40}?)(?=$|[,.;)]|\s+(?:and|with|plus|on|at|in)\b)",
    re.I,
)
_APP_WORDS = (
    (
        "frontend",
        r"\b(?:frontend|front-end|spa|single[\s-]page|static (?:site|website|files|"
        r"assets|pages)|landing page|website)\b",
    ),
    (
        "api",
        r"(?<!kubernetes )(?<!k8s )(?<!kube )\b(?:api|rest|restful|grpc|graphql|backend|"
        r"microservice)s?\b",
    ),
    (
        "web",
        r"\b(?:web ?app|web application|web service|web server|webapp|web ui|dashboard|"
        r"site|portal|cms)\b",
    ),
    (
        "worker",
        r"\b(?:worker|consumer|queue processor|background (?:jobs?|processing|tasks?)|"
        r"processes (?:jobs|messages|events)|subscriber|operator|controller)\b",
    ),
)


def _first(
    doc: Doc, stacks: tuple[Stack, ...], languages: set[str], labelled: bool
) -> list[tuple[int, Stack]]:
    found: list[tuple[int, Stack]] = []
    for stack in stacks:
        match = stack.strong.search(doc.masked)
        if match is None and stack.weak is not None and (stack.language in languages or labelled):
            match = stack.weak.search(doc.masked)
        if match is not None:
            found.append((match.start(), stack))
    return sorted(found, key=lambda pair: pair[0])


def read_stack(doc: Doc, draft: Draft, labelled: bool = False) -> None:
    """Set language, framework and (from them) app type hints found in ``doc``."""
    languages = _first(doc, LANGUAGES, set(), labelled)
    if labelled:
        for word in re.findall(r"[\w.#]+", doc.masked.lower()):
            if word in _PLAIN_LANGUAGES and not languages:
                draft.target.language = draft.target.language or _PLAIN_LANGUAGES[word]
    named = {s.language for _, s in languages} | ({draft.target.language} - {""})
    frameworks = _first(doc, FRAMEWORKS, named, labelled)
    main = [s for _, s in frameworks if s.app_type != "worker"]
    workers = [s for _, s in frameworks if s.app_type == "worker"]
    primary = main[0] if main else (workers[0] if workers else None)
    if primary:
        draft.target.framework = draft.target.framework or primary.framework
        if not draft.target.app_type and not main:
            draft.target.app_type = "worker"
    for stack in workers:
        if stack is not primary:
            draft.note(
                f"background worker requested ({stack.framework}): run it as a separate "
                "Deployment from the same image"
            )
    if languages:
        draft.target.language = draft.target.language or languages[0][1].language
    elif primary:
        draft.target.language = draft.target.language or primary.language
    _read_static(doc, draft)


def _read_static(doc: Doc, draft: Draft) -> None:
    """Recognise a static site served by nginx (or another web server)."""
    static = STATIC_SITE.search(doc.masked)
    servers = [
        name
        for name, pattern in WEB_SERVERS.items()
        for match in pattern.finditer(doc.masked)
        if not _NOT_THE_APP.search(doc.masked[max(0, match.start() - 25) : match.end() + 25])
    ]
    if draft.target.framework or (draft.target.language and not static):
        return
    if static or servers:
        draft.target.framework = servers[0] if servers else "nginx"
        spa = SPA_FRAMEWORK.search(doc.masked)
        if spa:
            draft.target.language = draft.target.language or "javascript"
            draft.note(f"{spa.group(1)} build served as static files by {draft.target.framework}")
        draft.target.app_type = draft.target.app_type or ("frontend" if static or spa else "web")


def read_env_cues(draft: Draft) -> None:
    """Infer the stack from env var names only one stack uses (DJANGO_SETTINGS_MODULE)."""
    if draft.target.framework:
        return
    for name in [*draft.target.env, *draft.target.secrets]:
        for prefix, language, framework in ENV_CUES:
            if name.startswith(prefix) and draft.target.language in ("", language):
                draft.target.language = language
                draft.target.framework = framework
                if framework:
                    return


def app_type_from_words(doc: Doc, draft: Draft) -> str:
    """Return the app type the request's nouns suggest ('' when they say nothing)."""
    text = doc.masked
    # "Not using the Altinity operator" says nothing of what the app is.
    hits = {
        kind: any(not negated(text, m.start()) for m in re.finditer(pattern, text, re.I))
        for kind, pattern in _APP_WORDS
    }
    if hits["frontend"]:
        return "frontend"
    if hits["worker"] and not (hits["api"] or hits["web"] or draft.hosts or draft.ingress):
        return "worker"
    for kind in ("api", "web"):
        if hits[kind]:
            return kind
    for stack in FRAMEWORKS:
        if stack.framework == draft.target.framework:
            return stack.app_type
    return ""


def _external(clause: str) -> bool:
    """Whether a clause places the datastore outside the chart ("no more shared ..." does not)."""
    return any(
        not negated(clause, m.start())
        # "inside the chart (Postgres 16, Redis 7) rather than on the shared instances"
        and not re.search(
            r"\b(?:rather\s+than|instead\s+of)\b[^.;]{0,30}$", clause[: m.start()], re.I
        )
        for m in _EXTERNAL.finditer(clause)
    )


def _only(sentence: str) -> bool:
    """Whether a sentence names one datastore: what it says of where one runs is about it."""
    return sum(bool(d.pattern.search(sentence)) for d in DEPENDENCIES) == 1


def _path_segment(text: str, match: re.Match[str]) -> bool:
    """ "/var/lib/mysql", "mysql/data": a directory; "MariaDB/MySQL" names two datastores."""
    before, after = text[max(0, match.start() - 1) : match.start()], text[match.end() :]
    if before == "/":
        return True
    return after.startswith("/") and not any(d.pattern.match(after, 1) for d in DEPENDENCIES)


def _bundled(text: str) -> bool:
    return any(not negated(text, m.start()) for m in _BUNDLED.finditer(text))


def read_dependencies(doc: Doc, draft: Draft) -> None:
    """Add every backing service named without a negation."""
    bundled: set[str] = set()
    external: set[str] = set()
    for backing in DEPENDENCIES:
        for match in backing.pattern.finditer(doc.masked):
            if re.match(
                r"-?\s?(?:management\s+(?:ui|console|plugin|interface)|like|compatible|style|alike|ui|"
                r"console|exporter|dashboard|commander|"
                r"insight|admin|wire|protocol|api\s+compatible|dialect|clients?)\b",
                doc.masked[match.end() :],
                re.I,
            ):
                continue  # "an Elasticsearch-like index", "the Kafka UI": not the datastore
            if _path_segment(doc.masked, match):
                continue  # a path segment ("/var/lib/mysql") names a directory
            no_outside_one = False
            # "we cut temporal-postgresql out": another stack's database, named after it
            compound = doc.masked[max(0, match.start() - 1) : match.start()] == "-"
            if compound and (
                _DROPPED.search(doc.masked[doc.sentence_at(match.start()).start : match.start()])
                or negated(doc.masked, match.start())
            ):
                continue
            said = doc.masked[doc.sentence_at(match.start()).start : match.start()]
            # "I cut `stream` and typesense, and redacted the postgres password": the verb's own
            # clause only, and a datastore's password is no datastore
            clause = re.split(r",\s+(?:and|but|then)\s+|;\s*", said)[-1]
            credential = re.match(
                r"\s*(?:password|passwd|user(?:name)?|credentials?|secret)\b",
                doc.masked[match.end() : match.end() + 20],
                re.I,
            )
            if _DROPPED.search(clause) and not credential:
                draft.not_dependencies.add(backing.kind)  # "we dropped ... the mysql profile"
                break
            if negated(doc.masked, match.start()):
                no_outside_one = bool(
                    _NO_OUTSIDE_ONE.search(doc.masked[max(0, match.start() - 24) : match.start()])
                )
                if not no_outside_one:
                    draft.not_dependencies.add(backing.kind)
                    break
            after = doc.masked[match.end() : match.end() + 100]
            version = re.match(
                r"[\s:v-]*(\d{1,2}(?:\.\d+){0,2})\b(?!\s*(?:replicas|pods|gi|mi|%))|"
                # "bundle postgres but pin it to 16"
                r"[^.;\n]{0,30}?\bpin(?:ned)?\s+(?:it\s+)?(?:to|at)\s+v?(\d{1,2}(?:\.\d+){0,2})\b|"
                # "..., version 16", "bundled in the chart, but version 16 rather than latest"
                r"[^.;\n]{0,60}?,\s*(?:but\s+|and\s+)?(?:on\s+)?version\s+(\d{1,2}(?:\.\d+){0,2})\b|"
                # "MongoDB inside the chart (4.4, see above)"
                r"[^.;\n(]{0,30}?\(\s*v?(\d{1,2}\.\d+(?:\.\d+)?)\b(?!\s*(?:gi|mi|%|cpu))|"
                # "Redis: go to 7, 5.0 is ancient"
                r"[^.;\n]{0,20}?\b(?:go|move|upgrade|bump|switch)\s+(?:it\s+)?to\s+v?(\d{1,2}(?:\.\d+){0,2})\b"
                r"(?!\s*(?:replicas|pods|gi|mi|%))|"
                # "the two Redis instances like pwd.yml does (cache and queue, 6.2 is fine)"
                r"(?:[^.;\n]|\.(?=\w)){0,80}?\b(\d{1,2}\.\d+(?:\.\d+)?)\s+(?:is\s+fine|will\s+do|is\s+ok(?:ay)?)\b|"
                # "PostgreSQL (major version 14, as in the compose file) and Redis (7)"
                r"[^.;\n(]{0,30}?\(\s*(?:major\s+)?(?:version\s+|v)?(\d{1,2})(?:\s*\)|,|\s+as\b)",
                after,
                re.I,
            )
            purpose_match = _PURPOSE.match(after)
            purpose = purpose_match.group("p").strip() if purpose_match else ""
            sentence = doc.sentence_at(match.start())
            said = doc.text[sentence.start : sentence.end]
            clause = doc.clause_at(match.start())
            words = doc.text[clause.start : clause.end]
            listed = re.match(
                r"\s*,", doc.text[clause.end : clause.end + 3]
            ) or words.rstrip().endswith(",")
            if listed and re.fullmatch(r"[^\w\n]*[\w-]+[^\w\n]*", words):
                words = said  # "Elasticsearch, MinIO and RabbitMQ are shared services": a list
            # The clause speaks first ("Postgres stays where it is: ..., and a Redis the chart
            # runs"), then the sentence ("No more shared Postgres: part of the chart this time").
            if no_outside_one or _bundled(words) or not _external(words) and _bundled(said):
                bundled.add(backing.kind)
            elif (
                _external(words)
                or _BACKUP.search(said)
                or (_NOT_THE_CHARTS.search(said) and _only(said))
            ):
                external.add(backing.kind)
            stated = next((g for g in version.groups() if g), "") if version else ""
            draft.add_dependency(backing.kind, stated, purpose)
            known = draft.dependencies.get(backing.kind)
            if stated and known is not None and backing.kind not in draft.versions_said:
                # "Redis: go to 7, 5.0 is ancient": the request's words beat its compose file
                known.version = stated
                draft.versions_said.add(backing.kind)
    for kind in draft.not_dependencies:
        draft.dependencies.pop(kind, None)
    # One mention places a datastore outside; "should be part of the chart" outweighs "shared".
    # what one part of the request said of where a datastore runs holds for the others: the
    # backup job's paragraph ("pg_dump ... the bundled database") does not move it out again
    draft.bundled_said |= bundled
    for kind in (external - draft.bundled_said) & set(draft.dependencies):
        draft.dependencies[kind].external = True
    for kind in draft.bundled_said & set(draft.dependencies):
        draft.dependencies[kind].external = False  # "a Redis the chart runs itself", said anywhere
    if (
        re.search(r"\b(?:an?|the|its own)\s+(?:sql\s+|relational\s+)?database\b", doc.masked, re.I)
        and not draft.dependencies
    ):
        draft.note("a database is mentioned without naming the engine (e.g. PostgreSQL, MySQL)")
    for word, hint in (
        ("sqlite", "SQLite keeps its file on a volume"),
        ("s3", "object storage (S3) is external; pass its settings as env vars"),
    ):
        if re.search(rf"\b{word}\b", doc.masked, re.I):
            draft.note(hint)
