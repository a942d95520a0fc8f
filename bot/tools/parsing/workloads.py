"""Which Kubernetes workload runs the app, on what schedule, and with which extra containers.

The kind is read from explicit words (StatefulSet, CronJob, DaemonSet, Job, Deployment) and
from what they stand for ("on every node", "nightly backup", "one-off"). A kind attached to
another component ("a Django app *with* a nightly cleanup CronJob") is secondary: it becomes a
note, because one chart covers one main workload. Sidecars and init containers are read from
the words around "sidecar" and "init container", with the image written next to them.
"""

from __future__ import annotations

import re
import shlex

from bot.tools.models import ExtraContainer, Image, WorkloadKind
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.images import Found
from bot.tools.parsing.lexicon import SIDECARS
from bot.tools.parsing.schedule import find_schedule
from bot.tools.parsing.text import Doc, any_of, dns_name, negated

_KINDS: tuple[tuple[WorkloadKind, re.Pattern[str]], ...] = (
    (
        "StatefulSet",
        any_of(
            r"\bstateful\s?sets?\b",
            r"\bstateful\b(?!\s*(?:ness|ly))",
            r"\bstable (?:network )?identit(?:y|ies)\b",
            r"\bordered (?:startup|rollout|deployment)\b",
            r"\beach (?:pod|replica|instance) (?:needs|gets|has|with) its own "
            r"(?:volume|disk|storage|pvc)\b",
        ),
    ),
    (
        "CronJob",
        any_of(
            r"\bcron\s?jobs?\b",
            # "its built-in cron", "the internal cron refresh": the app schedules itself.
            # "`./docker/prod/cron`" is a path, not a schedule.
            r"(?<!built-in )(?<!builtin )(?<!internal )(?<!its own )(?<!in-app )(?<![/.-])\bcron\b"
            # "cron runs in a separate pod", "the cron container": a process that stays up
            # "the cron part is safe to run twice": a duty of the process, not a CronJob
            r"(?![/.-]\w)(?!`?\s+(?:runs?\s+in|container|pod|process|daemon|service|mode|part|stuff|"
            r"side|bit|logic|functionality)\b)",
            r"\bcrontab\b",
            # "duplicate beat = duplicate scheduled tasks": what a scheduler process sends out
            r"(?<!duplicate )(?<!duplicated )(?<!every )\bscheduled (?:job|task|batch)s?\b",
        ),
    ),
    (
        "DaemonSet",
        any_of(
            r"\bdaemon\s?sets?\b",
            r"\b(?:on|to|in|across) (?:every|each|all(?: the)?) "
            r"(?:k8s |kubernetes |cluster |worker )?nodes?\b",
            r"\bper[\s-]node\b",
            r"\bone (?:pod |instance |copy )?(?:per|on each|on every) node\b",
            r"\bnode[\s-](?:agent|exporter|level agent)\b",
            r"\blog (?:shipper|collector|forwarder|agent)s?\b(?!\s+sidecar)",
        ),
    ),
    (
        "Job",
        any_of(
            r"\bone[\s-](?:off|time|shot)\b",
            r"\bbatch job\b",
            r"\b(?:kubernetes|k8s) job\b",
            r"\bruns? once\b(?!\s+(?:a|an|per|every|each)\b)",
            r"\bas a job\b",
            r"\brun[\s-]to[\s-]completion\b",
            r"(?-i:\bJob\b)",
        ),
    ),
    (
        "Deployment",
        any_of(r"(?-i:\bDeployment\b)", r"\bas a deployment\b", r"\bkind:\s*deployment\b"),
    ),
)
_ATTACHED = re.compile(
    r"\b(?:app|api|service|server|website|frontend|backend|site)\b.*\b(?:with|plus|also|"
    r"alongside|as well as|and an?|additionally|separate)\b",
    re.I,
)
_WORKER_WORDS = re.compile(
    r"\b(?:workers?|consum(?:es|er|ers|ing)|queue processor|subscriber|listener|background "
    r"(?:worker|process|processing)|long[\s-]running|daemon)\b",
    re.I,
)
_JOB_WORDS = re.compile(
    r"\b(?:jobs?|backups?|back up|reports?|cleanup|clean-up|clean up|tasks?|sync|batch|export|"
    r"import|digest|purge|rotate|scheduled?|cron|script)\b",
    re.I,
)


