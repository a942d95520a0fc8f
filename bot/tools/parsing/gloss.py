"""Requests written in another language, read by the English readers.

A platform engineer who reads German, French, Spanish, Portuguese, Italian, Dutch, Swedish,
Polish, Norwegian, Danish, Turkish, Indonesian, Vietnamese, Russian, Chinese, Japanese or Korean
reads "eine Replik", "une réplique", "1 个副本" and "レプリカ 1" as "one replica": the facts are the
same, only the words around them change. The readers of this package key on English words
("port", "replica", "existing Secret", "limit"), so a request in one of those languages gets its
technical vocabulary glossed into English first: names, values and code spans stay as written.

Chinese and Japanese need two more steps: their full-width punctuation ("：", "（", "，", "。")
becomes the ASCII the readers split on, and a space separates Han or kana from Latin letters and
digits, because those scripts do not put spaces between words ("镜像用`nacos`", "端口8848").
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial

from bot.tools.parsing.gloss_words import (
    CHINESE,
    DUTCH,
    FRENCH,
    GERMAN,
    INDONESIAN,
    ITALIAN,
    JAPANESE,
    KOREAN,
    MARKERS,
    NORWEGIAN,
    POLISH,
    PORTUGUESE,
    RUSSIAN,
    SPANISH,
    SWEDISH,
    TURKISH,
    UKRAINIAN,
    VIETNAMESE,
    Lexicon,
)

# Full-width punctuation as ASCII, with the space a Latin writer puts after it.
_FULLWIDTH = str.maketrans(
    {
        "\uff1a": ": ",
        "\uff08": " (",
        "\uff09": ") ",
        "\uff0c": ", ",
        "\u3001": ", ",
        "\uff1b": "; ",
        "\u3002": ". ",
        "\uff01": "! ",
        "\uff1f": "? ",
        "\uff1d": "=",
        "\u3000": " ",
        "\u3010": "[",
        "\u3011": "] ",
        "\u300a": '"',
        "\u300b": '" ',
        "\u300c": '"',
        "\u300d": '" ',
        "\uff0f": "/",
    }
)
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_CJK_THEN_LATIN = re.compile(rf"(?<=[{_CJK}])(?=[A-Za-z0-9`/$])")
_LATIN_THEN_CJK = re.compile(rf"(?<=[A-Za-z0-9`%)])(?=[{_CJK}])")
_LATIN_THEN_HANGUL = re.compile(r"(?<=[A-Za-z0-9`%)])(?=[\uac00-\ud7a3])")
_HANGUL_THEN_LATIN = re.compile(r"(?<=[\uac00-\ud7a3])(?=[A-Za-z0-9`/$(])")
_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)

# Their nouns are written in lower case, so a capital starts a sentence, or stresses a word, and
# the English keeps it; a German capital only says the word is a noun.
_KEEP_CASE = frozenset({"it", "nl", "sv", "pl", "ru", "uk", "no", "tr", "id", "vi"})
# What comes before a sentence's first word on its line: a list mark, a heading, a sentence.
_SENTENCE_START = re.compile(r"[ \t]*(?:(?:[-*+>]|#+|\d+[.)])[ \t]+)?|.*[.!?][ \t]+")
_LEXICONS = {
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "pt": PORTUGUESE,
    "it": ITALIAN,
    "nl": DUTCH,
    "sv": SWEDISH,
    "pl": POLISH,
    "ru": RUSSIAN,
    "uk": UKRAINIAN,
    "no": NORWEGIAN,
    "tr": TURKISH,
    "id": INDONESIAN,
    "vi": VIETNAMESE,
}


def language(text: str) -> str:
    """Return the language of a request: en, de, fr, es, pt, it, nl, sv, pl, no (Norwegian or
    Danish), tr, id (Indonesian or Malay), vi, ru, uk, zh, ja or ko."""
    prose = _CODE.sub(" ", text)
    latin = len(re.findall(r"[A-Za-z]", prose))
    kana = len(re.findall(r"[\u3040-\u30ff]", prose))
    han = len(re.findall(r"[\u4e00-\u9fff]", prose))
    # A few CJK characters in mostly Latin text (a name, a quote) do not make it CJK.
    if kana >= 3 and kana + han >= 0.15 * (kana + han + latin):
        return "ja"
    if han >= 4 and han >= 0.15 * (han + latin):
        return "zh"
    hangul = len(re.findall(r"[\uac00-\ud7a3]", prose))
    if hangul >= 8 and hangul >= 0.15 * (hangul + latin):
        return "ko"
    # Russian is told by its script too: its words are Cyrillic, its names and values Latin.
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", prose))
    if cyrillic >= 12 and cyrillic >= 0.3 * (cyrillic + latin):
        # Ukrainian writes і, ї, є and ґ, which Russian does not
        return "uk" if len(re.findall(r"[іїєґІЇЄҐ]", prose)) >= 3 else "ru"
    # Composed, so that a word typed with combining tone marks (Vietnamese) is one word.
    words = re.findall(r"(?<!\w)[^\W\d_]+(?!\w)", unicodedata.normalize("NFC", prose).lower())
    counts = {
        lang: sum(1 for w in words if re.fullmatch(pattern, w)) for lang, pattern in MARKERS.items()
    }
    best = max((lang for lang in counts if lang != "en"), key=lambda lang: counts[lang])
    return best if counts[best] >= 3 and counts[best] > 1.5 * counts["en"] else "en"


def _replace(prose: str, lexicon: Lexicon, words: bool, keep_case: bool = False) -> str:
    for pattern, english in lexicon:
        # Whole words, never part of a host, a path or an address ("empresa.com.br").
        bounded = rf"(?<![\w./@])(?:{pattern})(?![\w/@]|\.\w)" if words else pattern
        if keep_case:
            prose = re.sub(bounded, partial(_cased, english=english), prose, flags=re.I)
        else:
            prose = re.sub(bounded, english, prose, flags=re.I)
    return prose


def _cased(match: re.Match[str], english: str) -> str:
    """``english`` for ``match``, with the capital of a sentence's first word, and in capitals
    where the word replaced was one in capitals ("INTE": not, stressed)."""
    said, text = match.group(0), match.expand(english)
    if len(said) > 1 and said.isupper() and not match.groups():
        return text.upper()
    line = match.string[match.string.rfind("\n", 0, match.start()) + 1 : match.start()]
    if said[:1].isupper() and text[:1].islower() and _SENTENCE_START.fullmatch(line):
        return text[:1].upper() + text[1:]
    return text


def gloss(text: str) -> str:
    """Return ``text`` with its technical vocabulary in English; English text is unchanged."""
    lang = language(text)
    if lang == "en":
        return text
    lexicon = {"zh": CHINESE, "ja": JAPANESE, "ko": KOREAN}.get(lang) or _LEXICONS[lang]
    # Code spans are kept as written: each stands in the prose as a numbered `\0n\0` token,
    # so the words around it still see its backticks.
    codes: list[str] = []

    def hold(match: re.Match[str]) -> str:
        codes.append(match.group(0))
        return f"`\0{len(codes) - 1}\0`"

    glossed = _prose(_CODE.sub(hold, text), lexicon, lang)
    glossed = re.sub(r"`\0(\d+)\0`", lambda m: codes[int(m.group(1))], glossed)
    if lang in ("zh", "ja"):
        glossed = _LATIN_THEN_CJK.sub(" ", _CJK_THEN_LATIN.sub(" ", glossed))
    elif lang == "ko":
        glossed = re.sub(r"[ \t]{2,}", " ", glossed)
    return glossed


def _prose(prose: str, lexicon: Lexicon, lang: str) -> str:
    if lang in ("zh", "ja"):
        # "【スケジューラ】" alone on its line is a section's heading.
        prose = re.sub(r"(?m)^[ \t]*\u3010([^\u3011\n]+)\u3011[ \t]*$", r"## \1", prose)
        prose = prose.translate(_FULLWIDTH)
        # Punctuation already made ASCII (by redaction) still lacks the space after it.
        prose = re.sub(r"([;,)]|(?<!\d):(?!//))(?=\S|$)", r"\1 ", prose)
        prose = re.sub(r"(?<=\S)\(", " (", prose)
        prose = _replace(prose, lexicon, words=False)
        return re.sub(r"[ \t]{2,}", " ", prose)
    if lang == "ko":
        # Its particles are written onto the word before: "StatefulSet으로", "`/data` 에".
        prose = _HANGUL_THEN_LATIN.sub(" ", _LATIN_THEN_HANGUL.sub(" ", prose))
        return _replace(prose, lexicon, words=False)
    if lang == "vi":
        # A Vietnamese tone mark may be typed as a combining character; the entries are composed.
        prose = unicodedata.normalize("NFC", prose)
    return _replace(prose, lexicon, words=True, keep_case=lang in _KEEP_CASE)
