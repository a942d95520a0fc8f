"""Text plumbing shared by the readers: normalisation, sentences, clauses, negation, masking.

Readers find facts with regular expressions. They need the same cleaned text (no smart quotes,
no markdown emphasis), the same idea of a sentence and a clause (facts are paired only when they
sit close together), and a way to blank out spans already understood (an image reference must
not be read again as a host name) without shifting the offsets of everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TRANSLATE = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\t": "    ",
        "\u00d7": "x",
        "\u2026": "...",
    }
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_EMPHASIS = re.compile(r"\*\*")
_FENCE = re.compile(r"^\s*(```|~~~)[\w+-]*\s*$", re.M)

# A sentence ends at a line break, a semicolon, or a full stop/!/? followed by space; dots inside
# versions, hosts and "e.g." are left alone because no space follows them.
# "`POSTGRES_HOST` etc. pointing at it": "etc." ends no sentence when lower case follows
_SENTENCE_END = re.compile(
    r"\n+|;\s+|(?<=[.!?])(?<!\bi\.e\.)(?<!\be\.g\.)(?<!\betc\.(?=\s+[a-z]))\s+"
)
# Clauses: commas and the joining words people use to chain facts in one sentence.
_CLAUSE_END = re.compile(r",\s*|\s+(?:with|plus|but|also|and also|as well as|alongside)\s+", re.I)

_NEGATION_WORD = (
    r"(?<![\w-])(?:no|not|never|without|don'?t|doesn'?t|does not|do not|shouldn'?t|should not|"
    r"isn'?t|aren'?t|wasn'?t|weren'?t|"
    r"mustn'?t|must not|cannot|can'?t|won'?t|avoid|nor|disable[ds]?|non|instead of|except|"
    r"nothing|skip|omit|exclude|excluding|"
    # the same word in the languages a request may come in: a glossary does not list them all
    r"nie|nicht|niet|inte|ikke|ej|ne|não|nao|nein|не|нет|değil|tidak|bukan)\b"
)
NEGATION = re.compile(_NEGATION_WORD + r"[\w\s/+`-]{0,24}$", re.I)
_NEGATIONS = re.compile(_NEGATION_WORD, re.I)

_TROUBLE = re.compile(
    r"\b(?:reach|connect|talk|access|resolve|find|see|ping|log\s?in|login)\w*\b", re.I
)

WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
NUMBER = (
    r"(?:\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty)"
)


# An environment variable's name: SCREAMING_SNAKE, or the NAME__section__key convention of
# apps configured by variables (GITEA__database__PASSWD, LISTMONK_db__password).
ENV_VAR = (
    r"[A-Z][A-Z0-9]*(?:_[A-Za-z0-9]+)*__[A-Za-z0-9]+(?:__?[A-Za-z0-9]+)*"
    r"|[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+"
    r"|[a-z][a-z0-9]*(?:__[a-z0-9]+)+"  # Ghost's database__connection__password
    r"|[A-Z][A-Z0-9]+_[a-z][a-z0-9]*(?:_[a-z0-9]+)+"  # Zulip's SECRETS_postgres_password
)


# A variable in code spelled as its app spells them, camelCase or lower case with underscores
# ("`authSecretKey`", "`hibernate_connection_password`"): a variable once the request makes it one.
# ".NET's "`MailConfig__Password`" too.
OWN_SPELLING = re.compile(
    r"(?<=`)(?:[a-z][a-z0-9]*(?:(?:[A-Z][a-z0-9]*)+|(?:_[a-z0-9]+)+)|[A-Z][A-Za-z0-9]*__[A-Za-z0-9_]+)(?=`)"
)


def any_of(*alternatives: str) -> re.Pattern[str]:
    """Compile alternatives (one phrasing each) into one case-insensitive pattern."""
    return re.compile("|".join(alternatives), re.I)


def to_int(word: str) -> int | None:
    """Return the integer a digit string or number word stands for."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    return WORD_NUMBERS.get(word)


