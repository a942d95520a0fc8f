"""Where the application is reached: ingress host names and the paths routed to components.

A host is a domain that is not an image registry, a file name, a label or taint key, or a
service the app calls out to ("sends mail via smtp.example.com"); "ingress a.example.com", an
https URL and "UI at a.example.com" name one. "`/api` goes to the backend" routes a path.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.text import Doc, in_command_span

_HOST = re.compile(
    r"(?<![\w@./-])(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}"
    r"[a-z0-9])?\.)+[a-z]{2,24})(?::\d+)?(?P<path>/[\w/.-]*)?(?![\w-]|\.[a-z0-9])",
    re.I,
)
_NOT_TLDS = frozenset(
    """
py js ts go rb java json yaml yml toml ini cfg conf txt md sh bash sql env lock xml html htm
css php jar war log pem crt key tar gz tgz zip csv pid sock tpl properties dll exe bin so ex exs
rs kt cs vue jsx tsx mjs cjs svc local internal localhost lan cluster test invalid example
example_com dockerfile gradle pom mod sum tf hcl lua pl swift dart scala clj erl hs ml r jl
""".split()
)
_LABELLED_TLDS = frozenset({"example", "test", "internal", "lan", "local", "home", "lab"})
_TECH = frozenset(
    {
        "asp.net",
        "node.js",
        "next.js",
        "vue.js",
        "express.js",
        "nest.js",
        "socket.io",
        "cert-manager.io",
        "kubernetes.io",
        "k8s.io",
        "helm.sh",
        "docker.io",
        "ghcr.io",
        "gcr.io",
        "quay.io",
        "registry.k8s.io",
        "ecr.aws",
        "letsencrypt.org",
        "nginx.org",
        "nginx.ingress.kubernetes.io",
        "traefik.io",
        "fluentbit.io",
        "github.com",
        "gitlab.com",
        "hub.docker.com",
        "mcr.microsoft.com",
        "public.ecr.aws",
        "hooks.slack.com",
        "api.github.com",
    }
)
_REGISTRY = re.compile(r"(?:\.dkr\.ecr\.|\.azurecr\.io$|\.pkg\.dev$|^registry\.|\.gcr\.io$)")
_OUTBOUND = re.compile(
    r"\b(?:calls?|calling|talks? to|connects? to|connecting to|sends?|sending|fetch(?:es|ing)?|"
    r"pulls?|pulling|downloads?|downloading|uploads?|uploading|push(?:es|ing)?|posts? to|"
    r"quer(?:y|ies|ying)|reads? from|writes? to|ships?|shipping|forwards?|forwarding|scrapes?|"
    r"webhooks?\s+(?:to|url)|notif\w+|e-?mails?|smtp|from|upstream|proxies to|proxy to|consum\w+|"
    r"publish\w*(?!\s+(?:it\s+|the\s+app\s+|the\s+ui\s+)?(?:at|on|under)\b)|integrates? with|"
    r"uses|using|via the|relay\w*|sync\w* (?:with|to)|"
    r"depends on|logs to|sink|output|against|authenticates?\s+(?:with|against))\b[^.,;\n]{0,40}$",
    re.I,
)
_HOST_LABEL = re.compile(
    r"\b(?:ingress(?:\s+host(?:name)?)?|host(?:name)?s?|domains?(?:\s+name)?|fqdn|dns name|"
    r"(?:expose|publish)(?:e?d|\s+it)? (?:at|on|under)|available (?:at|on)|reachable (?:at|on)|"
    r"served (?:at|on|from)|public(?:ly)? (?:at|on)|url|"
    # "Routing should copy the Caddyfile: on insights.example, `/api` goes to the backend"
    r"routing[^.\n]{0,40}?:\s*on)(?![\w.-])\s*(?:[:=]|is|at|on|of|under|->)?\s*[`\"']?(?:https?://)?"
    r"(?P<raw>[^\s,;()'\"`]+)",
    re.I,
)


def hostlike(raw: str) -> bool:
    """Return True when a token after "host:" looks meant as a host name, even a broken one."""
    raw = raw.strip("`'\"").rstrip(".:,;`'\"")
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", raw):
        return True  # an IP where a host name belongs: kept so validation can say so
    if not re.search(r"[a-z]", raw, re.I) or raw.lower() in _TECH:
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", raw):
        return False  # "`RABBITMQ_DEFAULT_VHOST`": a variable's name
    if "." not in raw and "_" not in raw:
        return False
    # "ingress recipes.home.example": a name under a reserved TLD is a host when labelled one;
    # so is one under a country's code that is also a file's ("host `logi.firma.pl`")
    tld = raw.rsplit(".", 1)[-1].lower()
    return tld not in _NOT_TLDS - _LABELLED_TLDS or (len(tld) == 2 and raw.count(".") >= 2)


def _route_host(doc: Doc, draft: Draft, host: str, pos: int) -> None:
    """A host named in the part about a further component, in a clause naming it, is that
    component's ("importer at import.example.com")."""
    if not draft.focused:
        return
    span = doc.clause_at(pos)
    clause = doc.text[span.start : span.end]
    names = "|".join(re.escape(w) for w in draft.focused.split("-") if len(w) > 2)
    if names and re.search(rf"\b(?:{names})", clause, re.I):
        draft.host_routes.setdefault(host, draft.focused)