# "at 03:30", "at 4am", "um 4 Uhr": a time of day, which a bare "daily" said before lacks
_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}\s*(?:am|pm|uhr)\b|\bmidnight\b|\bnoon\b", re.I
)


# "(We once accidentally ran two beats on the VM ...)": an aside that tells what happened
_STORY = re.compile(r"\(\s*(?:We|I|Our|My|It|That|This)\b[^()\n]{20,}\)")


def _in_story(text: str, pos: int) -> bool:
    opened = text.rfind("(", 0, pos)
    return opened >= 0 and bool((m := _STORY.match(text, opened)) and m.end() > pos)


def _mentions(doc: Doc) -> list[tuple[int, WorkloadKind, bool]]:
    """Return (position, kind, secondary) for every non-negated workload word."""
    found: list[tuple[int, WorkloadKind, bool]] = []
    for kind, pattern in _KINDS:
        for match in pattern.finditer(doc.masked):
            if negated(doc.masked, match.start()) or re.search(
                r"\bstateless\b", doc.masked[match.start() : match.end()], re.I
            ):
                continue
            said = doc.masked[match.start() : match.end()]
            if said.lower().endswith("s") and re.search(
                r"\b(?:the|other|our)\s+$",
                doc.masked[max(0, match.start() - 8) : match.start()],
                re.I,
            ):
                continue  # "shared between web, worker and the cron jobs": other workloads
            line_start = doc.masked.rfind("\n", 0, match.start()) + 1
            if not doc.masked[line_start : match.start()].strip() and re.match(
                r"\s*:", doc.masked[match.end() :]
            ):
                continue  # "Scheduled jobs:" heads a section about other workloads
            head = doc.masked[: match.start()]
            segment = re.split(r"[,.;\n]\s", head)[-1]
            if re.search(r"\b(?:via|by|through)\s+(?:an?\s+|the\s+|its\s+own\s+)?$", segment, re.I):
                continue  # "already set on the nodes via a DaemonSet from infra": someone else's
            if _in_story(doc.masked, match.start()):
                continue  # "(We once ran two beats and got every scheduled job twice.)"
            if re.search(r"\bbecause\b", segment, re.I) or re.match(
                r"\s+(?:below|above)\b", doc.masked[match.end() :], re.I
            ):
                continue  # "..., because the CronJob below also mounts it": another workload
            found.append((match.start(), kind, bool(_ATTACHED.search(segment))))
    return sorted(found)


def read_workload(doc: Doc, draft: Draft) -> None:
    """Set the workload kind and, for a CronJob, its schedule."""
    mentions = _mentions(doc)
    primary = [kind for _, kind, secondary in mentions if not secondary]
    kind: WorkloadKind | None = draft.target.workload or (primary[0] if primary else None)
    # A port, host or Service says the main workload serves traffic: a schedule then belongs to
    # a side task; so does a job attached to an app ("a Django app with a nightly job").
    serves = bool(draft.target.ports or draft.hosts or draft.ingress or draft.target.service_type)
    # "the `jobs` component": a name in code is no word about the kind
    prose = re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), doc.masked)
    job_word = _JOB_WORDS.search(prose)
    job_words = job_word is not None
    attached = job_word is not None and bool(
        _ATTACHED.search(re.split(r"[,.;\n]\s", prose[: job_word.start()])[-1])
    )
    # "consumes jobs from RabbitMQ" describes a long-running worker, not a batch job.
    worker = bool(_WORKER_WORDS.search(doc.masked))
    job_context = kind in ("CronJob", "Job") or (
        kind is None and job_words and not serves and not attached and not worker
    )
    schedule = find_schedule(doc.masked, job_context)
    # a cron expression in a further part's own words ("- `close-surveys`, schedule `0 0 * * *`")
    # is its schedule, whatever hosts the app's Ingress has
    own_part = draft.target is not draft.main and not draft.target.ports
    if schedule.literal and kind is None and (not serves or own_part):
        job_context = True
    if schedule.cron and job_context:
        kind = "CronJob"
        timed = bool(_TIME_OF_DAY.search(doc.masked))
        draft.target.set_schedule(schedule.cron, schedule.literal, timed)
        for note in schedule.notes:
            draft.note(note)
    elif schedule.invalid and job_context:
        draft.invalid(f"schedule {schedule.invalid}")
        kind = kind or "CronJob"
    elif schedule.cron and job_words:
        draft.note(
            f"a scheduled task ({schedule.cron}) is also mentioned: run it as a separate CronJob"
        )
    for _, other, secondary in mentions:
        if other != kind and (secondary or other not in primary[:1]):
            draft.note(f"a {other} is also mentioned: this chart covers the main workload only")
    draft.target.workload = kind
    if kind is None and job_context and re.search(r"\bjobs?\b", prose, re.I):
        draft.target.app_type = draft.target.app_type or "job"
    if kind in ("CronJob", "Job"):
        draft.target.app_type = draft.target.app_type or "job"
    elif kind == "DaemonSet":
        draft.target.app_type = draft.target.app_type or "daemon"


