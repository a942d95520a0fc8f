"""CronJob schedules: from words ("every day at 3am", "hourly") or cron syntax, and checking them.

Kubernetes CronJobs take a five-field cron expression (or an @macro). Requests mostly say it in
words, so the common phrasings are translated; an expression that cannot be translated or is
not valid cron is kept as written so that validation can name the problem instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.tools.parsing.text import NUMBER, to_int

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_NAMES = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
_FIELD = rf"(?:[\d*?]+(?:[-/][\d]+)*|{_NAMES}(?:-{_NAMES})?)(?:,(?:[\d*?]+(?:[-/]\d+)*|{_NAMES}))*"
CRON = re.compile(rf"(?<![\w*/,-])(?P<expr>{_FIELD}(?:[ \t]+{_FIELD}){{4}})(?![\w*/,-])", re.I)
_LABELLED = re.compile(
    r"\b(?:schedule|cron(?:\s+expression)?|crontab)\b\s*(?:[:=]|is|of)?\s*[`\"']?"
    r"(?P<raw>(?:CRON_TZ=\S+\s+|TZ=\S+\s+)?[\d*][\d*?/,-]*(?:[ \t]+[\w*?/,-]+)*)",
    re.I,
)
_DAYS = {
    "sunday": 0,
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
}
ZONE = re.compile(r"\b(UTC|GMT|CET|CEST|EST|EDT|PST|PDT|IST|JST|[A-Z][a-z]+/[A-Z][A-Za-z_]+)\b")


@dataclass
class Schedule:
    cron: str = ""
    notes: list[str] = field(default_factory=list)
    invalid: str = ""
    literal: bool = False  # written as cron syntax or an @macro, not in words


def _time(text: str) -> tuple[int, int] | None:
    """Return the (hour, minute) a text names, if any."""
    if re.search(r"\bmidnight\b", text):
        return 0, 0
    if re.search(r"\b(?:noon|midday)\b", text):
        return 12, 0
    twelve = re.search(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", text)
    if twelve:
        hour, minute = int(twelve.group(1)) % 12, int(twelve.group(2) or 0)
        return (hour + (12 if twelve.group(3) == "p" else 0)), minute
    clock = re.search(r"\b(?:at\s+)?([01]?\d|2[0-3])[:h](\d{2})\b", text)
    if clock:
        return int(clock.group(1)), int(clock.group(2))
    oclock = re.search(r"\bat\s+(\d{1,2})(?:\s*o'?clock)?\b(?!\s*(?:%|replicas|pods|gi|mi))", text)
    if oclock and int(oclock.group(1)) < 24:
        return int(oclock.group(1)), 0
    return None


def _minute_past(text: str) -> int:
    """Return the minute of an hourly schedule ("at :15", "15 minutes past"), default 0."""
    past = re.search(r"\b(\d{1,2})\s*(?:minutes?\s+)?past\b|\bat\s+:(\d{2})\b", text)
    if past:
        minute = int(past.group(1) or past.group(2))
        return minute if minute < 60 else 0
    return 0


def _weekdays(text: str) -> str:
    """Return the cron day-of-week field a text names, or ''."""
    if re.search(
        r"\b(?:weekdays|every weekday|monday (?:to|through|-) friday|mon-fri|"
        r"business days|working days)\b",
        text,
    ):
        return "1-5"
    if re.search(r"\bweekends?\b", text):
        return "0,6"
    # Abbreviations ("sun", "sat", "wed") are ordinary words unless a schedule word leads them.
    days = [
        n
        for day, n in _DAYS.items()
        if re.search(
            rf"(?<!last )(?<!next )(?<!this )(?<!past )\b{day}s?\b|"
            rf"\b(?:every|on|each)\s+{day[:3]}\b|\b{day[:3]}-",
            text,
        )
    ]  # "last Tuesday the box rebooted" is a date, not a schedule
    return ",".join(str(d) for d in days)


def _every(text: str) -> Schedule | None:
    """Translate "every N minutes/hours/days"."""
    match = re.search(
        rf"\bevery\s+(?P<n>{NUMBER}\s+|other\s+)?(?P<unit>second|sec|minute|min|hour|hr|day)s?\b",
        text,
    )
    if not match:
        return None
    raw = (match.group("n") or "").strip()
    count = 2 if raw == "other" else (to_int(raw) if raw else 1) or 1
    unit = match.group("unit")
    if unit.startswith("sec"):
        return Schedule(invalid=f"'{match.group(0)}': a CronJob runs at most once a minute")
    if unit.startswith("min"):
        if count >= 60 and count % 60 == 0:
            count, unit = count // 60, "hour"
        elif count >= 60:
            return Schedule(invalid=f"'{match.group(0)}' cannot be written as a cron schedule")
        else:
            return Schedule("* * * * *" if count == 1 else f"*/{count} * * * *")
    if unit.startswith(("hour", "hr")):
        if count >= 24:
            return Schedule(invalid=f"'{match.group(0)}' cannot be written as a cron schedule")
        minute = _minute_past(text)
        return Schedule(f"{minute} * * * *" if count == 1 else f"{minute} */{count} * * *")
    if count > 1:
        hour, minute = _time(text) or (0, 0)
        return Schedule(f"{minute} {hour} */{count} * *")
    return None


def from_words(text: str, job_context: bool = False) -> Schedule:
    """Return the schedule a phrase like "every day at 3am" or "hourly" describes."""
    low = text.lower()
    result = _every(low)
    if result is not None:
        return _with_zone(result, text)
    time = _time(low)
    days = _weekdays(low)
    if re.search(r"\b(?:hourly|once an hour|each hour|every hour)\b", low):
        return _with_zone(Schedule(f"{_minute_past(low)} * * * *"), text)
    if re.search(r"\b(?:twice a day|twice daily|two times a day)\b", low):
        return _with_zone(Schedule("0 0,12 * * *"), text)
    if re.search(r"\b(?:yearly|annually|once a year|every year)\b", low):
        hour, minute = time or (0, 0)
        return _with_zone(Schedule(f"{minute} {hour} 1 1 *"), text)
    monthly = re.search(
        r"\b(?:monthly|once a month|every month|each month|of the month|"
        r"of every month|of each month)\b",
        low,
    )
    if monthly:
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\b", low)
        hour, minute = time or (0, 0)
        return _with_zone(Schedule(f"{minute} {hour} {day.group(1) if day else 1} * *"), text)
    weekly = re.search(r"\b(?:weekly|once a week|every week|each week)\b", low)
    daily = re.search(
        r"\b(?:daily|nightly|every (?:day|night|evening|morning)|each (?:day|night)|"
        r"once a day|midnight)\b",
        low,
    )
    if weekly or days or daily or (time and job_context):
        result = Schedule()
        if time is None:
            time = (0, 0)
            result.notes.append("no time of day given for the schedule: midnight assumed")
        hour, minute = time
        dow = days or ("0" if weekly else "*")
        result.cron = f"{minute} {hour} * * {dow}"
        return _with_zone(result, text)
    return Schedule()


def _with_zone(result: Schedule, text: str) -> Schedule:
    zone = ZONE.search(text)
    if zone and result.cron:
        result.notes.append(f"schedule time zone {zone.group(1)} (CronJob timeZone)")
    return result


def find_schedule(text: str, job_context: bool = False) -> Schedule:
    """Return the schedule stated anywhere in ``text``: cron syntax, an @macro, or words."""
    macro = next(
        (
            m
            for m in re.finditer(
                r"@(?:yearly|annually|monthly|weekly|daily|midnight|hourly)\b", text, re.I
            )
            # "(Default: `@daily`)" in pasted docs: what the image does, not what is asked
            if not re.search(
                r"default\s*(?:is|:)?\s*[`\"']?$", text[max(0, m.start() - 20) : m.start()], re.I
            )
        ),
        None,
    )
    if macro:
        return Schedule(MACROS[macro.group(0).lower()], literal=True)
    labelled = _LABELLED.search(text)
    if (
        labelled
        and len(labelled.group("raw").split()) >= 2
        and re.search(r"[\d*]", labelled.group("raw"))
    ):
        raw = labelled.group("raw").strip()
        words = raw.split()
        if not re.match(r"(?:CRON_)?TZ=", raw):
            words = [w for w in words if re.fullmatch(r"[\d*?/,-]+|" + _NAMES + r"\S*", w, re.I)]
        return Schedule(" ".join(words[:6]), literal=True)
    for match in CRON.finditer(text):
        expr = match.group("expr")
        before = text[max(0, match.start() - 30) : match.start()].lower()
        if "*" in expr or re.search(r"schedule|cron", before):
            return Schedule(" ".join(expr.split()), literal=True)
    return from_words(text, job_context)


# ----------------------------------------------------------------------------- validation

_RANGES = (
    (0, 59, "minute"),
    (0, 23, "hour"),
    (1, 31, "day of month"),
    (1, 12, "month"),
    (0, 7, "day of week"),
)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_DOW = "sun mon tue wed thu fri sat".split()


def _value(token: str, index: int) -> int | None:
    low = token.lower()
    if index == 3 and low in _MONTHS:
        return _MONTHS.index(low) + 1
    if index == 4 and low in _DOW:
        return _DOW.index(low)
    return int(token) if token.isdigit() else None


def _check_item(item: str, index: int) -> str:
    low, high, label = _RANGES[index]
    base, _, step = item.partition("/")
    if step and (not step.isdigit() or int(step) < 1):
        return f"bad step '{item}' in the {label} field"
    if base in ("*", "?"):
        return "" if base == "*" or index in (2, 4) else f"'?' is not allowed in the {label} field"
    bounds = base.split("-")
    if len(bounds) > 2:
        return f"bad range '{item}' in the {label} field"
    values = [_value(b, index) for b in bounds]
    if any(v is None or not low <= v <= high for v in values):
        return f"'{item}' is outside {low}-{high} in the {label} field"
    if (
        len(values) == 2
        and values[0] is not None
        and values[1] is not None
        and values[0] > values[1]
    ):
        return f"range '{item}' runs backwards in the {label} field"
    return ""


def cron_error(expression: str) -> str:
    """Return why ``expression`` is not a schedule Kubernetes accepts, or '' when it is."""
    expression = expression.strip()
    if expression.lower() in MACROS:
        return ""
    if re.match(r"(?:CRON_)?TZ=", expression):
        return "time zones go in the CronJob's timeZone field, not in the schedule"
    fields = expression.split()
    if len(fields) != 5:
        return f"a cron schedule has 5 fields (minute hour day month weekday), not {len(fields)}"
    for index, value in enumerate(fields):
        for item in value.split(","):
            problem = _check_item(item, index)
            if problem:
                return problem
    return ""