_PATH = r"(?:`/[^`\s]*`|(?<![\w.:/-])/[\w.-]*(?:/[\w.*-]+)*)"
_PATHS = re.compile(
    # "send /flower to flower", "route `/api` to the backend": the verb before the path
    rf"(?:\b(?:send|route|forward|proxy|map)\s+(?P<sent>{_PATH}(?:\s*(?:,|and|&|or)\s*{_PATH})*)"
    r"\s+to\s+(?P<rest2>(?:(?!`/|\s/\w)[^.;\n]){0,60}))|"
    rf"(?P<paths>{_PATH}(?:\s*(?:,|and|&|/|or)\s*{_PATH})*)(?:\s*\))?\s*"
    r"(?:must\s+|should\s+|will\s+)?(?:go(?:es|ing)?|(?:is\s+|are\s+|be\s+)?routed|routes?|→|->|=>|"
    # what it goes to, up to the next path said ("`/` to the UI and `/api/` to the API")
    r"points?)\s+(?:to\s+)?(?P<rest>(?:(?!`/|\s/\w)[^.;\n]){0,60})",
    re.I,
)
# "path `/` -> port 3000, path `/cryptpad_websocket` -> port 3003": a path to a port of the app
_PATH_PORT = re.compile(
    r"\bpath\s+`?(?P<path>/[\w./-]*)`?\s*(?:→|->|=>|to|goes\s+to)\s*(?:the\s+)?(?:service\s+)?"
    r"port\s+`?(?P<port>\d{2,5})\b",
    re.I,
)
# "... and everything else to web": the catch-all path.
_REST = re.compile(
    r"\b(?:everything|anything|all)\s+else\s+(?:\(`?/`?\)\s+)?(?:goes\s+|going\s+|is\s+routed\s+)?"
    r"(?:to|→|->)\s+"
    r"(?P<rest>[^.;\n]{0,40})",
    re.I,
)


_ALL_TO = re.compile(
    r"(?:`?[a-z0-9][\w-]*(?:\.[\w-]+)+`?\s*(?:→|->|=>)|\beverything\s+(?:goes\s+)?(?:to|→|->))\s+"
    r"(?:the\s+)?(?P<rest>[^.;,\n]{1,40})",
    re.I,
)


_STORAGE = re.compile(
    r"\s*(?:an?\s+|the\s+|its\s+own\s+)?(?:\d+(?:\.\d+)?\s*[KMGTP]i?B?\b|pvcs?\b|"
    r"(?:persistent\s+)?volumes?\b|empty\s?dir\b)",
    re.I,
)


# The domains Kubernetes and its tools prefix label, annotation and taint keys with.
_API_GROUP = re.compile(r"(?:^|\.)(?:kubernetes\.io|k8s\.io|cert-manager\.io|helm\.sh|x-k8s\.io)$")


def read_routes(text: str, draft: Draft, names: dict[str, str]) -> None:
    """Paths routed to components ("`/api` and `/feeds` go to the backend"); ``names`` maps
    each way of writing a component (a regex alternation) to its name."""
    for match in _PATHS.finditer(text):
        rest = match.group("rest") or match.group("rest2") or ""
        target = _named_in(rest, names)
        if not target or _STORAGE.match(rest):
            continue  # "uploads in `/opt/app/storage` → 10Gi PVC, so keep web at 1 replica"
        for path in re.findall(r"`?(/[^`\s,]*)`?", match.group("paths") or match.group("sent")):
            path = re.sub(r"/?\*+$", "", path) or "/"
            draft.routes.setdefault(path, target)
    for match in _PATH_PORT.finditer(text):
        draft.path_ports.setdefault(
            match.group("path").rstrip("/") or "/", int(match.group("port"))
        )
    for match in _REST.finditer(text):
        target = _named_in(match.group("rest"), names)
        if target and draft.routes:
            draft.routes.setdefault("/", target)
    for match in _ALL_TO.finditer(text):
        # "Ingress: `trails.example` → web", "host `rss.example`, everything to web-nginx"
        target = _named_in(match.group("rest"), names)
        if target:
            draft.routes.setdefault("/", target)