# ----------------------------------------------------------------------------- extra containers

_SIDECAR = re.compile(r"\bside[\s-]?cars?\b", re.I)
_INIT = re.compile(
    r"\binit[\s-]?containers?\b|\binitContainers?\b|\bbefore (?:the )?(?:app|application|"
    r"service|server|main container|container|pod|api) (?:starts|boots|comes up)\b|\bbefore "
    r"start(?:ing|up)?\b|\bpre-?start\b",
    re.I,
)
_MIGRATION_COMMAND = re.compile(
    r"\b(?:python3? manage\.py migrate(?: --noinput)?|(?:bin/)?rails db:migrate|bundle exec "
    r"rake db:migrate|alembic upgrade head|flyway migrate|php artisan migrate(?: --force)?|"
    r"npx prisma migrate deploy|npm run migrate|knex migrate:latest|goose up|migrate up|"
    r"liquibase update)\b",
    re.I,
)
_MESH = re.compile(r"\b(istio|linkerd)\b", re.I)
# Known sidecars that are only ever deployed as sidecars, so naming them is enough.
_ALWAYS_SIDECAR = ("cloud-sql-proxy", "oauth2-proxy", "vault-agent", "cloudflared")


def _segment(text: str, pos: int, end: int) -> tuple[int, int]:
    """Return the stretch of text a keyword at ``pos`` speaks about (its clause + parenthesis)."""
    head = text[:pos]
    cut = max((m.end() for m in re.finditer(r"[,;\n]|\.\s|\b(?:with|and|plus)\b", head)), default=0)
    rest = text[end:]
    stop = re.search(r"[,;\n]|\.\s|\.$|\b(?:with|and|plus)\b", rest)
    stop_at = end + (stop.start() if stop else len(rest))
    paren = rest.find("(")
    if 0 <= paren and end + paren < stop_at:
        close = rest.find(")", paren)
        stop_at = max(stop_at, end + close + 1 if close >= 0 else stop_at)
    return cut, stop_at


def _command(text: str) -> list[str]:
    quoted = re.search(r"[`\"']([^`\"'\n]{3,120})[`\"']", text)
    raw = quoted.group(1) if quoted else ""
    if not raw and (known := _MIGRATION_COMMAND.search(text)):
        raw = known.group(0)
    try:
        return shlex.split(raw)
    except ValueError:
        return raw.split()


def _images_in(images: list[Found], start: int, end: int, taken: set[int]) -> Image | None:
    for i, found in enumerate(images):
        if i not in taken and start <= found.start < end and not found.base:
            taken.add(i)
            return found.image
    return None


_DROPPED = re.compile(
    r"\b(?:drop(?:ping)?|remov(?:e|ing)|ditch(?:ing)?|get(?:ting)?\s+rid\s+of|skip(?:ping)?|"
    r"lose|losing)\s+(?:the\s+|that\s+|our\s+)?(?P<what>[\w-]+)\s+side[\s-]?cars?\b",
    re.I,
)


