"""Markdown tables, read as the lines a person would have written instead.

Runbooks and tickets put facts in tables: one row per workload ("| `restic-backup` | `30 2 * * *`
| `backup /data` |"), or one row per setting ("| Port | 8080 |"). A row about a workload becomes
a list item naming it, each cell labelled by its column ("- `restic-backup` - Schedule: `30 2 * *
*`; Arguments: `backup /data`"), a two-column row a labelled line, and a table of ports the port
list it stands for, so the rest of the reader needs no table logic of its own.
"""

from __future__ import annotations

import re

from bot.tools.parsing.lexicon import DEPENDENCIES

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?[ \t]*$")
# A first column that names workloads.
_NAME_HEADER = re.compile(
    r"^(?:name|job|cron\s?job|component|service|workload|process|container|deployment|worker|"
    r"role|app)s?$",
    re.I,
)
_NAME_CELL = re.compile(r"^`?[a-z][a-z0-9-]*[a-z0-9]`?$")


# A first column of port numbers: "| 6222 | cluster | routes |" is port 6222 (cluster).
_PORT_HEADER = re.compile(r"^(?:container\s+)?ports?(?:\s+number)?$", re.I)
_PORT_CELL = re.compile(r"^`?\d{1,5}(?:/(?:tcp|udp|sctp))?`?$", re.I)


def _ports(rows: list[list[str]]) -> str:
    """A table of ports as the port list a person would write: "Ports: 4222 (client), ..."."""
    listed = []
    for row in rows:
        label = next((c.strip("`* ") for c in row[1:] if c.strip("`* ")), "")
        number = row[0].strip("`* ")
        listed.append(f"{number} ({label[:30]})" if label else number)
    return "Ports: " + ", ".join(listed)


def _host_columns(header: list[str]) -> tuple[int, int, int] | None:
    """Columns of a node path, where it is mounted and how ("| Host path | Mounted at | Mode |")."""
    names = [h.strip("`* ").lower() for h in header]
    host = next((i for i, h in enumerate(names) if re.search(r"host|node", h)), -1)
    at = next((i for i, h in enumerate(names) if re.search(r"mount|container|target", h)), -1)
    mode = next((i for i, h in enumerate(names) if re.search(r"mode|access|read", h)), -1)
    return (host, at, mode) if host >= 0 and at >= 0 and host != at else None


def _host_line(row: list[str], host: int, at: int, mode: int) -> str:
    if max(host, at) >= len(row) or not row[host].strip():
        return ""
    how = row[mode].strip() if 0 <= mode < len(row) else ""
    ro = " read-only" if re.search(r"read[\s-]?only|\bro\b", how, re.I) else ""
    return f"- the node's {row[host].strip()}{ro} at {row[at].strip()}"


def _secret_columns(header: list[str]) -> tuple[int, int, int] | None:
    """Columns of a variable, its Secret and its key ("| Variable | Secret | Key |")."""
    names = [h.strip("`* ").lower() for h in header]
    find = [
        next((i for i, h in enumerate(names) if re.search(p, h)), -1)
        for p in (r"variable|env|name", r"secret", r"key")
    ]
    return (find[0], find[1], find[2]) if -1 not in find and len(set(find)) == 3 else None


def _secret_line(row: list[str], columns: tuple[int, int, int]) -> str:
    if max(columns) >= len(row):
        return ""
    variable, secret, key = (row[i].strip() for i in columns)
    if not (variable and secret):
        return ""
    return f"- {variable} from the existing secret {secret}" + (f", key {key}." if key else ".")


_PATH_HEADER = re.compile(r"^(?:(?:mount\s*)?path|mount(?:ed)?\s*at|directory|dir|volume)s?$", re.I)
_PATH_CELL = re.compile(r"^`?/[\w./-]*`?$")


def _about_paths(header: list[str], rows: list[list[str]]) -> bool:
    """A table whose first column is the mount path of a volume, one row each."""
    return (
        len(header) >= 2
        and bool(rows)
        and bool(_PATH_HEADER.match(header[0].strip("`* ")))
        and all(_PATH_CELL.match(r[0].strip("* ")) for r in rows)
    )


def _volume_line(header: list[str], row: list[str]) -> str:
    """ "- `/opt/app/data`: 50Gi, storage class `ceph-rbd`": the row's cells, by their column."""
    said = []
    for h, v in zip(header[1:], row[1:], strict=False):
        label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", h.strip("`* ")).lower()
        if v.strip():
            said.append(
                v.strip() if re.fullmatch(r"size|capacity", label) else f"{label} {v.strip()}"
            )
    return f"- {row[0].strip()}: " + ", ".join(said)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _item(header: list[str], row: list[str]) -> str:
    """One row as the line it stands for."""
    if len(header) == 2 and not _NAME_HEADER.match(header[0].strip("`* ")):
        return f"{row[0]}: {row[1]}" if row[1] else ""
    name = row[0].strip("`* ")
    said = [f"{h}: {v}" for h, v in zip(header[1:], row[1:], strict=False) if v and h]
    return f"- `{name}` - " + "; ".join(said)


_DESCRIBES = re.compile(r"description|meaning|purpose|notes?|explanation|details|what it does")


def _about_workloads(header: list[str], rows: list[list[str]]) -> bool:
    """Whether a table's first column names workloads (by its header, or by every cell)."""
    if len(header) < 2 or not rows:
        return False
    if len(header) == 2 and not _NAME_HEADER.match(header[0].strip("`* ")):
        # setting | value; "| Variable | Description |" is a docs page's, no setting of ours
        return not _DESCRIBES.fullmatch(header[1].strip("`* ").lower())
    return bool(_NAME_HEADER.match(header[0].strip("`* "))) and all(
        _NAME_CELL.match(r[0].strip("* ")) for r in rows
    )


