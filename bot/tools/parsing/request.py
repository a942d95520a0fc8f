"""A whole request, read in the order a person reads one.

Secrets are redacted first, so no later step sees a value. Pasted compose files come next:
they name the app's workloads and datastores. Issue-form sections and labelled lines are read
as the fields they are. Then the prose is cut into the parts about each workload
(``segments``): what a part about the worker says lands on the worker, what names no workload
lands on the main one, and facts stated for the app as a whole (a Secret, a setting) reach the
workloads that run the same image.
"""

from __future__ import annotations

import re

from bot.tools.parsing import (
    catalogue,
    commands,
    compose,
    described,
    docs_sections,
    documented_env,
    existing_claims,
    host_paths,
    hosts,
    image_roles,
    issue_form,
    manifests,
    mentions,
    part_names,
    peers,
    placeholders,
    secret_keys,
    secret_links,
    segments,
    shared_facts,
    stack,
    values_elsewhere,
    wiring,
    workloads,
)
from bot.tools.parsing.context import (
    quoted_last,
    setup_first,
    without_attempts,
    without_logs,
    without_reference_docs,
)
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.fields import apply_field, field_for
from bot.tools.parsing.gloss import gloss
from bot.tools.parsing.images import pinned_in
from bot.tools.parsing.lexicon import DEPENDENCY_BY_KIND
from bot.tools.parsing.prose import read_description, read_prose
from bot.tools.parsing.secrets import REDACTED, redact_secrets
from bot.tools.parsing.tables import tables_as_lines
from bot.tools.parsing.text import Doc, dns_name, in_code_span, kebab, normalize, unwrap


def read(user_input: str) -> tuple[Draft, int]:
    """Gather the facts of ``user_input``; return them with the number of secrets redacted."""
    redacted, _ = redact_secrets(user_input)
    redacted = setup_first(quoted_last(redacted))
    # Every marker is a pasted value, whether redacted now or before (the graph's request is
    # redacted on the way in): each one must be rotated.
    count = redacted.count(REDACTED)
    draft = Draft(named_secrets=secret_keys.named_secrets(redacted))
    pasted, redacted = manifests.extract(redacted)
    manifests.apply(pasted, draft)
    docs, rest = compose.extract(redacted)
    known = compose.variables(redacted) if docs else {}
    files = compose.env_files(redacted) if docs else {}
    for doc in docs:
        compose.apply(doc, draft, known, files, prose=rest)
    if docs:
        rest = compose.without_env_blocks(rest)
    text = without_logs(without_reference_docs(rest))
    text = without_attempts(gloss(tables_as_lines(normalize(text))))
    part_names.renamed_parts(text, draft)
    # What the request's text says, labelled or not, is shared with the main image's workloads.
    before = shared_facts.settings(draft.main)
    had = {v.mount_path for v in draft.main.volumes}
    form = issue_form.sections(text)
    theirs: list[issue_form.Labelled] = []
    if form is not None:
        split = issue_form.per_workload(form)  # routed per workload by the parts below
        for label, value in form:
            if label and label not in split:
                apply_field(label, value, draft)
        text = "\n\n".join(_section(label, value) for label, value in form if value)
    else:
        # A labelled line in a part's own section ("**Nodes**" over "- resources: ...") is that
        # part's, read with its section; the others are the app's.
        parts = segments.read(text, list(draft.components), draft.component)
        for line in issue_form.labelled_lines(text, lambda label: field_for(label) is not None):
            own = field_for(line.label)[0] in _PER_PART  # type: ignore[index]
            if own and any(seg.start <= line.start < seg.end for seg in parts.segments):
                theirs.append(line)  # read for its parts once they are known
            else:
                apply_field(line.label, line.value, draft)
    _read_parts(text, draft, before, had, theirs)
    for name, image in image_roles.called_images(text).items():
        with draft.focus(name) as c:
            c.image = c.image or image
    image_roles.by_name(text, draft)
    described.fill(text, draft)
    docs_sections.fill(redacted, draft)
    documented_env.place(redacted, draft)
    values_elsewhere.same_value_as(text, draft)
    wiring.derived_connections(text, draft)
    placeholders.placeholder_connections(draft)
    existing_claims.existing_claims(text, draft)
    host_paths.replaced_host_paths(text, draft)
    for c in [draft.main, *draft.components.values()]:
        c.image = pinned_in(text, c.image, c.pasted_image) if c.image is not None else None
    wiring.read_config_sources(text, draft)
    _left_out(text, draft)
    catalogue.fill(text, draft)
    finish(draft, text)
    return draft, count