def _named_in(rest: str, names: dict[str, str]) -> str:
    """The component the words after "to" name first."""
    target, best = "", len(rest) + 1
    for pattern, name in names.items():
        found = re.search(rf"(?<![\w/.-])(?:{pattern})s?(?![\w/]|\.\w)", rest, re.I)
        if found and found.start() < best:
            best, target = found.start(), name
    return target


_KEY_CONTEXT = re.compile(
    r"\b(?:taints?|tolerat\w+|labels?|annotations?|node\s?selector|selector|resources?|limits?|"
    r"gpus?|affinity)\b",
    re.I,
)


# "NEXTAUTH_URL=https://a.example.com, ingress on that host": the URL just named.
_THAT_HOST = re.compile(
    r"\b(?:ingress|expose[sd]?|serve[sd]?|public(?:ly)?)\b[^.\n]{0,40}?\b(?:on|at|under)\s+"
    r"(?:that|the\s+same|this)\s+(?:host(?:name)?|domain|url|address)\b",
    re.I,
)


def _host_referred_to(doc: Doc, draft: Draft) -> None:
    """Add the host of the URL a sentence names before saying "ingress on that host"."""
    for match in _THAT_HOST.finditer(doc.text):
        span = doc.sentence_at(match.start())
        urls = re.findall(
            r"https?://([a-z0-9-]+(?:\.[a-z0-9-]+)+)", doc.text[span.start : match.start()]
        )
        if urls:
            draft.add_host(urls[-1].lower())


# Top-level domains a host name ends in, besides any two-letter country code: the common
# generic ones and the names private networks use.
_TLDS = frozenset(
    """
    com net org io dev app cloud ai co me info biz xyz tech online site page pro edu gov mil int
    club shop store blog news media social live tv fm works systems solutions services network
    digital agency email host hosting space website zone world today run sh wiki codes tools team
    group company inc ltd llc eu asia local internal lan home corp intranet example test localhost
    svc cluster private priv arpa onion lab homelab localdomain
    """.split()
)


def _plausible_tld(host: str) -> bool:
    last = host.rsplit(".", 1)[-1].lower()
    return len(last) == 2 and last.isalpha() or last in _TLDS