def read_sidecars(doc: Doc, draft: Draft, images: list[Found], taken: set[int]) -> None:
    """Add sidecars named in the request, each with the image written next to it."""
    text = doc.masked
    seen: set[str] = set()
    dropped = {m.group("what").lower() for m in _DROPPED.finditer(text)}
    for match in _SIDECAR.finditer(text):
        if negated(text, match.start()):
            continue
        start, end = _segment(text, match.start(), match.end())
        window = text[start:end]
        if dropped & {w.lower() for w in re.findall(r"[\w-]+", text[start : match.start()])}:
            continue  # "I'm dropping the nginx sidecar": said of one the old setup had
        if re.search(r"\balready\b|\b(?:handled|managed|deployed)\s+by\b", window, re.I):
            continue  # "the Thanos sidecars are already handled by kube-prometheus-stack"
        mesh = _MESH.search(window)
        if mesh:
            draft.note(
                f"{mesh.group(1)} sidecar injection requested: add the mesh's injection label to "
                "the namespace or pod"
            )
            continue
        known = next((s for s in SIDECARS if s.pattern.search(window)), None)
        before = re.findall(r"[A-Za-z][\w.-]*", text[start : match.start()])
        words = [w for w in before if w.lower() not in ("a", "an", "the", "with", "and", "plus")]
        image = _images_in(images, start, end, taken)
        name = known.name if known else dns_name("-".join(words[-2:]), 63)
        if not name and image:
            name = dns_name(image.repository.rsplit("/", 1)[-1], 63)
        name = name or "sidecar"
        if name in seen:
            continue
        seen.add(name)
        purpose = known.purpose if known else " ".join(window.split())[:120]
        draft.target.sidecars.append(
            ExtraContainer(name=name, image=image, purpose=purpose, command=_command(window))
        )
    # A request whose only image is oauth2-proxy deploys oauth2-proxy itself: no sidecar.
    own = [f.image.repository for f in images if not f.base]
    if draft.target.image is not None:
        own.append(draft.target.image.repository)
    for sidecar in SIDECARS:
        if own and all(sidecar.name in repository for repository in own):
            continue
        if sidecar.name in _ALWAYS_SIDECAR and sidecar.name not in seen:
            match = sidecar.pattern.search(text)
            if match and not negated(text, match.start()):
                start, end = _segment(text, match.start(), match.end())
                seen.add(sidecar.name)
                draft.target.sidecars.append(
                    ExtraContainer(
                        name=sidecar.name,
                        image=_images_in(images, start, end, taken),
                        purpose=sidecar.purpose,
                    )
                )
    for i, found in enumerate(images):
        for extra in draft.target.sidecars:
            if i not in taken and extra.image is None and extra.name in found.image.repository:
                extra.image = found.image
                taken.add(i)


def read_init_containers(doc: Doc, draft: Draft, images: list[Found], taken: set[int]) -> None:
    """Add init containers (migrations, waiting for a dependency, fetching data)."""
    text = doc.masked
    for match in _INIT.finditer(text):
        if negated(text, match.start()):
            continue
        span = doc.sentence_at(match.start())
        window = text[span.start : span.end]
        low = window.lower()
        if "migrat" in low:
            name, purpose = "migrate", "run database migrations before the app starts"
        elif wait := re.search(r"\bwait(?:s|ing)? (?:for|until) (?:the )?([\w-]+)", low):
            name, purpose = f"wait-for-{dns_name(wait.group(1), 40)}", wait.group(0)
        elif re.search(r"\b(?:download|fetch|pull|copy|sync)", low):
            name, purpose = "fetch", "prepare files before the app starts"
        else:
            name, purpose = "init", " ".join(window.split())[:120]
        if any(c.name == name for c in draft.target.init_containers):
            continue
        image = (
            _images_in(images, span.start, span.end, taken)
            if re.search(r"\binit\b[^.]{0,40}\bimage\b|\bimage\b[^.]{0,40}\binit\b", low)
            else None
        )
        draft.target.init_containers.append(
            ExtraContainer(name=name, image=image, purpose=purpose, command=_command(window))
        )
    migration = re.search(r"\bmigrat\w*", text, re.I)
    if (
        migration
        and not any(c.name == "migrate" for c in draft.target.init_containers)
        and not negated(text, migration.start())
    ):
        draft.note("database migrations requested: run them before the app starts")


def main_is_no_job(draft: Draft) -> None:
    """ "We want migrations as a separate hook Job" beside a server on port 8080: the Job is the
    part introduced as one, not the app that serves traffic."""
    main = draft.main
    others = [c for c in draft.components.values() if c.workload == main.workload]
    # a schedule or hook the main one shares with a part of that kind is the part's
    theirs = {(c.schedule, c.hook) for c in others}
    if (
        main.workload not in ("Job", "CronJob")
        or (main.hook or main.schedule)
        and (
            (main.schedule, main.hook) not in theirs
            and not (main.schedule and main.schedule in {c.schedule for c in others})
        )
    ):
        return
    serves = bool(main.ports or draft.hosts or main.service_type)
    another = bool(others)
    # ("`rake db:setup` was a one-off on the VM" beside an app behind an Ingress)
    if serves and (another or (main.ports and draft.hosts)):
        main.workload = None
        main.schedule, main.hook = "", ""
        if main.app_type in ("job", "migration"):
            main.app_type = ""
