"""Values a request gives in its own words, and what it quotes or pastes around them.

Each case was a miss on blind requests written from public material: a compose file leaving
SMTP settings unset that the prose then gives as "host …, port …", docs quoted with their
example values before "our setup", a `.env` that names the old compose service as the database
host. The wording here is different from those requests.
"""

from __future__ import annotations

import pytest

from bot.tools.requirements import parse_requirements, redact_secrets
from tests.reading_helpers import env_of, secrets_of

COMPOSE = """Migrating this to Kubernetes:

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASS}
  app:
    image: ghcr.io/acme/notes:2.2.0
    ports: ["3000:3000"]
    environment:
      - NOTES_DATABASE_URL=${NOTES_DATABASE_URL:?required}
      - NOTES_MAIL_HOST=${NOTES_MAIL_HOST}
      - NOTES_MAIL_PORT=${NOTES_MAIL_PORT}
      - NOTES_MAIL_USERNAME=${NOTES_MAIL_USERNAME}
      - NOTES_MAIL_SENDER_NAME=${NOTES_MAIL_SENDER_NAME}
      - NOTES_MAIL_SENDER_ADDRESS=${NOTES_MAIL_SENDER_ADDRESS}
      - NOTES_PUBLIC_BASE_URL=${NOTES_PUBLIC_BASE_URL}
      - NOTES_LOG_LEVEL=info
```
"""


def test_unset_compose_variables_take_the_values_the_prose_describes() -> None:
    req = parse_requirements(
        COMPOSE + "\nMail: host mail.acme.test, port 2525, username robot@acme.test, sender "
        '"Acme Notes" <notes@acme.test>. The public base URL is https://notes.acme.test.'
    )
    env = env_of(req)
    assert env["NOTES_MAIL_HOST"] == "mail.acme.test"
    assert env["NOTES_MAIL_PORT"] == "2525"
    assert env["NOTES_MAIL_USERNAME"] == "robot@acme.test"
    assert env["NOTES_MAIL_SENDER_NAME"] == "Acme Notes"
    assert env["NOTES_MAIL_SENDER_ADDRESS"] == "notes@acme.test"
    assert env["NOTES_PUBLIC_BASE_URL"] == "https://notes.acme.test"
    assert env["NOTES_LOG_LEVEL"] == "info"  # a set value is not described away


def test_an_unset_database_url_beside_a_bundled_database_is_wired_to_it() -> None:
    req = parse_requirements(COMPOSE)
    assert [(c.env, c.dependency, c.part) for c in req.connections] == [
        ("NOTES_DATABASE_URL", "postgresql", "url")
    ]


def test_a_value_no_variable_fits_is_left_alone() -> None:
    req = parse_requirements(COMPOSE + "\nMail: region eu-west-1.")
    assert env_of(req)["NOTES_MAIL_HOST"] == ""


def test_quoted_docs_yield_to_what_the_person_says_of_their_setup() -> None:
    req = parse_requirements(
        "Chart for Grist. From their docs:\n\n"
        "> Set these to use Postgres:\n"
        "> ```\n> TYPEORM_HOST=localhost\n> TYPEORM_DATABASE=grist\n> ```\n\n"
        "Ours: image `gristlabs/grist:1.2.1`, port 8484, `TYPEORM_HOST=pg.internal.acme.net`, "
        "`TYPEORM_DATABASE=grist_prod`, our managed Postgres stays outside the chart."
    )
    env = env_of(req)
    assert env["TYPEORM_HOST"] == "pg.internal.acme.net"
    assert env["TYPEORM_DATABASE"] == "grist_prod"


def test_a_jdbc_url_to_the_compose_database_is_wired_without_user_info() -> None:
    req = parse_requirements(
        "```yaml\nservices:\n  app:\n    image: ghcr.io/acme/ledger:1.0.0\n    environment:\n"
        "      LEDGER_JDBC_URL: jdbc:postgresql://pg:5432/ledger\n"
        "  pg:\n    image: postgres:16\n```\n"
    )
    conn = next(c for c in req.connections if c.env == "LEDGER_JDBC_URL")
    assert (conn.dependency, conn.part, conn.url_scheme) == ("postgresql", "url", "jdbc:postgresql")


