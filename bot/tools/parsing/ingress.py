"""How the ingress is set up: wanted or not, TLS, its class, cert-manager issuer, TLS Secret.

"ingress-nginx", "the nginx class", "Klasse `nginx`" and "Ingress (nginx)" all name the class;
"ClusterIssuer `letsencrypt-prod`" the issuer; "the certificate is in the Secret `x`" the TLS
Secret, which turns TLS on whatever else the request says about cert-manager.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.text import Doc, negated, negated_in_list

_INGRESS = re.compile(
    r"\bingress\b|\bexpose[ds]?\s+(?:it\s+)?(?:publicly|externally|to the internet|on the "
    r"internet)\b|\bpublic(?:ly)? (?:reachable|accessible|available)\b|\binternet[\s-]facing\b",
    re.I,
)
_DECLINED = re.compile(r"\b(?:no|without)\s+ingress\b", re.I)
NO_INGRESS = re.compile(
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
# "TLS ends at our ingress-nginx now, so zulip should only serve plain HTTP": the pod's HTTP
# is plain because the Ingress holds the certificate.
_TLS_AT_EDGE = re.compile(
    r"\b(?:tls|https|ssl)\s+(?:ends|terminates|is\s+terminated|is\s+offloaded)\s+(?:at|on|in)\b|"
    r"\bterminat\w*\s+(?:tls|https|ssl)\s+(?:at|on|in)\s+(?:the\s+|our\s+)?ingress",
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
    r"\bingress[\s-]?class(?:[\s-]?name)?\s*(?:(?:[:=]|is|of|uses?|should be|will be)\s*)?"
    r"[`\"']?(?!(?:with|for|and|the|to|from|on|via|so|but|in|at|that|which)\b)"
    r"(?P<c>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)",
    re.I,
)
_CONTROLLERS = (
    r"nginx|traefik|haproxy|contour|kong|istio|alb|gce|gke|cilium|ambassador|emissary|skipper|"
    r"apisix"
)
# A controller named as the class: "nginx ingress", "the nginx class", "class nginx",
# "Ingress (nginx)", "ingress-nginx", or a controller that is only ever an ingress (Traefik).
_CLASS_WORD = re.compile(
    rf"\b(?P<c>{_CONTROLLERS}|aws load balancer controller|application gateway)(?:[\s-]+ingress|"
    r"[\s-]+controller)\b|\bingress[\s-](?P<d>nginx)\b|"
    rf"\b(?P<f>(?:{_CONTROLLERS})(?:-[a-z0-9]+)*)[`\"']?\s+(?:ingress\s*)?class\b|"
    rf"\bclass(?:[\s-]?name)?\s*(?:(?:[:=]|is|of|uses?)\s*)?[`\"']?(?P<g>(?:{_CONTROLLERS})(?:-[a-z0-9]+)*)\b|"
    rf"\bingress\s*\(\s*[`\"']?(?P<h>{_CONTROLLERS})\b|"
    r"\b(?P<e>traefik|haproxy|contour|kong|aws alb|alb)\b",
    re.I,
)
_INGRESS_PATH = re.compile(
    r"\b(?:ingress\s+|url\s+|sub)?path\s*(?:[:=]|is|of|uses?|under)?\s*[`\"']?(?P<p>/[\w./-]*)",
    re.I,
)
_ISSUER_NAMED = re.compile(
    r"\b(?:cluster[\s-]?issuer|issuer|cert-manager\.io/cluster-issuer)[ \t]*(?:[:=]|is|named|"
    r"called)?[ \t]*[`\"']?(?P<i>[a-z0-9][a-z0-9.-]*)",
    re.I,
)
_ISSUER_TOKEN = re.compile(r"\b(?P<i>letsencrypt(?:-[a-z0-9]+)*)\b", re.I)
_TLS_SECRET = re.compile(
    r"\b(?:tls|certificate|cert)[\s-]secret\s*(?:name\s*)?"
    r"(?:[:=]|named|called|is|(?:can|could|should|will|would|must|may|shall)\s+be)?\s*[`\"']?"
    r"(?P<s>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)|\bsecretName\s*:\s*(?P<t>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)|"
    # "TLS via cert-manager ClusterIssuer letsencrypt-prod (secret wiki-tls)"
    # "... using the letsencrypt-prod cluster issuer and the secret name blog-tls"
    r"\b(?:tls|https|ssl|cert-manager|certificates?|certs?|(?:cluster)?issuer)\b[^.\n]{0,80}?"
    r"(?:[(,;]|\s(?:and|with))\s*"
    r"(?:its\s+|the\s+)?secret(?:[\s-]+name\s*(?:[:=]|\bis\b)?\s*|\s+named\s+|\s+called\s+|\s+)[`\"']?"
    r"(?P<w>[a-z0-9][a-z0-9.-]*[a-z0-9])|"
    # "the TLS certificate is already in the Secret `x`", "cert lives in secret x"
    # "... our wildcard certificate, which already exists as the Secret `x`"
    r"\b(?:tls|ssl|https)?[\s-]?(?:certificate|cert)s?\b[^.\n;]{0,80}?\b(?:in|from|is|as)\s+(?:the\s+|an?\s+|"
    r"our\s+)?(?:existing\s+)?(?:kubernetes\s+)?secret\s+(?:named\s+|called\s+)?[`\"']?"
    r"(?P<u>[a-z0-9][a-z0-9.-]*[a-z0-9])|"
    # "TLS with our existing wildcard secret `x`", "HTTPS using the secret x"
    r"\b(?:tls|https|ssl)\s+(?:with|using|uses|from|via|is|:)\s+(?:our\s+|the\s+|an?\s+)?"
    r"(?:existing\s+)?(?:[\w-]+\s+){0,2}?secret\s+(?:named\s+|called\s+)?[`\"']?"
    r"(?P<x>[a-z0-9][a-z0-9.-]*[a-z0-9])|"
    # "with TLS in `dagster-tls` issued by ..."
    r"\b(?:tls|https|ssl)\s+(?:in|stored\s+in)\s+(?:the\s+)?(?:secret\s+)?`(?P<y>[a-z0-9][a-z0-9.-]*[a-z0-9])`|"
    # "The TLS certificate should come from cert-manager ..., stored in `oncall-tls`"
    r"\b(?:certificate|cert)s?\b[^.\n]{0,100}?\bstored\s+(?:in|as)\s+(?:the\s+)?(?:secret\s+)?"
    r"`(?P<r>[a-z0-9][a-z0-9.-]*[a-z0-9])`|"
    # "cert from the `letsencrypt-prod` ClusterIssuer into `webmail-tls`"
    r"\b(?:cluster[\s-]?)?issuer\b[^.\n]{0,40}?\binto\s+(?:the\s+)?(?:secret\s+)?"
    r"`(?P<q>[a-z0-9][a-z0-9.-]*[a-z0-9])`|"
    # terse: "ingress a.example.com, nginx, tls a-tls"
    r"\btls\s+(?!(?:cert-manager|letsencrypt|lets-encrypt|ingress-nginx)\b)"
    r"(?:`(?P<z>[a-z0-9][a-z0-9.-]*[a-z0-9])`|(?P<v>[a-z0-9]+(?:-[a-z0-9]+)+)(?=[\s,.;)]|$))",
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
        "into",
        "stored",
        "issues",
        "signs",
        "it",
    }
)
# "the `letsencrypt-prod` ClusterIssuer": the name said before the kind.
_ISSUER_BEFORE = re.compile(
    r"[`\"'](?P<i>[a-z0-9][a-z0-9.-]*)[`\"']\s+(?:cluster[\s-]?)?issuer\b", re.I
)


# "Ingress office.example.com, nginx, tls office-tls": the controller alone in the list.
_CLASS_LISTED = re.compile(
    rf"\bingress\b[^.\n]{{0,80}}?,\s*(?P<c>{_CONTROLLERS})\s*(?=,|\.|\)|$)", re.I | re.M
)
_CORRECTED = re.compile(r"\b(?:actually|instead|rather|correction|scratch\s+that)\b", re.I)


def _last_said(text: str, found: list[re.Match[str]]) -> re.Match[str] | None:
    """The first of ``found``, or a later one the writer corrected to ("class `alb`... actually
    no, we're on ingress-nginx there too, class `nginx`")."""
    if not found:
        return None
    chosen = found[0]
    for later in found[1:]:
        if _CORRECTED.search(text[chosen.end() : later.start()]):
            chosen = later
    return chosen


def _issuer_name(text: str, match: re.Match[str]) -> bool:
    """ "ClusterIssuer `x`" names it; "ClusterIssuer writing the certificate" does not: a plain
    word that is a verb form is the sentence going on."""
    word = match.group("i").lower()
    quoted = text[match.start("i") - 1] in "`\"'"
    return word not in _NOT_ISSUERS and (quoted or not re.fullmatch(r"[a-z]+(?:ing|ed|s)", word))


def read_ingress(doc: Doc, draft: Draft) -> None:
    """Set ingress, TLS, ingress class, cert-manager issuer and TLS secret facts."""
    text = doc.masked
    if NO_INGRESS.search(text):
        draft.note("the request keeps the service inside the cluster (no ingress)")
        # "No ingress or Service needed": URLs the request names are places it talks to.
        draft.ingress_declined = draft.ingress_declined or bool(_DECLINED.search(text))
    elif any(not negated(text, m.start()) for m in _INGRESS.finditer(text)):
        draft.ingress = True
    if _TLS_OFF.search(text) and not _TLS_AT_EDGE.search(text):
        draft.tls = False
    else:
        said = [negated(text, m.start()) for m in _TLS.finditer(text)]
        if said:
            # "No cert-manager here: the certificate is in the TLS Secret" still asks for TLS.
            draft.tls = not all(said)
    for pattern, group in (
        (_CLASS_NAMED, ("c",)),
        (_CLASS_WORD, ("c", "d", "f", "g", "h", "e")),
        (_CLASS_LISTED, ("c",)),
    ):
        named = _last_said(
            text, [m for m in pattern.finditer(text) if not negated_in_list(text, m.start())]
        )
        if named and not draft.class_name:
            word = next(named.group(g) for g in group if named.group(g)).lower()
            draft.class_name = {
                "gke": "gce",
                "aws alb": "alb",
                "application gateway": "azure-application-gateway",
                "aws load balancer controller": "alb",
            }.get(word, word)
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        path = _INGRESS_PATH.search(sentence)
        if path and _INGRESS.search(sentence) and not draft.path:
            draft.path = path.group("p").rstrip("/") or "/"  # "Ingress ..., path `/nacos`"
    issuer = next(
        (m for m in _ISSUER_NAMED.finditer(text) if _issuer_name(text, m)),
        None,
    ) or _ISSUER_BEFORE.search(text)
    if issuer:
        draft.issuer = issuer.group("i").lower()
    elif token := _ISSUER_TOKEN.search(text):
        draft.issuer = token.group("i").lower()
    elif re.search(r"\blet'?s[\s-]encrypt\b", text, re.I):
        draft.issuer = "letsencrypt-prod"
        draft.note("Let's Encrypt requested: cert-manager ClusterIssuer letsencrypt-prod assumed")
    if draft.issuer:
        draft.tls = True if draft.tls is None else draft.tls
    # Read unmasked: "in the Secret `x`" was taken for an env source by then.
    found = list(_TLS_SECRET.finditer(doc.text))
    # "Ingress host / TLS secret: a.example.com, TLS secret `a-tls`": a quoted name is meant.
    quoted = [m for m in found if doc.text[m.start(m.lastindex or 0) - 1] in "`\"'"]
    secret = (quoted or found or [None])[0]
    if secret and not draft.tls_secret:
        draft.tls_secret = next(g for g in secret.groups() if g).lower()
        draft.tls = True  # a TLS Secret is only ever the ingress's certificate
