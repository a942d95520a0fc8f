from __future__ import annotations

import pytest

from bot.policy.edits import apply_edits, split_edits
from bot.policy.merge import merge_requirements
from bot.tools.models import EnvVar, Image, Port, ReplicaRange, Requirements
from bot.tools.requirements import parse_edit, parse_requirements


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
    merged, records = apply_edits(base, ["use port 8080", "replicaCount=2"], parse)
    assert seen == ["use port 8080"]
    assert merged.ports[0].port == 8080 and merged.name == "api"
    assert [[c.path for c in r.value_changes] for r in records] == [[], ["replicaCount"]]
    assert records[0].changed == ["ports[http].port: 3000 → 8080"]
    assert records[1].changed == ["values replicaCount = 2"]


def test_merge_adds_and_replaces_named_items_one_by_one() -> None:
    base = Requirements(
        name="api",
        ports=[Port(name="http", port=3000), Port(name="metrics", port=9100)],
        env=[EnvVar(name="LOG_LEVEL", value="info"), EnvVar(name="REGION", value="eu")],
    )
    delta = Requirements(
        ports=[Port(name="http", port=8080)], env=[EnvVar(name="LOG_LEVEL", value="debug")]
    )
    merged = merge_requirements(base, delta)
    assert [(p.name, p.port) for p in merged.ports] == [("http", 8080), ("metrics", 9100)]
    assert {e.name: e.value for e in merged.env} == {"LOG_LEVEL": "debug", "REGION": "eu"}


SHOP = (
    "A Django web app called shop, image ghcr.io/acme/shop:1.4.2, port 8000, plus a celery "
    "worker running `celery -A shop worker` and a beat scheduler running `celery -A shop beat`. "
    "Postgres and Redis. Host shop.example.com with TLS. LOG_LEVEL=info, SENTRY_ENV=prod"
)


def edited(*edits: str) -> tuple[Requirements, Requirements, list[list[str]]]:
    """The shop request before and after ``edits``, and what each edit changed."""
    base = parse_requirements(SHOP)
    after, records = apply_edits(base, list(edits), parse_edit)
    return base, after, [r.changed for r in records]


def unchanged_but(base: Requirements, after: Requirements, *fields: str) -> None:
    """Every fact of the request but ``fields`` is as the request left it."""
    for name in Requirements.model_fields:
        if name not in (*fields, "description", "notes", "unapplied"):
            assert getattr(after, name) == getattr(base, name), name


@pytest.mark.parametrize(
    ("edit", "fields", "line"),
    [
        ("use port 8080", ("ports",), "ports[http].port: 8000 → 8080"),
        ("3 replicas", ("replicas",), "replicas: added"),
        ("set LOG_LEVEL=debug", ("env",), "env[LOG_LEVEL].value: info → debug"),
        ("drop the ingress", ("ingress",), "ingress: removed"),
        ("no redis, please", ("dependencies",), "dependencies[redis]: removed"),
        ("the worker needs 512Mi of memory", ("components",), "components[worker].resources"),
        ("remove the beat", ("components",), "components[scheduler]: removed"),
        (
            "add a mailer running `python manage.py send_mail`",
            ("components",),
            "components[mailer]: added",
        ),
    ],
)
def test_a_prose_edit_changes_what_it_names_and_nothing_else(
    edit: str, fields: tuple[str, ...], line: str
) -> None:
    base, after, changed = edited(edit)
    unchanged_but(base, after, *fields)
    assert len(changed[0]) >= 1 and changed[0][0].startswith(line), changed
    others = {c.name: c for c in base.components}
    for component in after.components:
        if component.name in others and component.name not in changed[0][0]:
            assert component == others[component.name]


def test_a_word_an_edit_only_mentions_does_not_retype_the_app() -> None:
    base, after, _ = edited("the worker service needs 1Gi memory", "use the api port 8080")
    assert (after.app_type, after.language, after.framework) == (
        base.app_type,
        base.language,
        base.framework,
    )
    _, retyped, changed = edited("it's a Go api now")
    assert (retyped.app_type, retyped.language) == ("api", "go")
    assert "app_type: web → api" in changed[0]


def test_edits_apply_in_order_and_a_later_one_wins() -> None:
    _, after, changed = edited("use port 8080", "3 replicas", "use port 9000")
    assert [p.port for p in after.ports] == [9000]
    assert after.replicas == ReplicaRange(min=3, max=3)
    assert changed[2] == ["ports[http].port: 8080 → 9000"]


def test_an_edit_that_states_nothing_says_so() -> None:
    _, after, changed = edited("looks good to me")
    assert changed == [[]]


def test_a_pasted_secret_in_an_edit_is_not_recorded() -> None:
    after, records = apply_edits(
        parse_requirements(SHOP), ["DB_PASSWORD=hunter2-Xk9qv8p2z"], parse_edit
    )
    assert "hunter2" not in records[0].instruction
    assert any(s.env == "DB_PASSWORD" for s in after.secrets)
