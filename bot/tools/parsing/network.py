"""How the application is reached: ports, ingress hosts, TLS, ingress class, issuer, probes.

Numbers and domain names appear everywhere in a request (versions, sizes, replica counts,
outbound APIs, database ports), so each fact needs its own cue: a port follows "port",
"listens on" or a port name ("metrics 9090"); a host is a domain that is not an image registry,
a file name or something the app calls out to; a port stated next to a backing service
("Postgres on 5432") or a sidecar belongs to them, not to the app.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import Probe
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.lexicon import DEPENDENCIES, PORT_WORDS
from bot.tools.parsing.text import Doc, dns_name, negated

_PORT_ITEM = re.compile(
    r":?(?P<a>\d{1,6})\b(?::(?P<b>\d{1,6})\b)?(?:/(?P<proto>tcp|udp|sctp))?"
    r"(?:\s*\((?P<paren>[^)]{1,30})\)|\s+for\s+(?P<for>[a-z]+)|\s+as\s+(?P<as>[a-z]+))?",
    re.I,
)
_NOT_A_PORT = (
    r"(?!\s*(?:replicas?|pods?|instances?|cores?|v?cpus?|gi|mi|gb|mb|%|x\b|times|"
    r"minutes?|hours?|seconds?|days?|users|requests))"
)
_TAIL = r"\b(?::\d{1,6}\b)?(?:/(?:tcp|udp|sctp))?(?:\s*\([^)]{1,30}\)|\s+for\s+[a-z]+)?"
_PORT_LIST = re.compile(
    rf"\b(?:container\s+|http\s+|app\s+|service\s+|target\s+)?ports?\b(?:\s+numbers?)?\s*"
    rf"(?:is|are|=|:|of|on|at|#)?\s*(?P<list>:?\d{{1,6}}{_TAIL}{_NOT_A_PORT}(?:\s*(?:,|and|&|\+|/)"
    rf"?\s*:?\d{{2,6}}{_TAIL}{_NOT_A_PORT})*)",
    re.I,
)
_NAMES = "|".join(sorted(PORT_WORDS, key=len, reverse=True))
_NAMED = re.compile(
    rf"\b(?P<name>{_NAMES})\b\s*(?:traffic\s+|endpoint\s+|server\s+|api\s+)?(?:port\s*)?"
    r"(?:on|at|:|=|is|via)?\s*(?:port\s*)?:?(?P<n>\d{2,6})\b(?:/(?P<proto>tcp|udp))?(?!\.\d|%)",
    re.I,
)
_VERB = re.compile(
    r"\b(?:listens?|listening|serves?|serving|exposes?|exposing|bound|binds?|binding|accepts?"
    r"(?: connections)?)\s+(?:\w+\s+)?(?:on|at|to)?\s*(?:port\s*)?(?:0\.0\.0\.0|localhost|"
    r"127\.0\.0\.1)?:?(?P<n>\d{2,5})\b(?:/(?P<proto>tcp|udp))?(?!\.\d|%|\s*(?:replicas|pods|"
    r"users|requests|rps|ms|mb|gb|gi|mi|minutes|seconds))",
    re.I,
)
_ON_NUMBER = re.compile(
    r"\b(?:on|at)\s+:?(?P<n>\d{4,5})\b(?![-/.:]\d|\s*(?:replicas|pods|users|requests|rps|qps|"
    r"ms|mb|gb|gi|mi|%|times|nodes|cores|connections))",
    re.I,
)
_EXPOSE = re.compile(r"^\s*EXPOSE\s+(?P<list>[\d/ a-z]+)$", re.M)
_SLASH_PROTO = re.compile(r"\b(?P<n>\d{2,5})/(?P<proto>tcp|udp|sctp)\b", re.I)
_HTTP_STATUS = {200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503}


def _port_name(word: str) -> str:
    word = word.strip().lower()
    if word in PORT_WORDS:
        return PORT_WORDS[word]
    first = re.findall(r"[a-z][a-z0-9-]*", word)
    if not first:
        return ""
    for token in first:
        if token in PORT_WORDS:
            return PORT_WORDS[token]
    name = dns_name(first[0], 15)
    return name if re.search(r"[a-z]", name) else ""


def _owner(doc: Doc, pos: int) -> str:
    """Return the backing service or sidecar a port number next to ``pos`` belongs to."""
    clause = doc.clause_at(pos)
    before = doc.text[max(clause.start, pos - 30) : pos]
    for backing in DEPENDENCIES:
        if backing.pattern.search(before):
            return backing.kind
    if re.search(
        r"sidecar|init[\s-]?container|\bproxy\b", doc.text[clause.start : clause.end], re.I
    ):
        return "a sidecar"
    return ""


def _add(doc: Doc, draft: Draft, pos: int, number: int, name: str = "", proto: str = "") -> None:
    owner = _owner(doc, pos)
    if owner:
        draft.note(f"port {number} belongs to {owner}, not to the application")
        return
    name = _port_name(name) if name else ""
    if name in ("tcp", "udp"):
        proto, name = proto or name, ""
    draft.target.add_port(number, name, (proto or "TCP").upper())


def read_ports(doc: Doc, draft: Draft) -> None:
    """Add the container ports stated in ``doc``."""
    text = doc.masked
    for match in _PORT_LIST.finditer(text):
        if negated(text, match.start()):
            continue
        for item in _PORT_ITEM.finditer(match.group("list")):
            number = int(item.group("b") or item.group("a"))
            label = item.group("paren") or item.group("for") or item.group("as") or ""
            proto = item.group("proto") or ("udp" if "udp" in label.lower() else "")
            _add(doc, draft, match.start("list") + item.start(), number, label, proto)
    for match in _NAMED.finditer(text):
        number = int(match.group("n"))
        name = match.group("name").lower()
        if name in ("http", "https") and number in _HTTP_STATUS:
            continue
        _add(doc, draft, match.start(), number, name, match.group("proto") or "")
    for pattern in (_VERB, _SLASH_PROTO, _ON_NUMBER):
        for match in pattern.finditer(text):
            _add(
                doc,
                draft,
                match.start(),
                int(match.group("n")),
                "",
                match.groupdict().get("proto") or "",
            )
    for match in _EXPOSE.finditer(doc.text):
        for number, proto in re.findall(r"(\d+)(?:/(tcp|udp))?", match.group("list")):
            _add(doc, draft, match.start(), int(number), "", proto)


# ----------------------------------------------------------------------------- hosts

_HOST = re.compile(
    r"(?<![\w@.-])(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}"
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
    r"webhooks?|notif\w+|e-?mails?|smtp|from|upstream|proxies to|proxy to|consum\w+|"
    r"publish\w*|integrates? with|uses|using|via the|relay\w*|sync\w* (?:with|to)|"
    r"depends on|logs to|sink|output)\b[^.,;\n]{0,40}$",
    re.I,
)
_HOST_LABEL = re.compile(
    r"\b(?:ingress(?:\s+host(?:name)?)?|host(?:name)?s?|domains?(?:\s+name)?|fqdn|dns name|"
    r"exposed (?:at|on|under)|available (?:at|on)|reachable (?:at|on)|served (?:at|on|from)|"
    r"public(?:ly)? (?:at|on)|url)\s*(?:[:=]|is|at|on|of|under|->)?\s*(?:https?://)?"
    r"(?P<raw>[^\s,;()'\"`]+)",
    re.I,
)


def hostlike(raw: str) -> bool:
    """Return True when a token after "host:" looks meant as a host name, even a broken one."""
    raw = raw.rstrip(".:")
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", raw):
        return True  # an IP where a host name belongs: kept so validation can say so
    if not re.search(r"[a-z]", raw, re.I) or raw.lower() in _TECH:
        return False
    if "." not in raw and "_" not in raw:
        return False
    return raw.rsplit(".", 1)[-1].lower() not in _NOT_TLDS


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


_PATHS = re.compile(
    r"(?P<paths>`/[^`\s]*`(?:\s*(?:,|and|&|/|or)\s*`/[^`\s]*`)*)(?:\s*\))?\s*"
    r"(?:must\s+|should\s+|will\s+)?(?:go(?:es)?|is\s+routed|are\s+routed|routes?|→|->|=>|"
    r"points?)\s+(?:to\s+)?(?P<rest>[^.;\n]{0,60})",
    re.I,
)


def read_routes(text: str, draft: Draft, names: dict[str, str]) -> None:
    """Paths routed to components ("`/api` and `/feeds` go to the backend"); ``names`` maps
    each way of writing a component (a regex alternation) to its name."""
    for match in _PATHS.finditer(text):
        rest = match.group("rest")
        target = ""
        best = len(rest) + 1
        for pattern, name in names.items():
            found = re.search(rf"(?<![\w/.-])(?:{pattern})s?(?![\w/]|\.\w)", rest, re.I)
            if found and found.start() < best:
                best, target = found.start(), name
        if not target:
            continue
        for path in re.findall(r"`(/[^`\s]*)`", match.group("paths")):
            path = re.sub(r"/?\*+$", "", path) or "/"
            draft.routes.setdefault(path, target)


def read_hosts(doc: Doc, draft: Draft) -> None:
    """Add ingress hosts (and ingress path / TLS implied by an https URL)."""
    text = doc.masked
    for match in _HOST.finditer(text):
        host, scheme = match.group("host").lower(), (match.group("scheme") or "").lower()
        if scheme and scheme not in ("http://", "https://"):
            doc.mask(match.start(), match.end())
            continue
        if host in _TECH or _REGISTRY.search(host) or host.rsplit(".", 1)[-1] in _NOT_TLDS:
            continue
        clause = doc.clause_at(match.start())
        before = text[clause.start : match.start()]
        if _OUTBOUND.search(before) and not re.search(r"\b(?:ingress|host|domain)\b", before, re.I):
            if scheme:
                doc.mask(match.start(), match.end())  # its "https" says nothing about our TLS
            continue
        draft.add_host(host)
        _route_host(doc, draft, host, match.start())
        if scheme == "https://":
            draft.tls = True if draft.tls is None else draft.tls
        if match.group("path") and match.group("path") != "/" and not draft.path:
            draft.path = match.group("path").rstrip("/.")
        doc.mask(match.start(), match.end())
    for match in _HOST_LABEL.finditer(doc.masked):
        raw = match.group("raw").rstrip(".,:")
        if hostlike(raw):
            draft.add_host(raw.split("/")[0])
            doc.mask(match.start("raw"), match.end("raw"))


# ----------------------------------------------------------------------------- ingress, TLS

_INGRESS = re.compile(
    r"\bingress\b|\bexpose[ds]?\s+(?:it\s+)?(?:publicly|externally|to the internet|on the "
    r"internet)\b|\bpublic(?:ly)? (?:reachable|accessible|available)\b|\binternet[\s-]facing\b",
    re.I,
)
_NO_INGRESS = re.compile(
    r"\b(?:no|without)\s+ingress\b|\binternal[\s-]only\b|\bnot (?:be )?exposed\b|\bcluster[\s-]"
    r"internal\b|\bonly (?:inside|within|in) the cluster\b|\bno public\b",
    re.I,
)
_TLS = re.compile(
    r"\b(?:tls|https|ssl|cert-manager|certificates?|let'?s[\s-]?encrypt|letsencrypt[\w-]*|"
    r"acme)\b",
    re.I,
)
_TLS_OFF = re.compile(
    r"\b(?:tls|https|ssl)\s*[:=]\s*(?:no|false|off|disabled?|none)\b|\b(?:tls|https|ssl)\s+"
    r"(?:is\s+)?(?:disabled|off|not needed|not required)\b|\bplain[\s-]http\b|\bhttp[\s-]only\b",
    re.I,
)
_CLASSES = (
    "nginx",
    "traefik",
    "haproxy",
    "contour",
    "kong",
    "istio",
    "alb",
    "gce",
    "cilium",
    "ambassador",
    "emissary",
    "skipper",
    "apisix",
    "azure-application-gateway",
)
_CLASS_NAMED = re.compile(
    r"\bingress[\s-]?class(?:[\s-]?name)?\s*(?:[:=]|is|of)?\s*[`\"']?(?P<c>[a-z0-9](?:[a-z0-9.-]*"
    r"[a-z0-9])?)",
    re.I,
)
_CLASS_WORD = re.compile(
    r"\b(?P<c>nginx|traefik|haproxy|contour|kong|istio|alb|gce|gke|cilium|ambassador|emissary|"
    r"skipper|apisix|aws load balancer controller|application gateway)(?:[\s-]+ingress|[\s-]+"
    r"controller)\b|\bingress[\s-](?P<d>nginx)\b|\b(?P<e>traefik|haproxy|contour|kong|"
    r"aws alb|alb)\b",
    re.I,
)
_ISSUER_NAMED = re.compile(
    r"\b(?:cluster[\s-]?issuer|issuer|cert-manager\.io/cluster-issuer)\s*(?:[:=]|is|named|"
    r"called)?\s*[`\"']?(?P<i>[a-z0-9][a-z0-9.-]*)",
    re.I,
)
_ISSUER_TOKEN = re.compile(r"\b(?P<i>letsencrypt(?:-[a-z0-9]+)*)\b", re.I)
_TLS_SECRET = re.compile(
    r"\b(?:tls|certificate|cert)\s+secret\s*(?:[:=]|named|called|is)?\s*[`\"']?(?P<s>[a-z0-9]"
    r"[a-z0-9.-]*)|\bsecretName\s*:\s*(?P<t>[a-z0-9][a-z0-9.-]*)",
    re.I,
)
_NOT_ISSUERS = frozenset(
    {
        "from",
        "for",
        "the",
        "a",
        "an",
        "with",
        "and",
        "to",
        "of",
        "is",
        "named",
        "called",
        "via",
        "using",
        "on",
        "in",
        "that",
        "which",
    }
)


def read_ingress(doc: Doc, draft: Draft) -> None:
    """Set ingress, TLS, ingress class, cert-manager issuer and TLS secret facts."""
    text = doc.masked
    if _NO_INGRESS.search(text):
        draft.note("the request keeps the service inside the cluster (no ingress)")
    elif any(not negated(text, m.start()) for m in _INGRESS.finditer(text)):
        draft.ingress = True
    if _TLS_OFF.search(text):
        draft.tls = False
    else:
        for match in _TLS.finditer(text):
            if negated(text, match.start()):
                draft.tls = False
                break
            draft.tls = True
    for pattern, group in ((_CLASS_NAMED, ("c",)), (_CLASS_WORD, ("c", "d", "e"))):
        named = pattern.search(text)
        if named and not draft.class_name:
            word = next(named.group(g) for g in group if named.group(g)).lower()
            draft.class_name = {
                "gke": "gce",
                "aws alb": "alb",
                "application gateway": "azure-application-gateway",
                "aws load balancer controller": "alb",
            }.get(word, word)
    issuer = _ISSUER_NAMED.search(text)
    if issuer and issuer.group("i").lower() not in _NOT_ISSUERS:
        draft.issuer = issuer.group("i").lower()
    elif token := _ISSUER_TOKEN.search(text):
        draft.issuer = token.group("i").lower()
    elif re.search(r"\blet'?s[\s-]encrypt\b", text, re.I):
        draft.issuer = "letsencrypt-prod"
        draft.note("Let's Encrypt requested: cert-manager ClusterIssuer letsencrypt-prod assumed")
    if draft.issuer:
        draft.tls = True if draft.tls is None else draft.tls
    secret = _TLS_SECRET.search(text)
    if secret:
        draft.tls_secret = (secret.group("s") or secret.group("t")).lower()


_LOAD_BALANCER = re.compile(
    r"(?-i:\bLoadBalancer\b)|\btype\s*[:=]?\s*load[\s-]?balancer\b|\bload[\s-]?balancer\s+service\b"
    r"|\bexpose[ds]?\s+(?:it\s+)?(?:via|with|through|as|using)\s+an?\s+(?:cloud\s+|external\s+|"
    r"public\s+|network\s+)?load[\s-]?balancer\b|\bexternal ip\b|\bpublic ip\b",
    re.I,
)


def read_service_type(doc: Doc, draft: Draft) -> None:
    """Set the Service type the request asks for."""
    text = doc.masked
    for match in _LOAD_BALANCER.finditer(text):
        if not negated(text, match.start()):
            draft.target.service_type = "LoadBalancer"
            return
    node_port = re.search(r"\bnode[\s-]?port\b", text, re.I)
    if node_port and not negated(text, node_port.start()):
        draft.target.service_type = "NodePort"
    elif re.search(r"\bcluster[\s-]?ip\b", text, re.I) or _NO_INGRESS.search(text):
        draft.target.service_type = "ClusterIP"


# ----------------------------------------------------------------------------- probes

ProbeKind = Literal["http", "tcp", "grpc", "exec", "none"]
_HEALTH_WORD = re.compile(
    r"\b(?:health[\s-]?checks?|health[\s-]?(?:endpoint|path|route|url|probe)|healthcheck|"
    r"liveness|readiness|startup probe|probes?|health)\b",
    re.I,
)
_HEALTH_PATH = re.compile(
    r"(?<![\w./])(?P<p>/(?:healthz?|livez|readyz|ready|live|ping|status|heartbeat|_health|up|"
    r"health/(?:live|ready|liveness|readiness)|actuator/health(?:/\w+)?|-/(?:healthy|ready)|"
    r"q/health(?:/\w+)?|api/health(?:z)?))(?![\w/-])",
    re.I,
)


def read_health(doc: Doc, draft: Draft) -> None:
    """Set the health probe the request describes."""
    text = doc.masked
    word = _HEALTH_WORD.search(text)
    if word and negated(text, word.start()):
        draft.target.health = Probe(kind="none", path="/", port="", command=[])
        return
    path = ""
    for match in _HEALTH_WORD.finditer(text):
        near = re.match(
            r"[^\n;.]{0,40}?(?:https?://[\w.-]+(?::\d+)?|(?<![\w.:/]))(/[\w./-]*)",
            text[match.end() :],
        )
        if near:
            path = near.group(1).rstrip(".")
            break
    if not path and (known := _HEALTH_PATH.search(text)):
        path = known.group("p")
    sentence = text[max(0, word.start() - 20) : word.start() + 80] if word else ""
    after = text[word.start() : word.start() + 60] if word else ""
    kind: ProbeKind = "http"
    if re.search(r"\bgrpc\b", sentence, re.I) and word:
        kind = "grpc"
    elif re.search(r"\btcp\b", sentence, re.I) and not path:
        kind = "tcp"
    elif not path:
        return
    port = re.search(r"\bport\s+(\d{2,5})\b", after)
    draft.target.health = Probe(
        kind=kind,
        path=path or "/",
        port=port.group(1) if port else "",
        command=[],
    )
