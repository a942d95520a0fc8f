"""Reading rules from blind round 23, first half: values stated once and handed on by reference,
parts renamed, and settings written as their apps spell them.

Each rule was a miss on requests written from public material (Tdarr, Milvus, Nakama, ERPNext,
OneDev, Wazuh, Indico, OpnForm, Kill Bill, ...) that the parser had not seen; the sentences here
say the same things in other words and for other apps.
"""

from __future__ import annotations

from tests.reading_helpers import env_of, part, read, secrets_of, wired_of

# ------------------------------------------------------------ values handed on by reference


def test_the_same_values_under_other_names_for_another_part() -> None:
    r = read(
        "Two parts:\n- `gateway`: image `acme/gateway:2.0`, port 8080\n"
        "- `store`: image `acme/store:5.1`, port 9000\n\n"
        "The store reads `STORE_ADMIN` and `STORE_SECRET` from our existing Secret `store-admin` "
        "(keys `user` and `pass`), and the gateway should get the same two values as "
        "`GW_STORE_USER` and `GW_STORE_PASS`."
    )
    assert (
        secrets_of(part(r, "gateway")).items()
        >= {
            "GW_STORE_USER": ("store-admin", "user"),
            "GW_STORE_PASS": ("store-admin", "pass"),
        }.items()
    )


def test_that_value_in_the_next_sentence_names_its_variable() -> None:
    r = read(
        "Image `acme/relay:3.2`, port 7000.\n\n"
        "- The relay's signing key lives in our Secret `relay-keys`, key `signing`. Give the "
        "relay container that value as an env var named `RELAY_SIGNING_KEY`."
    )
    assert secrets_of(r)["RELAY_SIGNING_KEY"] == ("relay-keys", "signing")


def test_a_variable_set_to_that_endpoint_stated_before() -> None:
    r = read(
        "Image `acme/ledger:4.0`, port 8000. The database is outside the chart, endpoint "
        "`ledger.cluster-x.eu-west-1.rds.amazonaws.com`. The ledger needs `LEDGER_DB_HOST` set to "
        "that RDS endpoint."
    )
    assert env_of(r)["LEDGER_DB_HOST"] == "ledger.cluster-x.eu-west-1.rds.amazonaws.com"


def test_that_is_the_value_of_the_one_variable_named_before() -> None:
    r = read(
        "Run `acme/probe-agent:1.4` as a DaemonSet. Its docs name one setting, `PROBE_COLLECTOR`. "
        "In our case that is `collector.observability.svc.cluster.local`."
    )
    assert env_of(r)["PROBE_COLLECTOR"] == "collector.observability.svc.cluster.local"
    assert not any("PROBE_COLLECTOR" in note for note in r.notes)


def test_a_flag_of_a_compose_command_given_another_value() -> None:
    r = read(
        "```yaml\nservices:\n  relay:\n    image: acme/relay:3.2\n"
        "    command: /relay serve --log.level debug --port 7000\n    ports: ['7000:7000']\n```\n"
        "Keep the command, but use `--log.level warn` instead of debug."
    )
    assert r.args == ["/relay", "serve", "--log.level", "warn", "--port", "7000"] or (
        r.command == ["/relay", "serve", "--log.level", "warn", "--port", "7000"]
    )


# ----------------------------------------------------------- settings as their apps spell them


def test_a_camel_case_secret_setting_of_an_app_set_up_in_camel_case() -> None:
    r = read(
        "Image `acme/transcoder:2.1`, port 8266. Env: `serverPort=8266`, `webUIPort=8265`. "
        "The `apiAccessToken` comes from a Secret we already made, `transcoder-api`, key `token`."
    )
    assert secrets_of(r)["apiAccessToken"] == ("transcoder-api", "token")


