from __future__ import annotations

from bot.policy.edits import apply_edits, merge_requirements, split_edits
from bot.tools.models import Image, Port, ReplicaRange, Requirements


def test_split_edits_separates_values_edits_from_prose() -> None:
    prose, changes = split_edits(
        ["resources.limits.memory=1Gi\nuse port 8080 please\nset replicaCount to 3"]
    )
    assert prose == ["use port 8080 please"]
    assert [(c.path, c.value) for c in changes] == [
        ("resources.limits.memory", "1Gi"),
        ("replicaCount", 3),
    ]


def test_split_edits_reads_values_as_yaml() -> None:
    _, changes = split_edits(["ingress.hosts.0.host = api.example.com", "podLabels.team=[a, b]"])
    assert changes[0].value == "api.example.com"
    assert changes[1].value == ["a", "b"]


def test_a_sentence_with_an_equals_sign_but_no_values_path_is_prose() -> None:
    prose, changes = split_edits(["memory = more please"])
    assert prose == ["memory = more please"] and changes == []


def test_merge_overrides_only_stated_facts() -> None:
    base = Requirements(
        name="api",
        image=Image(repository="acme/api", tag="1.0.0"),
        ports=[Port(name="http", port=3000)],
        notes=["kept"],
        redactions=1,
    )
    delta = Requirements(replicas=ReplicaRange(min=3, max=6), notes=["new"], redactions=2)
    merged = merge_requirements(base, delta)
    assert merged.name == "api" and merged.image == base.image and merged.ports == base.ports
    assert merged.replicas == ReplicaRange(min=3, max=6)
    assert merged.notes == ["kept", "new"]
    assert merged.redactions == 3


def test_apply_edits_parses_prose_with_the_given_parser() -> None:
    seen: list[str] = []

    def parse(text: str) -> Requirements:
        seen.append(text)
        return Requirements(ports=[Port(name="http", port=8080)])

    base = Requirements(name="api", ports=[Port(name="http", port=3000)])
    merged, changes = apply_edits(base, ["use port 8080", "replicaCount=2"], parse)
    assert seen == ["use port 8080"]
    assert merged.ports[0].port == 8080 and merged.name == "api"
    assert [c.path for c in changes] == ["replicaCount"]