# "Leave out `COMPOSE_PROJECT_NAME`, `INVENTREE_TAG` and `INVENTREE_EXT_VOLUME`, they only
# matter to compose", "drop `SSL_CERTIFICATE_GENERATION`": settings of the old setup.
_LEAVE_OUT = re.compile(
    r"\b(?:leave\s+out|drop|omit|remove|skip|don'?t\s+(?:set|pass|copy|need|keep))\s+(?:the\s+)?"
    r"(?P<names>`[A-Z][A-Z0-9_]*`(?:\s*(?:,|and|&|or)\s*`[A-Z][A-Z0-9_]*`)*)",
    re.I,
)


# Labels of what each workload has of its own; the others (hosts, TLS, the datastores) are
# the app's wherever they are said.
_PER_PART = frozenset(
    "image ports replicas env health resources storage schedule sidecars init workload "
    "command args service_type secrets".split()
)


def _left_out(text: str, draft: Draft) -> None:
    """Plain settings the request says to leave behind, out of every workload."""
    for match in _LEAVE_OUT.finditer(text):
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", match.group("names")):
            for c in [draft.main, *draft.components.values()]:
                c.env.pop(name, None)


def _a_job(name: str, segs: list[segments.Segment]) -> bool:
    """Whether the part's own list item says it is a (Cron)Job."""
    own = next((seg for seg in segs if seg.names == [name]), None)
    return own is not None and bool(
        re.match(r"[^.\n]{0,60}?\ban?\s+(?:[\w-]+\s+)?(?:cron\s?job|job)\b", own.text, re.I)
    )


def _section(label: str, value: str) -> str:
    """A form section as a labelled line; a section that is a list keeps its list items."""
    if not label:
        return value
    return f"{label}:\n{value}" if _LIST_START.match(value) else f"{label}: {value}"


# "the app container", "for the app and for the migration job": the main workload, by name
_THE_APP = re.compile(
    r"\bthe\s+app\s+(?:container|deployment|pod|workload|process)\b|\bfor\s+the\s+app\s+and\b",
    re.I,
)
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
# "The web frontend runs with the command `run_frontend`", beside workers named in code: the
# main workload, called by its role
_MAIN_ROLE = re.compile(
    r"(?:^|(?<=[.!?]\s))[ \t]*The\s+(?:web\s+|main\s+|http\s+)?"
    r"(?P<role>(?i:frontend|backend|api|web))\s+(?:runs|listens|serves|should\s+(?:run|listen|serve))\b",
    re.M,
)


