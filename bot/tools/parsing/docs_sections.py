"""Answers given section by section to pasted configuration docs.

A request pastes an image's configuration reference, a heading per topic over a table of the
variables it reads ("## System mailer" over ``MAILER_SMTP_HOST``, ``MAILER_SMTP_PORT``,
``MAILER_SMTP_USER``, ``MAILER_SMTP_PASSWORD``), and then answers topic by topic: "- System
mailer: Amazon SES SMTP, `email-smtp.eu-central-1.amazonaws.com` on 587. User and password are in
Secret `keila-ses` (keys `username` and `password`)." The topic names the section; what the answer
says goes to that section's variables: a host to its ``*_HOST``, a port to its ``*_PORT``, the
values a Secret holds to the variables the answer names ("user and password", "the password",
"both keys"), key by key in the order given. A variable the request sets itself keeps its value.
"""

from __future__ import annotations

import re

from bot.tools.parsing.described import DOCUMENTED
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.secrets import is_secret_name
from bot.tools.parsing.text import kebab

_HEADING = re.compile(r"^[>\s]*#{1,6}\s+(?P<title>[^\n#]+?)\s*#*\s*$")
_ANSWER = re.compile(r"^\s*(?:[-*+]\s+)?(?P<topic>[A-Za-z][\w -]{1,40}?)\s*:\s+(?P<rest>\S.*)$")
_SECRET = re.compile(
    r"\bsecret\s+`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`|\bin\s+`(?P<in>[a-z0-9][a-z0-9.-]*[a-z0-9])`"
    r"(?=[^.`]{0,20}\bkeys?\b)",
    re.I,
)
_KEYS = re.compile(r"\bkeys?\s+(?P<keys>`[^`\n]+`(?:\s*(?:,|and|&)\s*`[^`\n]+`)*)", re.I)
_HOST = re.compile(
    r"`(?P<h>[a-z0-9-]+(?:\.[a-z0-9-]+){2,})`|(?<![\w./@-])(?P<b>[a-z0-9-]+(?:\.[a-z0-9-]+){2,})(?![\w/@-])",
    re.I,
)
_PORT = re.compile(r"\b(?:on|port)\s+(?P<n>\d{2,5})\b", re.I)
# What an answer says the Secret holds, in the words of the variables' names.
_WORDS = {
    "user": ("USER", "USERNAME", "LOGIN"),
    "username": ("USER", "USERNAME", "LOGIN"),
    "login": ("USER", "USERNAME", "LOGIN"),
    "password": ("PASSWORD", "PASS", "PASSWD"),
    "token": ("TOKEN",),
    "key": ("KEY",),
    "keys": ("KEY",),
    "secret": ("SECRET",),
}


def sections(text: str) -> dict[str, list[str]]:
    """The pasted docs' variables by the words of their section's heading."""
    found: dict[str, list[str]] = {}
    title = ""
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            title = " ".join(re.findall(r"[a-z0-9]+", heading.group("title").lower()))
            continue
        documented = DOCUMENTED.match(line)
        if documented and title:
            found.setdefault(title, []).append(documented.group("name"))
    return found


# "| `PORT` | | `4000` | Port on which Keila will listen |": the port and its default.
_PORT_ROW = re.compile(
    r"^[>\s]*\|\s*`(?:HTTP_|LISTEN_|SERVER_|APP_)?PORT`\s*\|[^\n`]*`(?P<n>\d{2,5})`"
)
_DEFAULT_PORT = re.compile(r"\b(?:on|at|uses?|keep)\s+(?:the|its)\s+default\s+port\b", re.I)


def fill(text: str, draft: Draft) -> None:
    """Give the variables of each answered section what the answer says of them, and the
    app the port the docs give as the default when the request keeps it."""
    c = draft.main
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    row = next((m for line in text.splitlines() if (m := _PORT_ROW.match(line))), None)
    if row and _DEFAULT_PORT.search(own):
        stated = [p for p in c.ports if re.search(rf"(?<![\w.:]){p.port}(?![\w.:])", own)]
        if not stated:  # a port read from the docs' other rows ("`80` for schema `http`")
            c.ports.clear()
            c.add_port(int(row.group("n")), "http")
    by_title = sections(text)
    if not by_title:
        return
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue  # the docs themselves
        answer = _ANSWER.match(line)
        if not answer:
            continue
        topic = " ".join(re.findall(r"[a-z0-9]+", answer.group("topic").lower()))
        names = by_title.get(topic)
        if names:
            _answer(answer.group("rest"), names, c)


def _free(name: str, c: ComponentDraft) -> bool:
    """Say whether the request left ``name`` for the docs' answer to fill."""
    ref = c.secrets.get(name)
    # a Secret named for it without a key ("... live in Secret `x`") is still the answer's
    return not c.env.get(name) and (ref is None or not ref.secret_name or ref.key == kebab(name))


def _answer(rest: str, names: list[str], c: ComponentDraft) -> None:
    said = re.sub(r"`[A-Z][A-Z0-9_]{2,}`", " ", rest)  # the variables it names itself are set
    free = [n for n in names if _free(n, c) and n not in rest]
    host = _HOST.search(re.sub(r"https?://\S+", " ", said))
    target = next((n for n in free if n.endswith(("_HOST", "_HOSTNAME", "_SERVER"))), None)
    if host and target and not is_secret_name(target):
        c.env[target] = host.group("h") or host.group("b")
    port = _PORT.search(said)
    target = next((n for n in free if n.endswith("_PORT")), None)
    if port and target:
        c.env[target] = port.group("n")
    secret = _SECRET.search(said)
    keys = _KEYS.search(said)
    if not secret:
        return
    listed = re.findall(r"`([^`\n]+)`", keys.group("keys")) if keys else []
    before = said[: secret.start()].lower()
    wanted = _said_variables(before, free)
    if not wanted or (listed and len(listed) != len(wanted)):
        return
    secret_name = secret.group("name") or secret.group("in")
    for i, name in enumerate(wanted):
        c.env.pop(name, None)
        c.add_secret(name, secret_name, listed[i] if listed else "")


def _said_variables(words: str, free: list[str]) -> list[str]:
    """The section's variables the words before the Secret name, in the order said."""
    wanted: list[str] = []
    for word in re.findall(r"[a-z]+", words):
        suffixes = _WORDS.get(word)
        if not suffixes:
            continue
        fits = [n for n in free if n.endswith(tuple(f"_{s}" for s in suffixes)) and n not in wanted]
        if word == "keys" or (word == "key" and "both" in words):
            wanted += fits  # "both keys in Secret `x`": every key the section lists
        elif len(fits) == 1:
            wanted.append(fits[0])
    return wanted
