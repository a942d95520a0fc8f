"""Workloads a request names in passing: a counted list, or a workload named by its argument.

"two workloads — hbbs (`hbbs -r x:21117`, tcp 21115) and hbbr (`hbbr`, tcp 21117)" names both
parts after saying how many there are; "one Deployment that runs the image with the `web`
argument, and a second Deployment running `taskworker`" names each by the role argument it
gives one image. Either way, a person reads those names as the chart's workloads.
"""

from __future__ import annotations

import re

from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.mentions import NOT_COMPONENTS
from bot.tools.parsing.text import dns_name, to_int

_COUNTED = re.compile(
    r"\b(?P<n>two|three|four|five|[2-5])\s+(?:of\s+(?:its|the|their)\s+)?"
    r"(?:separate\s+|different\s+)?"
    r"(?:workloads|components|services|deployments|processes|parts|containers|pods)\s*"
    r"(?::|[-\u2014\u2013]|,)\s*(?P<rest>[^\n]+)",
    re.I,
)
_ITEM = re.compile(r"^\s*(?:the\s+|an?\s+)?[`*_]*(?P<name>[a-z][\w-]{1,30})[`*_]*\s*$", re.I)


def _without_brackets(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")" and depth > 0
    return "".join(out)


# "The two should be separate components named `killbill` and `kaui`": each named in code
_CALLED_PARTS = re.compile(
    r"\b(?:separate|distinct|different|own)\s+(?:workloads|components|deployments|parts)\s+"
    r"(?:named|called)\s+(?P<names>`[a-z][\w-]{1,30}`(?:\s*,\s*`[a-z][\w-]{1,30}`)*,?\s+and\s+"
    r"`[a-z][\w-]{1,30}`)",
    re.I,
)


def counted_parts(text: str) -> list[str]:
    """The names a counted list gives ("three services: web, worker and beat"), when there are
    as many as it says; or that a sentence calls separate parts by."""
    for called in _CALLED_PARTS.finditer(text):
        names = [dns_name(n, 30) for n in re.findall(r"`([^`]+)`", called.group("names"))]
        if len(set(names)) == len(names) and not set(names) & NOT_COMPONENTS:
            return names
    for match in _COUNTED.finditer(text):
        listed = re.split(r"(?<=[.!?])\s", _without_brackets(match.group("rest")), maxsplit=1)[0]
        items = re.split(r",|;|\s+and\s+|\s*&\s*|\s+\+\s+", listed.rstrip(" .!?"))
        names = []
        for item in items:
            found = _ITEM.match(item)
            name = dns_name(found.group("name"), 30) if found else ""
            if not name or name in NOT_COMPONENTS:
                break
            names.append(name)
        if len(names) == to_int(match.group("n")) and len(set(names)) == len(names):
            return names
        # "three of its services: the network server itself (`chirpstack`), one UDP gateway
        # bridge (`gateway-bridge`), and the REST API proxy (`rest-api`)": each named in code
        sentence = re.split(r"(?<=[.!?])\s", match.group("rest"), maxsplit=1)[0]
        named = [dns_name(n, 30) for n in _NAMED_ITEM.findall(sentence)]
        if len(named) == to_int(match.group("n")) and len(set(named)) == len(named):
            if not set(named) & NOT_COMPONENTS:
                return named
    return []


_NAMED_ITEM = re.compile(r"\(\s*`([a-z][\w-]{1,30})`\s*\)")


# "the contrib compose (web + worker + mariadb + redis)": the services of a compose file, named.
_PLUS = re.compile(r"\((?P<list>[^()\n]{3,120}?\s\+\s[^()\n]{1,120}?)\)")


_STORES = frozenset("db database cache broker mq storage s3 minio search queue-db".split())
# "the web app (Apache + PHP)": what one workload is built from, not a list of workloads.
_STACK = frozenset(
    """apache httpd php php-fpm fpm python node nodejs ruby java jvm go golang rust perl gunicorn
    uwsgi puma unicorn tomcat jetty laravel django rails symfony flask express spring""".split()
)


def plus_parts(text: str) -> list[str]:
    """The app's workloads in a "(web + worker + redis)" list, its datastores left out; none
    unless two or more."""
    for match in _PLUS.finditer(text):
        names = []
        for item in re.split(r"\s+\+\s+", match.group("list").split(",")[0]):
            found = _ITEM.match(item)
            if not found:
                break
            word = found.group("name")
            if word.lower() in _STACK:
                break
            if (
                any(d.pattern.search(word) for d in DEPENDENCIES)
                or word.lower() in _STORES
                or word.lower().rsplit("-", 1)[-1] in _STORES  # "ryot-db"
            ):
                continue  # "(web + db)": the datastore, bundled or not, is no workload
            names.append(dns_name(word, 30))
        else:
            rest = text[: match.start()] + text[match.end() :]
            if len(names) >= 2 and not set(names) & NOT_COMPONENTS and _said_again(names, rest):
                return names
    return []


def _said_again(names: list[str], rest: str) -> bool:
    """Whether the request names one of the listed parts again: "OneDev (git-server + CI)" that
    never comes back to either says what the app does, not what it is made of."""
    spelled = [r"[\s_-]?".join(map(re.escape, n.split("-"))) for n in names]
    return any(re.search(rf"(?<![\w-])(?:{s})s?(?![\w-])", rest, re.I) for s in spelled)


# "a Deployment that runs the image with the `web` argument", "a second Deployment from the same
# image running `taskworker`", "a CronJob running the image with the `cron` argument".
_BY_ARGUMENT = re.compile(
    r"\b(?:one|an?|second|another|third)\s+"
    r"(?P<kind>deployment|cron\s?job|statefulset|daemonset|job)\b"
    r"[^.`\n]{0,60}?(?:\bwith\s+the\s+`(?P<a>[a-z][\w-]{1,30})`\s+(?:argument|arg|command|"
    r"sub-?command)|\brunning\s+`(?P<b>[a-z][\w-]{1,30})`)",
    re.I,
)


_KINDS = {
    "deployment": "Deployment",
    "cronjob": "CronJob",
    "cron job": "CronJob",
    "statefulset": "StatefulSet",
    "daemonset": "DaemonSet",
    "job": "Job",
}


def argument_parts(text: str) -> dict[str, tuple[str, str]]:
    """Workloads named by the one-word argument each gives the image, with that argument and
    the kind said; none unless two or more."""
    found: dict[str, tuple[str, str]] = {}
    for match in _BY_ARGUMENT.finditer(text):
        word = match.group("a") or match.group("b")
        name = dns_name(word, 30)
        if name and name not in NOT_COMPONENTS:
            found.setdefault(name, (word, _KINDS[re.sub(r"\s+", " ", match.group("kind").lower())]))
    return found if len(found) >= 2 else {}


# "`worker-a` runs `run_worker worker_a`, `worker-b` runs `run_worker worker_b`": parts named in
# code, each with the command it runs.
_RUNS_PART = re.compile(
    r"(?<![\w`-])`(?P<name>[a-z][\w-]{1,30})`\s+(?:runs|executes|should\s+run)\s+`(?P<cmd>[^`\n]+)`"
)


def running_parts(text: str) -> dict[str, tuple[str, str]]:
    """Workloads named in code beside the command each runs, kind unsaid; none unless two or
    more."""
    found: dict[str, tuple[str, str]] = {}
    for match in _RUNS_PART.finditer(text):
        name = dns_name(match.group("name"), 30)
        if name and name not in NOT_COMPONENTS:
            found.setdefault(name, (match.group("cmd").strip(), ""))
    return found if len(found) >= 2 else {}
