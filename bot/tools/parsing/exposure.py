"""How the app's Service exposes it: its type and the port numbers clients use.

"a `LoadBalancer` Service on port 3306", "ClusterIP on 3000", "NodePort Service, service port
3000": a port stated with the Service is the port the Service listens on, the port that other
workloads and clients address. Without one, the first HTTP port is served on 80.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.ingress import NO_INGRESS
from bot.tools.parsing.text import Doc, negated

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
    elif re.search(r"\bcluster[\s-]?ip\b", text, re.I) or NO_INGRESS.search(text):
        draft.target.service_type = "ClusterIP"


_SERVICE_WORDS = re.compile(
    r"\bservice\b|\bcluster[\s-]?ip\b|\bnode[\s-]?port\b|\bload[\s-]?balancer\b", re.I
)
# The number a Service is said to listen on: "service port 3000", "ClusterIP on 3000",
# "LoadBalancer Service on port 3306".
_SERVICE_PORT = re.compile(
    r"\b(?:service|cluster[\s-]?ip|node[\s-]?port|load[\s-]?balancer)(?:\s+service)?\s+"
    r"(?:port\s*(?:is|of|=|:)?\s*|on\s+(?:port\s+)?|at\s+(?:port\s+)?):?(?P<n>\d{2,5})\b",
    re.I,
)


def read_service_ports(doc: Doc, draft: Draft) -> None:
    """Give the Service the port numbers the request states with it."""
    ports = draft.target.ports
    if not ports:
        return
    text = doc.masked
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        if not _SERVICE_WORDS.search(sentence):
            continue
        stated = [int(m.group("n")) for m in _SERVICE_PORT.finditer(sentence)]
        for number in stated:
            port = next((p for p in ports if p.port == number), ports[0])
            port.service_port = port.service_port or number
        if stated:
            continue
        # "API on port 11434, ClusterIP service only": the app's ports, served as they are.
        for port in ports:
            if re.search(rf"(?<![\w./-])(?<!\w:){port.port}(?![\w.:/-])", sentence):
                port.service_port = port.service_port or port.port
