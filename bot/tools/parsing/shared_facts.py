"""What the request says once for several workloads: the app's settings for every workload
of its image, one replica count for all of them, "the same volumes" or "the same database
settings" said of a further part, and a volume several parts mount.

A fact said for the whole app is given to each workload that runs the app's configuration;
a variable said to be one part's only ("On `worker` only: `WORKER=true`") is taken back from
the others.
"""

from __future__ import annotations

import re
from typing import Any

from bot.tools.models import Volume
from bot.tools.parsing import quantities
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.parts import Segment
from bot.tools.parsing.text import Doc

Names = tuple[set[str], set[str], set[str]]  # env, Secret-backed env, datastore connections


def settings(c: ComponentDraft, before: Names | None = None) -> Names:
    """Return the env, Secret and connection names of a workload (those added since ``before``)."""
    env, secrets, reached = set(c.env), set(c.secrets), {x.env for x in c.connections}
    if before is None:
        return env, secrets, reached
    return env - before[0], secrets - before[1], reached - before[2]


def share(draft: Draft, said: Names) -> None:
    """Give what the request says of the app as a whole to every workload of its image, and
    where a variable's value lives to every workload that reads that variable."""
    env, secrets, reached = said
    main = draft.main
    main_files = set(draft.env_files.get(draft.component, []))
    located = {n: ref for n, ref in main.secrets.items() if ref.secret_name}
    for key, c in draft.components.items():
        # A workload of the main image, or one that loads the main one's env file, runs the
        # same app configuration.
        same_app = (
            c.image is None
            or (main.image is not None and c.image.repository == main.image.repository)
            or bool(main_files & set(draft.env_files.get(key, [])))
        )
        for variable, ref in located.items():
            if variable in c.secrets or variable in c.env:
                c.add_secret(variable, ref.secret_name, ref.key)
        if not same_app:
            continue
        # a later sentence may have turned one into the other ("`PWP__ALLOW_ANONYMOUS=false`")
        for variable in [v for v in secrets if v in main.secrets]:
            ref = main.secrets[variable]
            c.add_secret(variable, ref.secret_name, ref.key)
        for variable in [v for v in env if v in main.env]:
            if variable not in c.env and variable not in c.secrets:
                c.env[variable] = main.env[variable]
        for x in main.connections:
            ref = c.secrets.get(x.env)
            if ref is not None and not ref.secret_name:
                c.secrets.pop(x.env)  # "the same env as web (`DATABASE_URL`)": wired as web's is
                c.connections.append(x)
        for x in main.connections:
            if x.env in reached and c.env.get(x.env) == "":
                c.env.pop(x.env)  # "PGHOST=${PGHOST}" in compose, "`PGHOST` = the bundled postgres"
        taken = {*c.env, *c.secrets, *(x.env for x in c.connections)}
        c.connections += [x for x in main.connections if x.env in reached and x.env not in taken]


# "On `worker` only: `WORKER=true`": a variable of that part's, whatever a list of the app's
# variables around it said.
_ONLY = re.compile(
    r"\b(?:on|for|in)\s+(?:the\s+)?`?[\w-]+`?\s+only\b|\bonly\s+(?:on|for|in)\s+(?:the\s+)?`?[\w-]+`?\s*:|"
    r"^\W*`?[\w-]+`?\s+only\s*:",
    re.I,
)
_ASSIGNED = re.compile(r"(?<![\w$])([A-Z][A-Z0-9]*_?[A-Z0-9_]*)=")


def only_theirs(draft: Draft, segs: list[Segment]) -> None:
    for segment in segs:
        if len(segment.names) != 1 or not _ONLY.search(segment.text):
            continue
        for variable in _ASSIGNED.findall(segment.text):
            for name, c in [(draft.component, draft.main), *draft.components.items()]:
                if name not in segment.names:
                    c.env.pop(variable, None)


# "One replica each is plenty", "2 replicas for all of them": a count for every workload.
_EACH = re.compile(
    r"\breplicas?\s+(?:each|apiece|for\s+(?:each|both|all|every)\b)|\b(?:each|both|all)\b[^.\n]{0,20}"
    r"\breplicas?\b",
    re.I,
)
# "Everything runs as a single replica for now": said of them all, wherever it is said.
_EVERYTHING = re.compile(
    r"\b(?:everything|every\s+(?:workload|component|part|deployment))\b[^.\n]{0,30}\breplicas?\b",
    re.I,
)