def _read_parts(
    text: str,
    draft: Draft,
    before: shared_facts.Names,
    had: set[str],
    theirs: list[issue_form.Labelled],
) -> None:
    """Read the prose part by part: each workload's parts, then the rest for the main one;
    ``before`` are the main workload's settings and ``had`` its volumes' paths before the
    request's text was read; ``theirs`` the labelled lines in parts' own sections."""
    known = [name for name in draft.components]
    # "the app container should only run `npm run start`", beside other workloads: the main
    # one is the app, and the sentences that say "the app" are its own
    the_app = "" if draft.component or not _THE_APP.search(text) else "app"
    images = {
        name: c.image.repository
        for name, c in [(draft.component, draft.main), *draft.components.items()]
        if name and c.image is not None
    }
    role = _MAIN_ROLE.search(text)
    role_main = (
        role.group("role").lower() if role and role.group("role").lower() not in known else ""
    )
    reading = segments.read(text, known, draft.component or the_app, images)
    if reading.introduced and role_main and not (draft.component or the_app or reading.main):
        # "The web frontend runs `x`" beside workers named in code: the main one is the
        # frontend, and the sentences that name it are its own
        reading = segments.read(text, known, role_main, images)
    draft.component = draft.component or reading.main
    if the_app and (reading.introduced or any(the_app in seg.names for seg in reading.segments)):
        # "The app (the `sharelatex` service) ...", "the app container": the main workload,
        # whether or not others are introduced beside it
        draft.component = draft.component or the_app
    if not draft.component and reading.introduced and role_main:
        draft.component = role_main
    serving = [n for n in reading.listed if not _a_job(n, reading.segments)]
    first = text.split("\n\n", 1)[0]
    if (
        not draft.component
        and len(serving) == 1
        and reading.introduced == serving == reading.listed
        and re.search(rf"(?<![\w-]){re.escape(serving[0])}(?![\w-])", first, re.I)
        and reading.segments
        and reading.segments[0].start > len(first)
    ):
        # "I need a chart for OrangeHRM" over "**Application (component `orangehrm`)**": the
        # one part is the app the request opened with
        draft.component = serving[0]
    if not draft.component and len(reading.listed) >= 2 and serving:
        # A list of the app's processes: the first is the main one. One workload introduced
        # on its own ("a CronJob called `state-compressor`:") is a further one, and so is a
        # listed one said to be a Job ("- `reminders`: a CronJob that runs ...").
        draft.component = serving[0]
    for line in theirs:
        # "**Nodes**" over "- resources: ...", "**Ports (all components):** ...": each part's
        said = [seg for seg in reading.segments if seg.start <= line.start < seg.end]
        for name in dict.fromkeys(n for seg in said for n in seg.names) or [draft.component]:
            with draft.focus(name):
                apply_field(line.label, line.value, draft)
    # The request's first sentence describes the app, whichever workload it names.
    read_description(Doc(unwrap(text)), draft)
    general = list(text)
    for segment in reading.segments:
        for i in range(segment.start, min(segment.end, len(general))):
            if general[i] != "\n":
                general[i] = " "
    # A component named like a kind of workload is a reference to it wherever it is named
    # ("shared by web, cron and seeder", "- `cron`: a long-running process"), not a CronJob.
    kind_named = [n for n in [*reading.introduced, *reading.listed] if _KIND_NAME.search(n)]
    others = [n for n in kind_named if n != draft.component]
    read_prose(unwrap(_unnamed("".join(general), others)), draft)
    each = shared_facts.replicas_each("".join(general), text)
    said = shared_facts.settings(draft.main, before)
    # Said of the app as a whole: the CronJob settings, and scratch space ("both schedules are in
    # Europe/Amsterdam", "an emptyDir at /cache") hold for every workload of its image.
    common_cron = dict(draft.main.cron)
    scratch = [v for v in draft.main.volumes if not v.persistent and v.mount_path not in had]
    known_names = list(dict.fromkeys([*draft.components, *({draft.component} - {""}), *kind_named]))
    for segment in reading.segments:
        for name in segment.names:
            with draft.focus(name) as c:
                read_prose(unwrap(_unnamed(segment.text, known_names)), draft, whole=False)
                if name != draft.component:
                    shared_facts.take_from_main(draft, c, segment.text)
    # Which part a variable points at is known once every part is
    peers.read_peers(text, draft, reading.segments)
    for name, command in reading.commands.items():
        with draft.focus(name) as c:
            if not (c.command or c.args):
                c.args = compose.spec.split_command(command)
            _role(name, c)
    for name in reading.introduced:
        with draft.focus(name) as c:
            _role(name, c)
    for name, count in reading.counts.items():
        with draft.focus(name) as c:
            c.set_replicas(count, count)
    shared_facts.share(draft, said)
    shared_facts.shared_by_all(draft, "".join(general), text)
    shared_facts.only_theirs(draft, reading.segments)
    shared_facts.same_as_another(draft, reading.segments)
    # values said once and handed on by reference, read across the parts' sections
    whole = Doc(unwrap(text))
    values_elsewhere.same_values(draft, whole)
    values_elsewhere.that_value(draft, whole)
    values_elsewhere.that_thing(draft, whole)
    values_elsewhere.that_is(draft, whole)
    commands.changed_flags(whole, [draft.main, *draft.components.values()])
    workloads.main_is_no_job(draft)
    if each is not None:
        for c in draft.components.values():
            if c.workload not in ("Job", "CronJob"):
                c.set_replicas(*each)
    shared_facts.share_common(draft, common_cron, scratch)
    names = {mentions.alias_pattern(n): n for n in [*draft.components, draft.component] if n}
    hosts.read_routes(unwrap(text), draft, names)