_VARIABLE_CELL = re.compile(r"^`?[A-Z][A-Z0-9_]*`?$")


def _variables(header: list[str], rows: list[list[str]]) -> bool:
    """A two-column table of variables and their values ("| name | value |")."""
    names = [h.strip("`* ").lower() for h in header]
    return (
        len(names) == 2
        and bool(
            re.fullmatch(r"name|variable|env(?:ironment)?(?: variable)?|key|setting", names[0])
        )
        and bool(re.fullmatch(r"values?|setting|default", names[1]))
        and bool(rows)
        and all(len(r) >= 2 and _VARIABLE_CELL.match(r[0].strip("* ")) for r in rows)
    )


def _assignment(name: str, value: str) -> str:
    """ "NAME=value", quoted when the value has spaces ("Greenhouse HQ") so it stays whole."""
    quoted = re.search(r"\s", value) and '"' not in value
    return f'{name}="{value}"' if quoted else f"{name}={value}"


_NAMED_SECRET = re.compile(r"\bsecret\s+`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`", re.I)


def _keys_of_secret(header: list[str], before: list[str]) -> str | None:
    """The Secret a "| variable | key |" table maps into, named in the lines over it."""
    names = [h.strip("`* ").lower() for h in header]
    if len(names) != 2 or not re.search(r"variable|env|name", names[0]):
        return None
    if not re.search(r"\bkey\b", names[1]):
        return None
    said = {m.group("name") for line in before for m in _NAMED_SECRET.finditer(line)}
    return said.pop() if len(said) == 1 else None


# "`POSTGRES_PASSWORD` on the database, `SECRETS_postgres_password` on zulip": each variable
# and the part that reads it
_READ_BY = re.compile(
    r"`(?P<env>[A-Za-z_][A-Za-z0-9_]*)`(?:\s+(?:on|in|for)\s+(?:the\s+)?(?P<on>[\w-]+))?"
)
_STORE_WORDS = re.compile(r"^(?:database|db|cache|broker|queue)$", re.I)


def _variables_by_key(header: list[str], rows: list[list[str]], before: list[str]) -> list[str]:
    """ "The existing Secret is called `s`" over "| key | used for |": one line per variable
    an app part reads from that key (the datastores' own variables are theirs to set)."""
    names = [h.strip("`* ").lower() for h in header]
    if len(names) != 2 or names[0] != "key" or not re.search(r"used|variables?|env|read", names[1]):
        return []
    said = {m.group("name") for line in before for m in _NAMED_SECRET.finditer(line)}
    said |= {m.group("name") for line in before for m in _CALLED_SECRET.finditer(line)}
    if len(said) != 1:
        return []
    secret = said.pop()
    lines = []
    for row in rows:
        if len(row) < 2 or not row[0].strip("` "):
            continue
        for read in _READ_BY.finditer(row[1]):
            on = read.group("on") or ""
            if _STORE_WORDS.match(on) or any(d.pattern.fullmatch(on) for d in DEPENDENCIES):
                continue
            key = row[0].strip("` ")
            lines.append(f"- `{read.group('env')}` from the existing secret {secret}, key {key}.")
    return lines


_CALLED_SECRET = re.compile(
    r"\bsecret\s+is\s+(?:called|named)\s+`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`", re.I
)


def tables_as_lines(text: str) -> str:
    """Return ``text`` with each markdown table about workloads or settings written as lines."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _ROW.match(lines[i]) and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _ROW.match(lines[end]):
                end += 1
            header = _cells(lines[i])
            # a row with fewer cells than the header (a `|` in a value, a cell left out) is
            # read with the missing ones empty
            rows = [
                cells + [""] * (len(header) - len(cells))
                for cells in (_cells(line) for line in lines[i + 2 : end])
            ]
            if _PORT_HEADER.match(header[0].strip("`* ")) and all(
                _PORT_CELL.match(r[0].strip("* ")) for r in rows
            ):
                out.append(_ports(rows))
                i = end
                continue
            host_columns = _host_columns(header)
            if host_columns is not None:
                out += [line for row in rows if (line := _host_line(row, *host_columns))]
                i = end
                continue
            by_key = _variables_by_key(header, rows, out[-4:])
            if by_key:
                out += by_key
                i = end
                continue
            keyed = _keys_of_secret(header, out[-4:])
            if keyed is not None:
                # "These keys already exist in the Secret `x`:" over "| env | secret key |"
                out += [
                    f"- {r[0].strip()} from the existing secret {keyed}, key {r[1].strip()}."
                    for r in rows
                    if len(r) >= 2 and r[0].strip() and r[1].strip()
                ]
                i = end
                continue
            if _variables(header, rows):
                # "| name | value |" over "| LOG_LEVEL | warn |": the settings, as assignments
                out += [
                    _assignment(r[0].strip("`* "), r[1].strip("` ")) for r in rows if r[1].strip()
                ]
                i = end
                continue
            if _about_paths(header, rows):
                # "| path | size | storageClass |": one volume a row, as a person lists them
                out += [_volume_line(header, row) for row in rows]
                i = end
                continue
            secret_columns = _secret_columns(header)
            if secret_columns is not None:
                out += [line for row in rows if (line := _secret_line(row, secret_columns))]
                i = end
                continue
            if _about_workloads(header, rows):
                out += [item for row in rows if (item := _item(header, row))]
                i = end
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
