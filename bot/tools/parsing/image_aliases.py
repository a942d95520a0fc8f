"""A part the request calls by its role in one place and by its own name in another.

"The frontend image is `ghcr.io/rybbit-io/rybbit-client:v2.7.0`" and later "everything else goes
to the client"; "**Frontend**: `zabbix/zabbix-web-nginx-pgsql`" and "both server and web need
them": the part's own name is the word its image is named with, which the request also uses on
its own for a part. A person writing the chart names the part so; the role word stays a way
of referring to it.
"""

from __future__ import annotations

import re

from bot.tools.parsing.images import find_images
from bot.tools.parsing.mentions import ROLE_PATTERNS
from bot.tools.parsing.parts import Reading

# Words of an image's name that say how it is built or what it bundles, not which part it is.
_BUILD_WORDS = frozenset(
    """
nginx apache fpm php pgsql postgres postgresql mysql mariadb sqlite alpine debian slim ubuntu
docker image oci full lite latest stable edge app service server main core all in one aio
""".split()
)
# Said beside a word that names an ingress controller, a port or a file, not a part.
_NOT_A_PART_AFTER = re.compile(
    r"\s*(?:class|ingress|controller|image|port|config)\b|[-/:_`@]|\.\w", re.I
)
_A_PART_BEFORE = re.compile(r"(?:\bthe|\band|\bboth\s+\w+\s+and|,|\(|\bto|\bfor)\s+$", re.I)


def rename_roles(text: str, reading: Reading) -> dict[str, str]:
    """Rename the parts ``reading`` knows by a role word ("frontend") to the word their image
    names them by, when the request uses that word for a part; return the renames."""
    names = set(reading.introduced) | set(reading.listed) | {reading.main}
    renames: dict[str, str] = {}
    for name in list(reading.introduced):
        if name not in ROLE_PATTERNS:
            continue
        said = "\n".join(seg.text for seg in reading.segments if seg.names == [name])
        found = find_images(said)
        if not found:
            continue
        words = re.split(r"[-_]", found[0].image.repository.rsplit("/", 1)[-1])
        for word in words[1:]:
            if len(word) < 3 or word in _BUILD_WORDS or word in names or word == name:
                continue
            if _used_as_a_part(text, word):
                renames[name] = word
                break
    for old, new in renames.items():
        reading.rename(old, new)
    return renames


def _used_as_a_part(text: str, word: str) -> bool:
    for match in re.finditer(rf"(?<![\w`/.@-]){re.escape(word)}(?![\w`])", text, re.I):
        if _NOT_A_PART_AFTER.match(text, match.end()):
            continue
        if _A_PART_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
            return True
    return False