def test_a_host_variable_naming_the_old_service_is_wired_to_the_bundled_one() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/pantry:3.1.0 on port 8000, MySQL 8 bundled in the chart. "
        "Our env file:\n\n```\nMYSQL_HOST=pantry_db\nMYSQL_USER=pantry\nMYSQL_DATABASE=pantry\n```"
    )
    assert ("MYSQL_HOST", "host") in [(c.env, c.part) for c in req.connections]
    mysql = next(d for d in req.dependencies if d.kind == "mysql")
    assert (mysql.user, mysql.database) == ("pantry", "pantry")


@pytest.mark.parametrize(
    "text",
    [
        "DATABASE_URL: postgresql://ledger:ledger@db:5432/ledger",
        "LEDGER_DB_USER: ledger\nLEDGER_DB_PASSWORD: ledger",
        "The encryption key is randomly generated at startup.",
    ],
)
def test_example_credentials_that_repeat_the_user_are_nothing_to_rotate(text: str) -> None:
    assert redact_secrets(text)[1] == 0


def test_a_real_password_beside_its_user_is_still_redacted() -> None:
    assert redact_secrets("LEDGER_DB_USER: ledger\nLEDGER_DB_PASSWORD: v8#Kq2!mZ")[1] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PUID/PGID 1000", {"PUID": "1000", "PGID": "1000"}),
        ("`UID/GID` are `1001`", {"UID": "1001", "GID": "1001"}),
    ],
)
def test_two_variables_one_value(text: str, expected: dict[str, str]) -> None:
    req = parse_requirements(f"Image ghcr.io/acme/sonarr:4.0.0, port 8989. {text}.")
    assert {k: v for k, v in env_of(req).items() if k in expected} == expected


def test_a_secret_and_key_written_kubectl_style() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/dns:1.0.0. ADMIN_TOKEN from secret dns-admin/token."
    )
    ref = next(s for s in req.secrets if s.env == "ADMIN_TOKEN")
    assert (ref.secret_name, ref.key) == ("dns-admin", "token")


def test_a_secret_named_by_its_use_in_a_clause_of_its_own() -> None:
    req = parse_requirements(
        COMPOSE.replace("NOTES_LOG_LEVEL=info", "NOTES_MAIL_PASSWORD=${NOTES_MAIL_PASSWORD}")
        + "\nThe app keys are in the Secret `notes-keys`; the mail password is in "
        "`notes-mail`, key `pass`."
    )
    ref = next(s for s in req.secrets if s.env == "NOTES_MAIL_PASSWORD")
    assert (ref.secret_name, ref.key) == ("notes-mail", "pass")


@pytest.mark.parametrize(
    "text",
    [
        "POSTGRES_USER: ledger\nPOSTGRES_PASSWORD: l3dg3r",
        "DB_URL=postgres://postgres:p0stgr3s@db:5432/app",
        "APP_DB_PASSWORD=dbpass\nADMIN_SECRET=admin123",
    ],
)
def test_example_credentials_in_their_usual_shapes(text: str) -> None:
    assert redact_secrets(text)[1] == 0


def test_a_setting_that_holds_a_password_reads_from_a_secret() -> None:
    req = parse_requirements(
        "```yaml\nservices:\n  app:\n    image: acme/flows:1.0\n    environment:\n"
        "      FLOWS_CONFIGURATION: |\n        datasource:\n          username: flows\n"
        "          password: fl0ws\n        queue: postgres\n```\n"
    )
    assert "FLOWS_CONFIGURATION" in [s.env for s in req.secrets]
    assert "FLOWS_CONFIGURATION" not in env_of(req)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It needs PUID and PGID (both 1000 for me).", {"PUID": "1000", "PGID": "1000"}),
        ("Set TZ, which should be America/Chicago.", {"TZ": "America/Chicago"}),
    ],
)
def test_values_said_after_the_variable(text: str, expected: dict[str, str]) -> None:
    req = parse_requirements(f"Image ghcr.io/acme/sonarr:4.0.0, port 8989. {text}")
    assert {k: v for k, v in env_of(req).items() if k in expected} == expected


def test_keys_of_the_one_secret_the_request_names() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/pm:3.0, port 8080. There is already a secret `pm-secrets` in the "
        "namespace.\n\nThe app should read `PM_SESSION_KEY` from key `session` and `PM_MAIL_PASS` "
        "from key `mail`."
    )
    refs = secrets_of(req)
    assert refs["PM_SESSION_KEY"] == ("pm-secrets", "session")
    assert refs["PM_MAIL_PASS"] == ("pm-secrets", "mail")