def _replicas_each(
    text: str, said: re.Pattern[str] = _EACH
) -> tuple[int | None, int | None] | None:
    """The replica count said once for every workload of the app, if any."""
    doc = Doc(text)
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        if said.search(sentence):
            found = quantities.find_replicas(sentence)
            if found.low is not None:
                return found.low, found.high
    return None


# "Same image, same database settings, both volumes mounted": the app's claims, mounted here too.
_SAME_VOLUMES = re.compile(
    r"\b(?:both|all(?:\s+the)?|the\s+same|its|the\s+app'?s)\s+(?:two\s+|three\s+)?"
    r"(?:persistent\s+)?volumes\s+(?:are\s+|also\s+)?(?:mounted|too|as\s+well)\b|"
    # "... with the InvenTree image and the data volume mounted"
    r"\bthe\s+(?:data|app|main|shared)\s+volume\s+(?:is\s+|also\s+)?mounted\b|"
    # "The config, logs and media directories must be shared between web, worker and ..."
    r"\b(?:director(?:y|ies)|dirs?|volumes?|folders?)\s+(?:must|should|need\s+to|have\s+to)\s+be\s+"
    r"shared\s+(?:between|by|with|across)\b",
    re.I,
)


# "needs the same database variables", "the same DB settings as web": the main workload's
# database variables (plain ones; what points at the bundled datastore is read where said).
_SAME_DB_ENV = re.compile(
    r"\bsame\s+(?:database|db)\s+(?:variables|vars|env(?:ironment)?|settings|config)\b", re.I
)
_DATABASE_VARIABLE = re.compile(r"(?:^|_)(?:DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB)(?:_|$)")


def _copy_database_env(draft: Draft, c: Any) -> None:
    for name, value in draft.main.env.items():
        if _DATABASE_VARIABLE.search(name) and name not in c.env and name not in c.secrets:
            c.env[name] = value
    for name, ref in draft.main.secrets.items():  # the password, as the app reads it
        if _DATABASE_VARIABLE.search(name) and name not in c.env and name not in c.secrets:
            c.secrets[name] = ref.model_copy()
    c.connections += [  # the host the chart's datastore has
        x.model_copy()
        for x in draft.main.connections
        if _DATABASE_VARIABLE.search(x.env) and all(y.env != x.env for y in c.connections)
    ]


# "(the same ConfigMap mounted)": the main workload's configuration files, here too.
_SAME_CONFIG = re.compile(r"\bsame\s+config\s?maps?\b", re.I)


def _mount_main_volumes(draft: Draft, c: Any, paths: set[str] | None = None) -> None:
    for volume in draft.main.volumes:
        if paths is not None and volume.mount_path not in paths:
            continue
        if volume.persistent and not any(v.mount_path == volume.mount_path for v in c.volumes):
            c.volumes.append(volume.model_copy())


# "a CronJob ..., mounting `/music` and the search index": the app's volumes at those paths
_MOUNTING = re.compile(r"\bmount(?:s|ing|ed)?\b(?P<what>[^.;]{0,80})", re.I)


def share_common(draft: Draft, cron: dict[str, Any], scratch: list[Volume]) -> None:
    """Give the CronJob settings and scratch volumes said of the whole app to each workload of
    the main image that runs on a schedule (cron) or lacks that path (scratch)."""
    main = draft.main
    for c in draft.components.values():
        if (
            c.image is not None
            and main.image is not None
            and c.image.repository != (main.image.repository)
        ):
            continue
        if c.schedule:
            for key, value in cron.items():
                c.cron.setdefault(key, value)
        for volume in scratch:
            if not any(v.mount_path == volume.mount_path for v in c.volumes):
                c.volumes.append(volume.model_copy())