def test_lower_case_settings_listed_under_a_line_about_variables() -> None:
    r = read(
        "Image `acme/forge:9.1`, port 6610.\n\n"
        "- The database is set with these environment variables:\n"
        "  - `jdbc_driver=org.postgresql.Driver`\n"
        "  - `jdbc_user=forge`\n"
        "  - `jdbc_password` comes from the existing Secret `forge-db`, key `password`\n"
    )
    assert (
        env_of(r).items() >= {"jdbc_driver": "org.postgresql.Driver", "jdbc_user": "forge"}.items()
    )
    assert secrets_of(r)["jdbc_password"] == ("forge-db", "password")


def test_a_dotnet_setting_read_from_a_secret() -> None:
    r = read(
        "Image `acme/garage:1.5`, port 8080. Env: `Smtp__Host=mail.example.org`, `Smtp__Port=587`. "
        "`Smtp__Password` comes from the existing Secret `garage-smtp`, key `password`."
    )
    assert secrets_of(r)["Smtp__Password"] == ("garage-smtp", "password")


def test_a_number_right_after_a_variable_is_its_value() -> None:
    r = read(
        "Image `acme/desk:7.0`, port 8000. Set `DESK_DB_PORT` 3306, `DESK_SOCKET_PORT` 9000, and "
        "`DESK_DEBUG` false."
    )
    said = {"DESK_DB_PORT": "3306", "DESK_SOCKET_PORT": "9000", "DESK_DEBUG": "false"}
    assert env_of(r).items() >= said.items()


def test_what_the_request_replaces_is_not_set() -> None:
    r = read(
        "Image `acme/tracker:2.9`, port 8080, with PostgreSQL bundled. Instead of the "
        "`TRACKER_DB_URL` string (which has the password baked in) I'd rather set "
        "`TRACKER_DB_HOST` "
        "to the bundled postgres and `TRACKER_DB_PASSWORD` from the Secret `tracker-db`, key "
        "`password`."
    )
    assert "TRACKER_DB_URL" not in {**env_of(r), **secrets_of(r), **wired_of(r)}


def test_a_key_then_the_variable_it_becomes_under_a_line_naming_the_secret() -> None:
    r = read(
        "### Components\n\n- `web` - `acme/web:1.0`, port 80\n"
        "- `api` - `acme/api:1.0`, port 5000\n\n"
        "### Secrets\n\nExisting Secret `acme-keys`:\n"
        "- `SESSION_KEY` → env `SESSION_KEY` on api\n"
        "- `MAIL_PASSWORD` → env `MAIL_PASSWORD` on api\n"
    )
    assert (
        secrets_of(part(r, "api")).items()
        >= {
            "SESSION_KEY": ("acme-keys", "SESSION_KEY"),
            "MAIL_PASSWORD": ("acme-keys", "MAIL_PASSWORD"),
        }.items()
    )


def test_a_secret_reference_with_an_aside_in_a_table() -> None:
    r = read(
        "Image `acme/vault-ui:2.2`, port 8080.\n\n| Variable | Value |\n|---|---|\n"
        "| `UI_ADMIN_HASH` | from existing Secret `ui-admin`, key `hash` (the bcrypt hash is in "
        "there) |\n"
    )
    assert secrets_of(r)["UI_ADMIN_HASH"] == ("ui-admin", "hash")


def test_variables_named_beside_the_one_secret_of_the_request() -> None:
    r = read(
        "Image `acme/metrics:2.2`, port 3000.\n\n"
        "- secrets: there's already a Secret called `metrics-secrets` in the namespace. "
        "`COOKIE_SECRET` is under key `cookie-secret` and the app needs it.\n"
    )
    assert secrets_of(r)["COOKIE_SECRET"] == ("metrics-secrets", "cookie-secret")
    assert not r.notes or all("rotate" not in n for n in r.notes)


def test_a_placeholder_in_words_for_the_bundled_store() -> None:
    r = read(
        "Image `acme/uptime:2.3`, port 52345. Bundle MongoDB.\n\nserver:\n\n"
        "DB_URI=<bundled mongodb>/uptime\nAPP_PORT=52345\n"
    )
    assert wired_of(r) == {"DB_URI": "mongodb"}
    assert env_of(r)["APP_PORT"] == "52345"
