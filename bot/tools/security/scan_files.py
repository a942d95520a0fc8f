"""Trivy and detect-secrets scan the same copy of the chart and its renders; writing that tree once
per chart context, and mapping hits back to template lines, lives here so that both scanners
share it without depending on each other.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.tools.helm import ChartContext, Document, Rendering, ValuesSet
from bot.tools.security.tables import _MAX_SCANNED_BYTES

# --------------------------------------------------------------------------- 1. Trivy


@dataclass
class ScanTree:
    """Files for external scanners: the chart's own files and each values set's render.

    ``base/tree/source`` holds a copy of the chart; ``base/tree/rendered/<i>/<n>/<template>``
    holds document ``n`` of a template rendered with values set ``i`` (first set that rendered
    it so); scanner outputs go to ``base`` itself, outside what is scanned.
    """

    base: Path
    sets: dict[str, ValuesSet]  # rendered/<i>/... was rendered with this values set
    outside: dict[str, str]  # source/_values/<file> is this values file from outside the chart
    digest: str  # of every scanned path and content: the key of cached scanner results

    @property
    def root(self) -> Path:
        """Return the directory scanners are pointed at."""
        return self.base / "tree"

    @property
    def source(self) -> Path:
        """Return the directory holding a copy of the chart's files."""
        return self.root / "source"

    def locate(self, context: ChartContext, target: str, line: int | None) -> Located:
        """Map a scanned file and line back to the chart file, values set and template line."""
        parts = Path(target).parts
        if parts[:1] == ("rendered",) and len(parts) > 3 and parts[1] in self.sets:
            values_set = self.sets[parts[1]]
            template = str(Path(*parts[3:]))
            rendering = context.rendering(values_set)
            doc = next(
                (d for d in rendering.documents
                 if d.template == template and str(d.index) == parts[2]),
                None,
            )  # fmt: skip
            if doc is None:
                return Located(template, line, values_set.name)
            rendered_line = doc.start + max((line or 1) - 1, 0)
            text = rendering.files.get(template, "")
            source_line = context.source_line(doc, rendered_line, text)
            return Located(template, source_line, values_set.name, rendering, doc)
        if parts[:1] == ("source",) and len(parts) > 1:
            relative = str(Path(*parts[1:]))
            return Located(self.outside.get(relative, relative), line)
        return Located(target, line)


@dataclass(frozen=True)
class Located:
    """Where a scanner hit is, in the terms of the chart: file, line, values set, object."""

    file: str
    line: int | None
    values_file: str = ""
    rendering: Rendering | None = None
    doc: Document | None = None


def scan_tree(context: ChartContext) -> ScanTree:
    """Write (once per context) the chart's files and renders where scanners can read them."""
    with context.lock:
        tree = context.extras.get("scan-tree")
        if isinstance(tree, ScanTree):
            return tree
        base = Path(tempfile.mkdtemp(prefix="helm-bot-scan-"))
        context.on_close(lambda: shutil.rmtree(base, ignore_errors=True))
        files: dict[str, bytes] = {}
        for path in sorted(context.chart_dir.rglob("*")):
            relative = path.relative_to(context.chart_dir)
            if not path.is_file() or ".git" in relative.parts or path.suffix == ".tgz":
                continue
            if path.stat().st_size <= _MAX_SCANNED_BYTES:
                files[str(Path("source") / relative)] = path.read_bytes()
        outside: dict[str, str] = {}
        for values_set in context.values_sets:
            given = Path(values_set.path or context.chart_dir)
            if given.is_file() and not given.resolve().is_relative_to(context.chart_dir):
                copied = str(Path("_values") / given.name)
                outside[copied] = values_set.name
                files[str(Path("source") / copied)] = given.read_bytes()
        # One file per distinct document: what several values sets render alike is scanned
        # once (Trivy spends ~30 ms per document) and reported for the first of them.
        sets: dict[str, ValuesSet] = {}
        seen: set[tuple[str, str]] = set()
        for i, rendering in enumerate(context.renderings()):
            sets[str(i)] = rendering.values_set
            for doc in rendering.documents:
                if (doc.template, doc.text) not in seen:
                    seen.add((doc.template, doc.text))
                    name = str(Path("rendered") / str(i) / str(doc.index) / doc.template)
                    files[name] = doc.text.encode("utf-8")
        digest = hashlib.sha256()
        for name in sorted(files):
            target = base / "tree" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
            digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
        (base / "tree").mkdir(exist_ok=True)
        tree = ScanTree(base, sets, outside, digest.hexdigest())
        context.extras["scan-tree"] = tree
        return tree