def _unnamed(text: str, names: list[str]) -> str:
    """Blank the components' names in a part of the request: "the `cron` container" names a
    workload, it does not ask for a CronJob."""
    if not names:
        return text
    pattern = "|".join(mentions.alias_pattern(name) for name in names)

    def blank(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 30) : match.start()]
        if _ON_PORT.match(text, match.end()) and mentions.role_name(match.group(0).strip("`")):
            return match.group(0)  # "the frontend on 80": the words that say whose port it is
        if _OBJECT_NAMED.search(before) or _RUN_VERB.search(before) or _VALUE_OF.search(before):
            # "the Secret `open-webui`" names a Secret, "runs `mailer`" a command: not the workload
            return match.group(0)
        word = match.group(0)
        if word.startswith("`") != word.endswith("`") or (
            not word.startswith("`") and in_code_span(text, match.start())
        ):
            return word  # a word of a command ("`backup /data`"), not the workload's name
        return " " * len(match.group(0))

    return re.sub(rf"(?<![\w/.-])`?(?:{pattern})`?(?![\w/-]|\.\w)", blank, text, flags=re.I)


_ON_PORT = re.compile(r"\s+on\s+(?:port\s+)?\d{2,5}\b")
_KIND_NAME = re.compile(r"(?:^|-)(?:cron|cronjob|jobs?|daemon)(?:-|$)")
_VALUE_OF = re.compile(r"[=:]\s*['\"]?$")  # "LEAN_DB_DATABASE = 'leantime'": a value
_RUN_VERB = re.compile(r"\b(?:runs?|running|command|cmd|executes?)\s*[:=]?\s*$", re.I)
_OBJECT_NAMED = re.compile(
    r"\b(?:secret|config\s?map|claim|pvc|service\s?account|issuer|class)\s+(?:named\s+|called\s+)?$",
    re.I,
)


def _role(name: str, c: ComponentDraft) -> None:
    """What a component's name says about how it runs (a migration is a hook Job)."""
    role = mentions.role_name(name) or name
    if role == "migrate" and not c.workload:
        c.workload, c.hook = "Job", c.hook or "pre-install,pre-upgrade"
        c.app_type = c.app_type or "migration"
    elif role == "scheduler":
        c.app_type = c.app_type or "scheduler"
    elif role == "worker":
        c.app_type = c.app_type or "worker"
    elif name == "cron" and not c.workload:
        c.workload = "CronJob" if c.schedule else c.workload
    elif role == "frontend":
        c.app_type = c.app_type or "frontend"


_PORT_FLAG = re.compile(
    r"^(?:-p|--port|--http-port|--listen-port|--web\.listen-address|--bind|-b)(?:=(?P<v>\S+))?$"
)


def _port_in_command(words: list[str]) -> int | None:
    """The port a command line says the process listens on (``-p 3000``, ``--port=8000``,
    ``--bind 0.0.0.0:8000``)."""
    for i, word in enumerate(words):
        flag = _PORT_FLAG.match(word)
        if not flag:
            continue
        value = flag.group("v") or (words[i + 1] if i + 1 < len(words) else "")
        number = re.fullmatch(r"(?:[\w.\[\]:]*:)?(\d{2,5})", value)
        if number and 0 < int(number.group(1)) < 65536:
            return int(number.group(1))
    return None


def _outside_stores(draft: Draft) -> None:
    """A datastore that stays outside the chart is reached with the values the request gives:
    no connection to a Service the chart does not run; its password is read from a Secret."""
    outside = {kind for kind, dep in draft.dependencies.items() if dep.external}
    for c in [draft.main, *draft.components.values()]:
        for link in [x for x in c.connections if x.dependency in outside]:
            c.connections.remove(link)
            if link.part == "password" and link.env not in c.secrets:
                c.add_secret(link.env)