def shared_volumes(draft: Draft) -> None:
    """A volume several workloads mount (the same compose volume at the same path) is one set
    of files: the size, class and access mode stated for it hold wherever it is mounted."""
    workloads = [(draft.component or "the main workload", draft.main), *draft.components.items()]
    for name, c in workloads:
        for volume in [v for v in c.volumes if v.persistent and v.size]:
            users = [name]
            for other_name, other in workloads:
                same = next(
                    (
                        v
                        for v in other.volumes
                        if other is not c
                        and v.name == volume.name
                        and v.mount_path == volume.mount_path
                        and not v.size
                    ),
                    None,
                )
                if same is not None:
                    same.persistent, same.size = True, volume.size
                    same.storage_class = same.storage_class or volume.storage_class
                    same.access_mode = volume.access_mode
                    users.append(other_name)
            if len(users) > 1 and volume.access_mode == "ReadWriteOnce":
                draft.note(
                    f"{volume.mount_path} is shared by {', '.join(users)} through one "
                    "ReadWriteOnce claim: their pods must run on one node (or use a "
                    "ReadWriteMany storage class)"
                )


# "the `sites` directory (`/home/frappe/frappe-bench/sites`) has to be shared by *all* of the
# above": the volume at that path is every part's (those named before the sentence, for "above")
_BY_ALL = re.compile(
    r"\b(?:shared|mounted|used)\s+(?:by|in|into|on|across|between|with)\s+\W*(?:all|every|each)\W*\s+"
    r"(?:of\s+)?(?P<which>(?:the\s+)?above|them|these|those|the\s+(?:pods|workloads|components|"
    r"containers|deployments|processes|services)|(?:pod|workload|component|container|process)s?)\b",
    re.I,
)


def shared_by_all(draft: Draft, general: str, text: str) -> None:
    """Mount the main workload's volumes that a sentence of the general text says all the parts
    share in each of them."""
    doc = Doc(general)
    for match in _BY_ALL.finditer(general):
        span = doc.sentence_at(match.start())
        sentence = general[span.start : span.end]
        paths = {p.rstrip("/") for p in re.findall(r"`(/[\w./-]+)`", sentence)}
        above = "above" in match.group("which").lower()
        for name, c in draft.components.items():
            said = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
            if above and (said is None or said.start() > span.start):
                continue
            _mount_main_volumes(draft, c, paths or None)


def replicas_each(general: str, text: str) -> tuple[int | None, int | None] | None:
    """The replica count said once for every workload: in the text no part claims ("One
    replica each"), or anywhere ("Everything runs as a single replica")."""
    return _replicas_each(general) or _replicas_each(text, _EVERYTHING)


def take_from_main(draft: Draft, c: ComponentDraft, text: str) -> None:
    """Give a further part what its text says it shares with the main one: "the same
    volumes", "the same database settings", "the same ConfigMap"."""
    if _SAME_VOLUMES.search(text):
        _mount_main_volumes(draft, c)
    for said in _MOUNTING.finditer(text):
        paths = {p.rstrip("/") or "/" for p in re.findall(r"`(/[\w./-]*)`", said.group("what"))}
        _mount_main_volumes(draft, c, paths)
    if _SAME_DB_ENV.search(text):
        _copy_database_env(draft, c)
    if _SAME_CONFIG.search(text):
        c.config_mounts += [m for m in draft.main.config_mounts if m not in c.config_mounts]


# "plus the same `OPENCTI_URL` and `OPENCTI_TOKEN` as the worker": those variables, as that
# part has them
_SAME_AS = re.compile(
    r"\bsame\s+(?P<vars>`[A-Z][A-Z0-9_]*`(?:\s*(?:,|and|&)\s*`[A-Z][A-Z0-9_]*`)*)\s+as\s+"
    r"(?:the\s+|in\s+the\s+|on\s+the\s+)?`?(?P<part>[a-z][\w-]*)`?"
)


def same_as_another(draft: Draft, segs: list[Segment]) -> None:
    """Copy the variables a part is said to share with another part, as that part has them."""
    parts = {draft.component: draft.main, **draft.components}
    for segment in segs:
        if len(segment.names) != 1 or segment.names[0] not in parts:
            continue
        c = parts[segment.names[0]]
        for match in _SAME_AS.finditer(segment.text):
            other = parts.get(match.group("part"))
            if other is None or other is c:
                continue
            for variable in re.findall(r"`([A-Z][A-Z0-9_]*)`", match.group("vars")):
                if variable in other.env and variable not in c.env:
                    c.env[variable] = other.env[variable]
                if variable in other.secrets:  # as the other reads it, whatever was guessed
                    c.secrets[variable] = other.secrets[variable].model_copy()
                c.connections += [
                    x
                    for x in other.connections
                    if x.env == variable and all(y.env != variable for y in c.connections)
                ]