def _datastore_host(text: str, pos: int) -> bool:
    """ "we bought a managed MariaDB, host `db.internal.example`, port 3306": the address of a
    datastore the sentence names, not a name the app is reached by."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    sentence = text[start:pos]
    near = re.search(
        r"\b(?:host(?:name)?|endpoint|server|address)\s*[:=]?\s*[`\"']?$", sentence, re.I
    )
    outside = re.search(
        r"\b(?:managed|external|existing|hosted|rds|cloud\s?sql|outside)\b", sentence, re.I
    )
    return bool(near and outside) and any(d.pattern.search(sentence) for d in DEPENDENCIES)


# "based on the official Docker docs (https://lycheeorg.github.io/docs/docker.html)": a page the
# request cites. Documentation sites are never the app's own address.
_REFERENCE = re.compile(
    r"(?:\be\.g\.|\b(?:docs?|documentation|readme|guide|manual|tutorial|instructions|article|blog\s+post|"
    r"see|per|according\s+to|based\s+on|following|followed|past(?:e|ed|ing)|cop(?:y|ied|ying)|"
    r"quot(?:e|ed|ing)|for\s+example|such\s+as|found\s+at|more\s+at|details\s+at)\b)"
    r"[^.\n]{0,40}?[(\[:]?\s*[`\"'<]?$",
    re.I,
)
# A mail server the app sends through or reads from, by its name.
_MAIL_HOST = re.compile(r"^(?:[\w-]*-)?(?:smtp|imap|pop3?|mx)\d*(?:-[\w-]*)?\.", re.I)
_DOCS_SITE = re.compile(r"\.github\.io$|\.readthedocs\.io$|\.gitbook\.io$")


def _in_docs_table(text: str, pos: int) -> bool:
    """A cell of a table of three columns or more (a pasted table of the image's settings)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)].strip()
    return line.startswith("|") and line.count("|") >= 4


def read_hosts(doc: Doc, draft: Draft) -> None:
    """Add ingress hosts (and ingress path / TLS implied by an https URL)."""
    _host_referred_to(doc, draft)
    text = doc.masked
    for match in _HOST.finditer(text):
        host, scheme = match.group("host").lower(), (match.group("scheme") or "").lower()
        if scheme and scheme not in ("http://", "https://"):
            doc.mask(match.start(), match.end())
            continue
        if host in _TECH or _REGISTRY.search(host) or host.rsplit(".", 1)[-1] in _NOT_TLDS:
            if scheme:
                doc.mask(match.start(), match.end())  # "http://ollama.ai.svc.cluster.local:11434"
            continue
        if re.search(r"--[\w-]+=$", text[max(0, match.start() - 40) : match.start()]):
            continue  # "--realm=turn.example.jp": a flag's value, not a name the app is reached by
        if not scheme and not _plausible_tld(host):
            continue  # "`prometheus.exporter.unix`", "`config.alloy`": a component, a file
        if re.match(r"/[\w.-]+[`\"']?\s*[:=]", text[match.end("host") :]):
            continue  # an annotation or label key ("networking.gke.io/load-balancer-type: x")
        clause = doc.clause_at(match.start())
        if (
            match.group("path")
            and not scheme
            and _KEY_CONTEXT.search(text[clause.start : clause.end])
        ):
            continue  # a taint, label or resource key ("tolerate the `nvidia.com/gpu` taint")
        clause = doc.clause_at(match.start())
        before = text[clause.start : match.start()]
        if _OUTBOUND.search(before) and not re.search(r"\b(?:ingress|host|domain)\b", before, re.I):
            if scheme:
                doc.mask(match.start(), match.end())  # its "https" says nothing about our TLS
            continue
        if _datastore_host(text, match.start()):
            continue
        if _in_docs_table(text, match.start()) and not re.search(
            r"\b(?:ingress|host|domain)\b", before, re.I
        ):
            if scheme:
                doc.mask(match.start(), match.end())  # a link in a pasted table of settings
            continue
        if _API_GROUP.search(host):
            continue  # "`node-role.kubernetes.io/control-plane`": a label's or taint's key
        if _MAIL_HOST.search(host) and not re.search(r"\b(?:ingress|host|domain)\b", before, re.I):
            continue  # "Amazon SES SMTP, `email-smtp.eu-central-1.amazonaws.com` on 587"
        docs_page = re.match(
            r"/(?:docs?|documentation|wiki|manual|guides?|blog)\b", match.group("path") or ""
        )
        if scheme and (_DOCS_SITE.search(host) or docs_page or _REFERENCE.search(before[-60:])):
            doc.mask(match.start(), match.end())  # where the request read up, not its address
            continue
        draft.add_host(host)
        if port := _HOST_PORT.match(doc.masked, match.end()):
            draft.host_ports[host] = int(port.group("port"))
        _route_host(doc, draft, host, match.start())
        if scheme == "https://":
            draft.tls = True if draft.tls is None else draft.tls
        # "`curl -fsS -X POST https://x.example/api/cron/close`": an endpoint a command calls
        called = in_command_span(text, match.start())
        if match.group("path") and match.group("path") != "/" and not draft.path and not called:
            draft.path = match.group("path").rstrip("/.")
        doc.mask(match.start(), match.end())
    for match in _HOST_LABEL.finditer(doc.masked):
        raw = match.group("raw").rstrip(".,:")
        flag = doc.masked[max(0, match.start() - 2) : match.start() + 2].startswith("--")
        if flag or re.match(r"(?:0\.0\.0\.0|127\.\d+\.\d+\.\d+|localhost)\b", raw):
            continue  # "--host 0.0.0.0": where the app binds, not a name it is reached by
        if hostlike(raw) and not _datastore_host(doc.masked, match.start("raw")):
            draft.add_host(raw.split("/")[0])
            doc.mask(match.start("raw"), match.end("raw"))
            _listed_after(doc, draft, raw.split("/")[0], match.end("raw"))


# "two hosts: `a.example` → port 3000 and `b.example` → port 3100": the hosts listed on, each
# with the Service port it routes to, if it says one.
_HOST_PORT = re.compile(
    r"[`\"']?\s*(?:→|->|=>|to|on)\s+(?:the\s+)?(?:service\s+)?port\s+(?P<port>\d{2,5})\b"
)
_NEXT_HOST = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)[`\"']?(?P<raw>[a-z0-9][\w.-]*\.[a-z][\w-]*)[`\"']?",
    re.I,
)


def _listed_after(doc: Doc, draft: Draft, host: str, pos: int) -> None:
    while True:
        port = _HOST_PORT.match(doc.masked, pos)
        if port is not None:
            draft.host_ports[host] = int(port.group("port"))
            pos = port.end()
        following = _NEXT_HOST.match(doc.masked, pos)
        if following is None or not hostlike(following.group("raw")):
            return
        host = following.group("raw").lower()
        draft.add_host(host)
        doc.mask(following.start("raw"), following.end("raw"))
        pos = following.end()