def test_unnamed_host_and_password_follow_the_named_variables() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/files:2.0, port 8080, PostgreSQL 16 bundled in the chart. Set "
        "`FILES_DB__DRIVER=postgresql`, `FILES_DB__NAME=files`, `FILES_DB__USERNAME=files`; "
        "host and password should come from the bundled postgres."
    )
    assert {(c.env, c.part) for c in req.connections} >= {
        ("FILES_DB__HOST", "host"),
        ("FILES_DB__PASSWORD", "password"),
    }


def test_an_assigned_variable_stays_a_setting_beside_a_secret() -> None:
    req = parse_requirements(
        "Image ghcr.io/acme/tsdb:9.0, port 9000. (e.g. `pg.password` maps to `TSDB_PG_PASSWORD`)."
        "\n\n`TSDB_PG_USER=ingest`, and `TSDB_PG_PASSWORD` from the existing secret `tsdb-pg`, key "
        "`password`."
    )
    assert env_of(req)["TSDB_PG_USER"] == "ingest"
    assert [s.env for s in req.secrets] == ["TSDB_PG_PASSWORD"]


def test_a_json_list_value_is_kept_whole() -> None:
    req = parse_requirements(
        'Image ghcr.io/acme/tube:1.0, port 9000. TUBE_TRUST_PROXY=["127.0.0.1", "loopback"] '
        "exactly."
    )
    assert env_of(req)["TUBE_TRUST_PROXY"] == '["127.0.0.1", "loopback"]'


def test_commented_out_settings_and_block_text_of_a_compose_file_are_not_the_request() -> None:
    req = parse_requirements(
        "services:\n"
        "  app:\n"
        "    image: ghcr.io/acme/tube:2.0\n"
        "    # image: ghcr.io/acme/tube:2.0-arm64\n"
        "    ports: ['3000:3000']\n"
        "    environment:\n"
        "      TUBE_CONFIG: |\n"
        "        # domain:\n"
        "        # https_only: false\n"
        "        db_host: db\n"
        "    # we want two replicas of this one\n"
    )
    assert req.ingress is None  # "# domain:" inside the block is the app's config text
    assert req.replicas is not None and req.replicas.min == 2  # the reader's comment counts
    assert req.image is not None and req.image.tag == "2.0"


def test_settings_said_in_words_fill_the_variables_pasted_docs_list() -> None:
    req = parse_requirements(
        "From the image's docs:\n\n"
        "> - `QUEUE_INIT_ADMIN`: name of the first admin.\n"
        "> - `QUEUE_INIT_TENANT`: the first tenant.\n"
        "> - Optional: `QUEUE_INIT_TTL`: how long messages live.\n\n"
        "What we want: image `ghcr.io/acme/queue:3.2`, port 5000; setup with admin `ops`, "
        "tenant `platform` and ttl `7d`."
    )
    env = env_of(req)
    assert env == {
        "QUEUE_INIT_ADMIN": "ops",
        "QUEUE_INIT_TENANT": "platform",
        "QUEUE_INIT_TTL": "7d",
    }


def test_a_secret_and_its_key_written_with_a_slash() -> None:
    req = parse_requirements(
        "Image `ghcr.io/acme/api:1.0`, port 8080, with `API_TOKEN` from `api-auth`/`token` and "
        "`API_BASE` pointing at the gateway."
    )
    secrets = secrets_of(req)
    assert secrets == {"API_TOKEN": ("api-auth", "token")}


def test_variables_in_the_apps_own_case_under_an_env_heading() -> None:
    req = parse_requirements(
        "### Image\n\nghcr.io/acme/checker:6.5\n\n### Environment variables\n\n"
        "```\nJava_Xmx=2g\nchecker_model=/models\n```\n"
    )
    assert env_of(req) == {"Java_Xmx": "2g", "checker_model": "/models"}


def test_a_table_of_variable_names_and_values() -> None:
    req = parse_requirements(
        "### Image\n\nghcr.io/acme/flags:6.5\n\n### Environment variables\n\n"
        "| name | value |\n|---|---|\n| LOG_LEVEL | warn |\n"
        "| PUBLIC_URL | https://flags.acme.dev |\n"
    )
    assert env_of(req) == {
        "LOG_LEVEL": "warn",
        "PUBLIC_URL": "https://flags.acme.dev",
    }
