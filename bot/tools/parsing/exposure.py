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


# "on ports 80 and 443 (→ 8000 / 8443)", "80→8000 and 443→8443": Service port to container port.
_NUMBERS = r"\d{2,5}(?:\s*(?:,|and|&|/)\s*\d{2,5})*"
_MAPPED_LIST = re.compile(
    rf"\bports?\s+(?P<outer>{_NUMBERS})\s*\(\s*(?:→|->|=>|to|mapped\s+to|targeting|forwarding\s+to)"
    rf"\s*(?:ports?\s+)?(?P<inner>{_NUMBERS})\s*\)",
    re.I,
)
_MAPPED_PAIR = re.compile(
    r"(?<![\d.:])(?P<outer>\d{2,5})\s*(?:→|->|=>)\s*(?P<inner>\d{2,5})(?![\d.])"
)


def _mapped(sentence: str) -> list[tuple[int, int]]:
    """The (Service port, container port) pairs a sentence about the Service maps."""
    pairs: list[tuple[int, int]] = []
    for match in _MAPPED_LIST.finditer(sentence):
        outer = [int(n) for n in re.findall(r"\d+", match.group("outer"))]
        inner = [int(n) for n in re.findall(r"\d+", match.group("inner"))]
        if len(outer) == len(inner):
            pairs += list(zip(outer, inner, strict=True))
    if not pairs:
        pairs = [
            (int(m.group("outer")), int(m.group("inner"))) for m in _MAPPED_PAIR.finditer(sentence)
        ]
    return pairs


def service_numbers(sentence: str) -> set[int]:
    """The numbers a sentence about the Service maps onto other container ports ("on ports 80
    and 443 (-> 8000 / 8443)"): the Service's own, never ports the container opens."""
    if not _SERVICE_WORDS.search(sentence):
        return set()
    return {outer for outer, inner in _mapped(sentence) if outer != inner}


_SAME_AS_CONTAINER = re.compile(
    r"\bsame\s+port\s+as\s+(?:its|the|their)\s+containers?\b|\bon\s+(?:its|their)\s+container\s+ports?\b|"
    # "a ClusterIP Service with both ports", "ClusterIP Services on their own ports"
    r"\b(?:with|on|exposing|for)\s+(?:both|all(?:\s+(?:two|three|four))?|these|those|its\s+own|"
    r"their\s+own)\s+ports\b|"
    # "- 3000: web client / - 5003: API / Both on one ClusterIP Service."
    r"\b(?:both|all(?:\s+(?:two|three|four))?)\s+on\s+(?:one|the\s+same|a\s+single)\s+(?:\w+\s+)?service\b",
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
        pairs = [(o, i) for o, i in _mapped(sentence) if any(p.port == i for p in ports)]
        for outer, inner in pairs:
            for port in ports:
                if port.port == inner:
                    port.service_port = outer
        if pairs:
            continue
        stated = [int(m.group("n")) for m in _SERVICE_PORT.finditer(sentence)]
        for number in stated:
            own = next((p for p in ports if p.port == number), None)
            if own is not None:
                own.service_port = (
                    number  # "ClusterIP Service on 59999" over compose's "9090:59999"
                )
                continue
            ports[0].service_port = ports[0].service_port or number
        if stated:
            continue
        if _SAME_AS_CONTAINER.search(sentence):
            for port in ports:  # "a ClusterIP Service on the same port as its container"
                port.service_port = port.service_port or port.port
            continue
        # "API on port 11434, ClusterIP service only": the app's ports, served as they are.
        for port in ports:
            if re.search(
                rf"(?<![\w./-])(?<!\w:){port.port}(?![\w.:-])(?!/(?!tcp\b|udp\b))", sentence, re.I
            ):
                port.service_port = port.service_port or port.port