def normalize(text: str) -> str:
    """Return the text with unicode punctuation, markdown emphasis and fences made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    text = _HTML_COMMENT.sub(" ", text)
    text = _FENCE.sub("", text)
    return _EMPHASIS.sub("", text)


_BREAKS = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)]|#{1,6}|```|~~~|\|)(?:[ \t]|$)")
_SETTING = re.compile(r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*[:=](?:[ \t]|$)")


def unwrap(text: str) -> str:
    """Join lines that a writer wrapped inside one sentence, so a sentence is one line again.

    A line continues the one before unless either is blank, it starts a list item, a heading,
    a table row or a fence, the line before ends with a colon, or either reads as a setting
    (``KEY=value``, ``key: value``), which keeps one per line.
    """
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    for line in lines:
        if re.match(r"^[ \t]*(```|~~~)", line):
            fenced = not fenced
            out.append(line)
            continue
        last = out[-1] if out else ""
        joins = (
            not fenced
            and out
            and last.strip()
            and line.strip()
            and not _BREAKS.match(line)
            and not last.rstrip().endswith(":")
            and not _SETTING.match(line)
            and not _SETTING.match(last)
        )
        if joins:
            out[-1] = last.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def negated(text: str, start: int) -> bool:
    """Return True when the words just before ``start`` (same clause) negate what follows."""
    before = text[max(0, start - 40) : start]
    before = re.split(r"[,.;:\n()]", before)[-1]
    negation = NEGATION.search(before)
    # "can't reach MariaDB after a restart" is trouble with it, not doing without it; "I don't
    # really care which Redis version" keeps it
    return (
        bool(negation)
        and not _TROUBLE.search(before, negation.start())
        and not re.search(r"\bcare\s+(?:which|what|about\s+the)\b", before[negation.start() :])
    )


# "We do not want Elasticsearch, Traefik or the mountindex service": each name the list goes on
# with is still what is declined
_DECLINED_LIST = re.compile(
    r"(?:\s*[`\w.-]+(?:\s+[`\w.-]+)?\s*(?:,|\bor\b|\bnor\b|\band\b))*\s*(?:the\s+)?$", re.I
)


_INSTEAD_OF = re.compile(r"\b(?:instead\s+of|rather\s+than)\s+(?:the\s+|a\s+)?`?$", re.I)


def replaced_at(text: str, pos: int) -> bool:
    """Whether what is at ``pos`` is what the request replaces ("Instead of the `DB_URL` string,
    the split variables"): named to say it is not wanted."""
    return bool(_INSTEAD_OF.search(text, max(0, pos - 40), pos))


def negated_in_list(text: str, start: int) -> bool:
    """Return True when ``start`` is negated, or is an item of a list a negation began."""
    if negated(text, start):
        return True
    before = text[max(0, start - 120) : start]
    before = re.split(r"[.;:\n()]", before)[-1]
    negation = next(reversed(list(_NEGATIONS.finditer(before))), None)
    if negation is None:
        return False
    verb = re.match(
        r"\s*(?:(?:really|even|want|need|use|run|bundle|include)\s+)*", before[negation.end() :]
    )
    rest = before[negation.end() + (verb.end() if verb else 0) :]
    if "," not in rest or not _DECLINED_LIST.fullmatch(rest):
        return False
    # the list goes on to it: "..., Traefik or the mountindex service", "..., or Traefik"
    return bool(
        re.search(r"\b(?:or|nor|and)\s+(?:the\s+)?$", rest, re.I)
        or re.match(r"[`\w.-]+`?(?:\s+[\w.-]+)?\s*(?:,|\bor\b|\bnor\b)", text[start:], re.I)
    )


_ITEM_LINE = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")


def list_lead(text: str, pos: int) -> str:
    """The line a list item at ``pos`` hangs from (the nearest line above it indented less),
    when it ends with a colon ("... set with the environment variables:" over "  - `a=b`");
    "" when ``pos`` is in no list item."""
    start = text.rfind("\n", 0, pos) + 1
    item = _ITEM_LINE.match(text, start)
    if not item:
        return ""
    indent = len(item.group(0)) - len(item.group(0).lstrip())
    for line in reversed(text[: max(0, start - 1)].split("\n")):
        if (
            line.strip()
            and len(line) - len(line.lstrip()) < indent
            or (line.strip() and not _ITEM_LINE.match(line))
        ):
            return line if line.rstrip().endswith(":") else ""
    return ""


def in_code_span(text: str, pos: int) -> bool:
    """Return True when ``pos`` is inside a backticked code span of its line: a word there is a
    name ("the compose `command:`"), not the verb of a sentence."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text.count("`", line_start, pos) % 2 == 1


def code_before(text: str, pos: int) -> str | None:
    """The code span's text up to ``pos``, or None when ``pos`` is not inside one."""
    if not in_code_span(text, pos):
        return None
    line_start = text.rfind("\n", 0, pos) + 1
    return text[text.rfind("`", line_start, pos) + 1 : pos]


def in_command_span(text: str, pos: int) -> bool:
    """Say whether ``pos`` is an argument of a code span that reads as a command line ("`node
    /home/app/socketio.js`", "`curl -X POST https://x/api`"): a path or URL there is what the
    process reads or calls, not a fact of the chart."""
    before = code_before(text, pos)
    return before is not None and bool(re.match(r"[A-Za-z][\w.-]*\s", before))


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Doc:
    """Normalised request text plus a masked copy in which understood spans are blanked."""

    text: str
    masked: str = ""
    sentences: list[Span] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.masked = self.masked or self.text
        self.sentences = list(split_spans(self.text, _SENTENCE_END))

    def mask(self, start: int, end: int) -> None:
        """Blank ``text[start:end]`` in the masked copy, keeping every offset."""
        blank = re.sub(r"[^\n]", " ", self.masked[start:end])
        self.masked = self.masked[:start] + blank + self.masked[end:]

    def sentence_at(self, pos: int) -> Span:
        """Return the sentence span holding ``pos``."""
        for span in self.sentences:
            if span.start <= pos < span.end:
                return span
        return Span(pos, pos)

    def clauses(self) -> list[Span]:
        """Return clause spans over the whole text."""
        out: list[Span] = []
        for sentence in self.sentences:
            for sub in split_spans(self.text[sentence.start : sentence.end], _CLAUSE_END):
                out.append(Span(sentence.start + sub.start, sentence.start + sub.end))
        return out

    def clause_at(self, pos: int) -> Span:
        """Return the clause span holding ``pos``."""
        for span in self.clauses():
            if span.start <= pos < span.end:
                return span
        return Span(pos, pos)


def split_spans(text: str, separator: re.Pattern[str]) -> list[Span]:
    """Split ``text`` on ``separator`` and return the non-blank pieces as spans."""
    spans: list[Span] = []
    start = 0
    for match in separator.finditer(text):
        if text[start : match.start()].strip():
            spans.append(Span(start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(Span(start, len(text)))
    return spans


def dns_name(value: str, limit: int = 53) -> str:
    """Return ``value`` as a DNS-1123 label of at most ``limit`` characters ('' if impossible)."""
    value = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])", "-", value.strip())
    value = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return value[:limit].strip("-")


def kebab(name: str) -> str:
    """Return an environment variable name in kebab case, the usual Secret key spelling."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# A bracketed clause of its own, five words or more: "(the `reminders` job needs the same value)".
_ASIDE = re.compile(
    r"\((?:the|their|its|it|this|that|that's|which|we|they|as|because|since|so|see|no)\s+"
    r"(?:[^()\s]+\s+){3,}[^()]*\)|"
    # "..., because the queue worker below mounts the same storage": the reason, not the subject
    r",\s+(?:because|since)\s+[^()\n]*$",
    re.I,
)


def without_asides(sentence: str) -> str:
    """The sentence without its bracketed clauses: "`A` from Secret `s` (the `reminders` job
    needs the same value as `B`)" is about the app, not the job; "(web and worker)" says whom
    the sentence is for, and "(`/media` in web and worker, 20Gi)" what it holds: both stay. A
    closing "because ..." clause gives a reason and goes too."""
    return _ASIDE.sub(" ", sentence)