def _one_named_secret(draft: Draft, text: str) -> None:
    """A variable given its key but no Secret, or named in the paragraph that names the one
    Secret of the request ("there's already a Secret called `s` ... `COOKIE_SECRET` is under
    key `cookie-secret`"), reads that Secret."""
    if len(draft.named_secrets) != 1:
        return
    (only,) = draft.named_secrets
    beside = " ".join(p for p in re.split(r"\n\s*\n", text) if f"`{only}`" in p)
    for c in [draft.main, *draft.components.values()]:
        for ref in c.secrets.values():
            said = re.search(rf"(?<![\w-]){re.escape(ref.env)}(?![\w-])", beside)
            if not ref.secret_name and (ref.key != kebab(ref.env) or said):
                ref.secret_name = only


def _mariadb_is_mysql(draft: Draft) -> None:
    """A bundled MariaDB is the MySQL the app's settings name ("MariaDB 11 in the chart" with
    `DB_CONNECTION=mysql`): one database, not two, unless MySQL has a version of its own."""
    mysql, mariadb = draft.dependencies.get("mysql"), draft.dependencies.get("mariadb")
    if mysql is None or mariadb is None or mysql.version or mysql.external or mariadb.external:
        return
    for field_name in ("database", "user", "existing_secret", "password_key", "purpose"):
        if not getattr(mariadb, field_name):
            setattr(mariadb, field_name, getattr(mysql, field_name))
    del draft.dependencies["mysql"]
    for c in [draft.main, *draft.components.values()]:
        for connection in c.connections:
            if connection.dependency == "mysql":
                connection.dependency = "mariadb"


def finish(draft: Draft, text: str) -> None:
    """Apply the rules that need every fact: the app is not its own dependency, a fallback name."""
    wiring.named_hosts(draft)
    _one_named_secret(draft, text)
    _outside_stores(draft)
    secret_links.referenced_secrets(draft)
    secret_links.password_variables(draft)
    secret_links.link_passwords(draft)
    shared_facts.shared_volumes(draft)
    peers.settle_ports(draft)
    for c in [draft.main, *draft.components.values()]:
        for volume in c.volumes:
            if volume.existing_claim and volume.size:
                # compose's `external: true` beside "Open WebUI data 10Gi": a claim to make
                volume.existing_claim = ""
    main = draft.main
    workloads = [main, *draft.components.values()]
    if main.image is not None:
        base = main.image.repository.rsplit("/", 1)[-1]
        for kind, backing in DEPENDENCY_BY_KIND.items():
            if base in backing.images:
                draft.dependencies.pop(kind, None)
    stack.read_env_cues(draft)
    _mariadb_is_mysql(draft)
    # what a later rule placed: an image given a workload, a variable given its value
    placed = {f"another image is mentioned: {c.image.reference}" for c in workloads if c.image}
    placed |= {
        f"environment variable {name} is named without a value"
        for c in workloads
        for name in [
            *(n for n, v in c.env.items() if v),
            *c.secrets,
            *(x.env for x in c.connections),
        ]
    }
    draft.notes = [n for n in draft.notes if n not in placed]
    if draft.tls and not (draft.ingress or draft.hosts):
        draft.note(
            "TLS is requested but no ingress host is given: terminate TLS in the app or "
            "add an ingress host"
        )
    for c in [main, *draft.components.values()]:
        if c.workload in ("CronJob", "Job") and c.app_type in ("", "api", "web", "worker"):
            c.app_type = "job"
        serves = c.workload not in ("Job", "CronJob") and c.app_type not in ("job", "migration")
        if serves and not c.ports and (port := _port_in_command([*c.command, *c.args])):
            c.add_port(port, "http", "TCP")  # "runs `dagster-webserver -p 3000`": where it listens
        # "mount it at /conf and start with `--config=/conf/config.yaml`": a file of the mount.
        mounted = [m.mount_path.rstrip("/") + "/" for m in [*c.config_mounts, *c.secret_mounts]]
        hosted = {m.mount_path for m in c.host_mounts}  # the node's own directory is mounted
        c.volumes = [
            v
            for v in c.volumes
            if not any((v.mount_path.rstrip("/") + "/").startswith(m) for m in mounted)
            and v.mount_path not in hosted
        ]
    if not draft.name and (main.framework or main.language or main.app_type):
        draft.name = dns_name(f"{main.framework or main.language or main.app_type}-app")
