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

from bot.tools.parsing import catalogue, compose, issue_form, network, segments, stack
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.fields import apply_field, field_for
from bot.tools.parsing.lexicon import DEPENDENCY_BY_KIND
from bot.tools.parsing.prose import read_prose
from bot.tools.parsing.secrets import REDACTED, redact_secrets
from bot.tools.parsing.text import dns_name, normalize, unwrap

_CODE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)


def read(user_input: str) -> tuple[Draft, int]:
    """Gather the facts of ``user_input``; return them with the number of secrets redacted."""
    redacted, _ = redact_secrets(user_input)
    # Every marker is a pasted value, whether redacted now or before (the graph's request is
    # redacted on the way in): each one must be rotated.
    count = redacted.count(REDACTED)
    draft = Draft()
    docs, rest = compose.extract(redacted)
    known = compose.variables(redacted) if docs else {}
    for doc in docs:
        compose.apply(doc, draft, known)
    text = normalize(_without_code(rest))
    form = issue_form.sections(text)
    if form is not None:
        for label, value in form:
            if label:
                apply_field(label, value, draft)
        text = "\n".join(f"{label}: {value}" if label else value for label, value in form if value)
    else:
        pairs, _ = issue_form.labelled_lines(text, lambda label: field_for(label) is not None)
        for label, value in pairs:
            apply_field(label, value, draft)
    _read_parts(text, draft)
    catalogue.fill(text, draft)
    finish(draft)
    return draft, count


_LOG_LINE = re.compile(
    r"^\s*(?:\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d|\d\d:\d\d:\d\d|\[?(?:ERROR|WARN(?:ING)?|INFO|DEBUG|"
    r"FATAL|TRACE|CRITICAL)\b|Traceback|\s+at\s+[\w.$]+\(|File \"|\w+(?:Error|Exception)\b|"
    r"panic:|goroutine \d|npm ERR|E\d{4} |W\d{4} |I\d{4} |\$ (?!docker run)|> |#\d+ \[)"
)


def _without_code(text: str) -> str:
    """Blank code blocks that are logs, stack traces or shell sessions: context, not facts.

    Settings, Dockerfiles, manifests and ``docker run`` lines stay: they state facts.
    """

    def keep(match: re.Match[str]) -> str:
        body = match.group(0)
        lines = [ln for ln in body.splitlines()[1:-1] if ln.strip()]
        noisy = [ln for ln in lines if _LOG_LINE.match(ln)]
        if lines and len(noisy) >= 0.4 * len(lines):
            return "\n" * body.count("\n")
        return body

    return _CODE.sub(keep, text)


def _read_parts(text: str, draft: Draft) -> None:
    """Read the prose part by part: each workload's parts, then the rest for the main one."""
    known = [name for name in draft.components]
    reading = segments.read(text, known, draft.component)
    if not draft.component and reading.listed:
        draft.component = reading.listed[0]
    general = list(text)
    for segment in reading.segments:
        for i in range(segment.start, min(segment.end, len(general))):
            if general[i] != "\n":
                general[i] = " "
    before = _settings(draft.main)
    read_prose(unwrap("".join(general)), draft)
    said = _settings(draft.main, before)
    known_names = [*draft.components, *({draft.component} - {""})]
    for segment in reading.segments:
        for name in segment.names:
            with draft.focus(name):
                read_prose(unwrap(_unnamed(segment.text, known_names)), draft, whole=False)
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
    _share(draft, said)
    names = {segments.alias_pattern(n): n for n in [*draft.components, draft.component] if n}
    network.read_routes(unwrap(text), draft, names)


def _unnamed(text: str, names: list[str]) -> str:
    """Blank the components' names in a part of the request: "the `cron` container" names a
    workload, it does not ask for a CronJob."""
    pattern = "|".join(segments.alias_pattern(name) for name in names)
    return re.sub(
        rf"(?<![\w/.-])`?(?:{pattern})`?(?![\w/-]|\.\w)",
        lambda m: " " * len(m.group(0)),
        text,
        flags=re.I,
    )


def _role(name: str, c: ComponentDraft) -> None:
    """What a component's name says about how it runs (a migration is a hook Job)."""
    role = segments.role_name(name) or name
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


Names = tuple[set[str], set[str]]


def _settings(c: ComponentDraft, before: Names | None = None) -> Names:
    """Return the env and Secret names of a workload (those added since ``before``)."""
    env, secrets = set(c.env), set(c.secrets)
    if before is None:
        return env, secrets
    return env - before[0], secrets - before[1]


def _share(draft: Draft, said: Names) -> None:
    """Give what the request says of the app as a whole to every workload of its image."""
    env, secrets = said
    main = draft.main
    for c in draft.components.values():
        same_image = c.image is None or (
            main.image is not None and c.image.repository == main.image.repository
        )
        if not same_image:
            continue
        for name in env:
            if name not in c.env and name not in c.secrets:
                c.env[name] = main.env[name]
        for name in secrets:
            ref = main.secrets[name]
            c.add_secret(name, ref.secret_name, ref.key)


def _link_passwords(draft: Draft) -> None:
    """A datastore password the request keeps in a named Secret is where the datastore reads it
    too: one Secret for both ends, the variable rendered from it by the connection."""
    for c in [draft.main, *draft.components.values()]:
        for conn in c.connections:
            ref = c.secrets.get(conn.env)
            if conn.part != "password" or ref is None:
                continue
            dep = draft.dependencies.get(conn.dependency)
            if dep is not None and ref.secret_name and not dep.existing_secret:
                dep.existing_secret, dep.password_key = ref.secret_name, ref.key
            c.secrets.pop(conn.env)


def finish(draft: Draft) -> None:
    """Apply the rules that need every fact: the app is not its own dependency, a fallback name."""
    _link_passwords(draft)
    main = draft.main
    if main.image is not None:
        base = main.image.repository.rsplit("/", 1)[-1]
        for kind, backing in DEPENDENCY_BY_KIND.items():
            if base in backing.images:
                draft.dependencies.pop(kind, None)
    stack.read_env_cues(draft)
    if draft.tls and not (draft.ingress or draft.hosts):
        draft.note(
            "TLS is requested but no ingress host is given: terminate TLS in the app or "
            "add an ingress host"
        )
    for c in [main, *draft.components.values()]:
        if c.workload in ("CronJob", "Job") and c.app_type in ("", "api", "web", "worker"):
            c.app_type = "job"
    if not draft.name and (main.framework or main.language or main.app_type):
        draft.name = dns_name(f"{main.framework or main.language or main.app_type}-app")
