"""Helm, in process, as the validator and security gates need it.

Every gate looks at the same chart under the same values sets (``values.yaml`` alone, then each
``values-<env>.yaml`` layered on it the way ``helm -f`` does), so the chart is loaded, rendered
and split into documents once and shared: ``open_chart`` keeps a small cache of ``ChartContext``
objects keyed by the chart directory, the values files and a digest of every file's content, so
a fixer that rewrites a values file gets a fresh context and nobody ever sees a stale render.

Rendered documents keep the chart-relative template that produced them and the line they start
on, and ``ChartContext.source_line`` maps a rendered line back to the template line that
produced it, so findings can be annotated on the file a human edits.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python
import yaml  # type: ignore[import-untyped]

from bot.tools.models import ENVIRONMENTS, Finding, Severity

DEFAULT_VALUES = "values.yaml"
DEFAULT_NAMESPACE = "default"
# Contexts kept for reuse: the validator, security and optimizer passes of one run share one.
_CACHE_SIZE = 8
# Non-manifest outputs of a chart: Helm prints NOTES.txt, it never applies it.
_NOT_MANIFESTS = ("NOTES.txt",)
_DOC_SEPARATOR = re.compile(r"^---(\s.*)?$")
# "demo/templates/x.yaml:7:15" and "(demo/templates/x.yaml:8)" in Helm's error messages.
_ERROR_LOCATION = re.compile(r"\(?(?P<file>[\w.\-/]+\.(?:yaml|yml|tpl|txt|json)):(?P<line>\d+)")
_YAML_KEY = re.compile(r"^(?:-\s+)*(?P<key>[\w.\-/\"']+)\s*:(?:\s|$)")

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is present in the project's venv
    _Loader = yaml.SafeLoader


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ValuesSet:
    """One way of installing the chart: its defaults, optionally overridden by one values file."""

    name: str
    path: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def environment(self) -> str:
        """Return the environment a ``values-<env>.yaml`` file belongs to ('' for defaults)."""
        return environment_of(self.name)


def environment_of(values_file: str) -> str:
    """Return ``prod`` for ``values-prod.yaml`` and '' for ``values.yaml`` or anything else."""
    match = re.fullmatch(r"values-(?P<env>[\w.-]+)\.ya?ml", Path(values_file).name)
    return match["env"] if match else ""


def read_values_file(path: str | Path) -> dict[str, Any]:
    """Parse a values file with Helm's own YAML reader, so numbers and nulls mean what Helm sees."""
    text = Path(path).read_text(encoding="utf-8")
    values = helm_python.values_from_yaml(text)
    return values if isinstance(values, dict) else {}


def discover_values_files(chart_dir: str | Path) -> list[str]:
    """List the chart's ``values-<env>.yaml`` files, known environments first."""
    names = [p.name for p in Path(chart_dir).glob("values-*.y*ml") if p.is_file()]
    order = {f"values-{env}.yaml": i for i, env in enumerate(ENVIRONMENTS)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def resolve_values_file(chart_dir: Path, given: str) -> Path:
    """Find a values file: relative names are the chart's own unless only the cwd has them."""
    path = Path(given)
    if path.is_absolute():
        return path
    inside = chart_dir / given
    return path.resolve() if path.exists() and not inside.exists() else inside


def _values_sets(chart_dir: Path, values_files: Sequence[str] | None) -> list[ValuesSet]:
    """Resolve the values files a gate was given into values sets, defaults first."""
    files = discover_values_files(chart_dir) if values_files is None else list(values_files)
    sets = [ValuesSet(DEFAULT_VALUES)]
    seen = {DEFAULT_VALUES}
    for given in files:
        path = resolve_values_file(chart_dir, given)
        try:
            name = str(path.resolve().relative_to(chart_dir.resolve()))
        except ValueError:
            name = str(path)
        if name in seen:
            continue
        seen.add(name)
        try:
            sets.append(ValuesSet(name, str(path), read_values_file(path)))
        except (OSError, helm_python.HelmError) as exc:
            sets.append(ValuesSet(name, str(path), {}, _error_text(exc)))
    return sets


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Document:
    """One YAML document of a rendered template."""

    template: str
    index: int
    start: int  # 1-based line of the rendered template where the document's text begins
    end: int  # its last line
    text: str
    obj: dict[str, Any] | None
    error: str = ""
    release_namespace: str = ""

    @property
    def kind(self) -> str:
        """Return the object's kind, '' when it has none."""
        return str((self.obj or {}).get("kind") or "")

    @property
    def api_version(self) -> str:
        """Return the object's apiVersion, '' when it has none."""
        return str((self.obj or {}).get("apiVersion") or "")

    @property
    def metadata(self) -> dict[str, Any]:
        """Return the object's metadata mapping (empty when absent or malformed)."""
        meta = (self.obj or {}).get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        """Return metadata.name, '' when absent."""
        return str(self.metadata.get("name") or "")

    @property
    def namespace(self) -> str:
        """Return metadata.namespace, '' when the release namespace applies (unset, or set to
        ``{{ .Release.Namespace }}`` as charts written by hand do)."""
        namespace = str(self.metadata.get("namespace") or "")
        return "" if namespace == self.release_namespace else namespace

    @property
    def resource(self) -> str:
        """Return ``Kind/name``, the way findings name an object."""
        return f"{self.kind}/{self.name}" if self.kind else ""

    @property
    def is_hook(self) -> bool:
        """Tell whether Helm runs this object as a hook (helm test pods included)."""
        annotations = self.metadata.get("annotations")
        return isinstance(annotations, dict) and "helm.sh/hook" in annotations


def split_documents(template: str, text: str, namespace: str = "") -> list[Document]:
    """Split one rendered template into its YAML documents, keeping where each starts."""
    lines = text.splitlines()
    chunks: list[tuple[int, int]] = []  # (first line index, end index exclusive), 0-based
    begin = 0
    for i, line in enumerate(lines):
        if _DOC_SEPARATOR.match(line):
            if i > begin:
                chunks.append((begin, i))
            begin = i + 1
    chunks.append((begin, len(lines)))
    docs: list[Document] = []
    for first, end in chunks:
        body = lines[first:end]
        if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in body):
            continue
        chunk = "\n".join(body)
        obj: dict[str, Any] | None = None
        error = ""
        try:
            loaded = yaml.load(chunk, Loader=_Loader)
        except yaml.YAMLError as exc:
            error = " ".join(str(exc).split())
        else:
            if isinstance(loaded, dict):
                obj = loaded
            elif loaded is not None:
                error = f"document is a {type(loaded).__name__}, not a mapping"
        docs.append(Document(template, len(docs), first + 1, end, chunk, obj, error, namespace))
    return docs


def node_line(doc: Document, path: Sequence[str | int]) -> int:
    """Return the rendered line of the deepest part of ``path`` that ``doc`` contains."""
    try:
        node = yaml.compose(doc.text, Loader=_Loader)
    except yaml.YAMLError:
        node = None
    if node is None:
        return doc.start
    line = int(node.start_mark.line)
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        line, node = child
    return doc.start + line


def _child(node: Any, part: str | int) -> tuple[int, Any] | None:
    """Return the line and node of one step into a composed YAML node, if it exists."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return int(key.start_mark.line), value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            item = node.value[part]
            return int(item.start_mark.line), item
    return None


@dataclass
class Rendering:
    """A chart rendered under one values set: its manifests, documents, or why it failed."""

    values_set: ValuesSet
    values: dict[str, Any]
    files: dict[str, str]
    documents: list[Document]
    failure: Finding | None = None

    @property
    def objects(self) -> list[Document]:
        """Return the documents that parsed into objects."""
        return [d for d in self.documents if d.obj is not None]


# --------------------------------------------------------------------------- errors → findings


def _error_text(exc: BaseException) -> str:
    """Return a Helm error's message on one readable line."""
    detail = getattr(exc, "detail", None) or str(exc)
    return " ".join(str(detail).split())


def chart_relative(path: str, chart_name: str) -> str:
    """Turn Helm's ``<chart>/templates/x.yaml`` into the chart-relative ``templates/x.yaml``."""
    path = path.lstrip("(")
    if chart_name and path.startswith(chart_name + "/"):
        return path[len(chart_name) + 1 :]
    head, _, rest = path.partition("/")
    return rest if rest.startswith(("templates/", "charts/")) else path


def error_finding(
    exc: BaseException,
    *,
    source: str,
    chart_name: str,
    values_file: str = "",
    severity: Severity = "CRITICAL",
) -> Finding:
    """Map a Helm error to a finding with the template file and line it names."""
    message = _error_text(exc)
    file, line = locate_error(message, chart_name)
    if isinstance(exc, helm_python.HelmValuesError):
        rule, file = "HB-HELM-VALUES", file or values_file
    elif isinstance(exc, helm_python.HelmRenderError):
        rule = "HB-HELM-RENDER"
    elif isinstance(exc, helm_python.HelmChartLoadError | helm_python.HelmChartInvalidError):
        rule, file = "HB-HELM-LOAD", file or "Chart.yaml"
    else:
        rule = "HB-HELM-ERROR"
    return Finding(
        source=source,
        rule=rule,
        severity=severity,
        message=message,
        file=file,
        line=line,
        values_file=values_file,
    )


def locate_error(message: str, chart_name: str) -> tuple[str, int | None]:
    """Find the chart-relative file and line a Helm message points at."""
    match = _ERROR_LOCATION.search(message)
    if not match:
        return "", None
    return chart_relative(match["file"], chart_name), int(match["line"])


# --------------------------------------------------------------------------- the chart context


class ChartContext:
    """A chart loaded once for a validation run: renders, lints and source maps, cached."""

    def __init__(
        self,
        chart_dir: Path,
        digest: str,
        values_files: Sequence[str] | None,
        release_name: str = "",
        namespace: str = DEFAULT_NAMESPACE,
    ) -> None:
        self.chart_dir = chart_dir
        self.digest = digest
        self.namespace = namespace
        self.extras: dict[str, Any] = {}
        self.lock = threading.RLock()
        self._closers: list[Callable[[], None]] = []
        # Whatever is registered with on_close also runs when the context is garbage-collected,
        # so a context dropped from the cache cleans up once no thread uses it any more.
        self._finalizer = weakref.finalize(self, _run_all, self._closers)
        self._renders: dict[tuple[str, bool], Rendering] = {}
        self._lints: dict[tuple[str, str], dict[str, Any]] = {}
        self._line_maps: dict[tuple[str, str], list[int]] = {}
        self.chart: helm_python.Chart | None = None
        self.load_error: Finding | None = None
        self.name = chart_dir.name
        try:
            self.chart = helm_python.Chart.load(chart_dir)
            self.name = self.chart.name or chart_dir.name
        except helm_python.HelmError as exc:
            self.load_error = error_finding(exc, source="helm", chart_name=self.name)
        self.release_name = release_name or self.name
        self.values_sets = _values_sets(chart_dir, values_files)

    # ---- rendering

    def rendering(self, values_set: ValuesSet, *, upgrade: bool = False) -> Rendering:
        """Render the chart under one values set, as an install (default) or an upgrade."""
        key = (values_set.name, upgrade)
        with self.lock:
            if key not in self._renders:
                self._renders[key] = self._render(values_set, upgrade)
            return self._renders[key]

    def renderings(self) -> list[Rendering]:
        """Render the chart under every values set, as an install."""
        return [self.rendering(vs) for vs in self.values_sets]

    def _render(self, values_set: ValuesSet, upgrade: bool) -> Rendering:
        """Do one render and split its output; failures become a finding, never an exception."""
        if self.chart is None:
            failure = self.load_error or Finding(
                source="helm",
                rule="HB-HELM-LOAD",
                severity="CRITICAL",
                message="chart could not be loaded",
            )
            return Rendering(
                values_set, {}, {}, [], failure.model_copy(update={"values_file": values_set.name})
            )
        if values_set.error:
            return Rendering(
                values_set,
                {},
                {},
                [],
                Finding(
                    source="render",
                    rule="HB-HELM-VALUES",
                    severity="CRITICAL",
                    message=f"values file cannot be read: {values_set.error}",
                    file=values_set.name,
                    values_file=values_set.name,
                ),
            )
        try:
            merged = self.chart.merge_values(values_set.overrides)
            output = self.chart.render(
                values_set.overrides,
                name=self.release_name,
                namespace=self.namespace,
                is_install=not upgrade,
                is_upgrade=upgrade,
            )
        except helm_python.HelmError as exc:
            return Rendering(
                values_set,
                {},
                {},
                [],
                error_finding(
                    exc, source="render", chart_name=self.name, values_file=values_set.name
                ),
            )
        files: dict[str, str] = {}
        documents: list[Document] = []
        for key in sorted(output):
            path = chart_relative(key, self.name)
            if path.endswith(_NOT_MANIFESTS) or not output[key].strip():
                continue
            files[path] = output[key]
            documents.extend(split_documents(path, output[key], self.namespace))
        return Rendering(values_set, merged, files, documents)

    def lint(self, values_set: ValuesSet, kube_version: str) -> dict[str, Any]:
        """Run ``helm lint --strict`` under one values set and Kubernetes version."""
        key = (values_set.name, kube_version)
        with self.lock:
            if key not in self._lints:
                self._lints[key] = helm_python.lint(
                    self.chart_dir,
                    values_set.overrides or None,
                    strict=True,
                    namespace=self.namespace,
                    kube_version=kube_version,
                )
            return self._lints[key]

    # ---- source mapping

    def source(self, path: str) -> str | None:
        """Return a chart file's text, or None when it is not on disk (e.g. a packed subchart)."""
        try:
            return (self.chart_dir / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def source_line(self, doc: Document, rendered_line: int, rendered: str) -> int:
        """Map a line of a rendered template to the template line that most likely produced it."""
        key = (doc.template, rendered)
        with self.lock:
            if key not in self._line_maps:
                self._line_maps[key] = align_lines(self.source(doc.template), rendered)
            mapping = self._line_maps[key]
        if 1 <= rendered_line <= len(mapping):
            return mapping[rendered_line - 1]
        return rendered_line

    def line_of(self, rendering: Rendering, doc: Document, *path: str | int) -> int:
        """Return the template line that produced ``path`` (e.g. spec, replicas) in ``doc``."""
        rendered = rendering.files.get(doc.template, "")
        return self.source_line(doc, node_line(doc, path), rendered)

    # ---- lifetime

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the context is dropped (e.g. to stop a background scan)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Release the chart handle, temp files and anything registered with ``on_close``."""
        with self.lock:
            self._finalizer()
            if self.chart is not None:
                self.chart.close()


def _run_all(closers: list[Callable[[], None]]) -> None:
    """Run and forget the cleanup callbacks of a context."""
    while closers:
        closers.pop(0)()


def align_lines(template: str | None, rendered: str) -> list[int]:
    """Align rendered lines to template lines by their YAML keys, greedily and in order.

    A rendered line first looks for a template line with exactly its text, then for one with the
    same key, within a window after the last match. Lines that come from values (``toYaml``)
    have no counterpart in the template; they map to the last template line matched before
    them, which is the key they were rendered under.
    """
    rendered_lines = rendered.splitlines()
    if template is None:
        return list(range(1, len(rendered_lines) + 1))
    source = [(line.strip(), _signature(line)) for line in template.splitlines()]
    mapping: list[int] = []
    cursor = 0  # next template line that may match
    last = 1
    for line in rendered_lines:
        wanted = _signature(line)
        if wanted:
            found = _find(source, cursor, 0, line.strip())
            if found is None:
                found = _find(source, cursor, 1, wanted)
            if found is not None:
                last, cursor = found + 1, found + 1
        mapping.append(last)
    return mapping


def _signature(line: str) -> str:
    """Return what identifies a YAML line across rendering: its key, or the separator."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return ""
    if _DOC_SEPARATOR.match(stripped):
        return "---"
    match = _YAML_KEY.match(stripped)
    return "k:" + match["key"].strip("\"'") if match else ""


def _find(
    source: list[tuple[str, str]], start: int, field: int, wanted: str, window: int = 80
) -> int | None:
    """Return the first template line after ``start`` whose text (0) or signature (1) is wanted."""
    for i in range(start, min(start + window, len(source))):
        if source[i][1] and source[i][field] == wanted:
            return i
    return None


# --------------------------------------------------------------------------- cache


def chart_digest(chart_dir: Path, values_files: Sequence[str] | None) -> str:
    """Hash every file of the chart (and the outside values files) by path and content."""
    digest = hashlib.sha256()
    paths = sorted(p for p in chart_dir.rglob("*") if p.is_file())
    resolved = [resolve_values_file(chart_dir, v) for v in values_files or ()]
    extra = [p for p in resolved if not p.resolve().is_relative_to(chart_dir)]
    for path in [*paths, *extra]:
        digest.update(str(path).encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


_contexts: OrderedDict[tuple[str, tuple[str, ...] | None, str], ChartContext] = OrderedDict()
_contexts_lock = threading.Lock()
# Called with each new context; the security tools use it to start Trivy early.
ON_OPEN: list[Callable[[ChartContext], None]] = []


def open_chart(
    chart_dir: str | Path,
    values_files: Sequence[str] | None = None,
    *,
    release_name: str = "",
) -> ChartContext:
    """Return the shared context for a chart directory, fresh whenever any file changed."""
    root = Path(chart_dir).resolve()
    files = None if values_files is None else tuple(values_files)
    key = (str(root), files, release_name)
    digest = chart_digest(root, files)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is not None and context.digest == digest:
            _contexts.move_to_end(key)
            return context
        # The chart changed: its old state is stale (and a chart is validated by one job at a
        # time), so stop what runs for it now. Contexts of other charts that fall out of the
        # cache may still be in use by another thread: they clean up when collected.
        stale = _contexts.pop(key, None)
        context = ChartContext(root, digest, files, release_name)
        _contexts[key] = context
        while len(_contexts) > _CACHE_SIZE:
            _contexts.popitem(last=False)
    if stale is not None:
        stale.close()
    for hook in list(ON_OPEN):
        hook(context)
    return context


def forget(chart_dir: str | Path) -> None:
    """Drop the contexts of a chart directory that is going away (and stop their scans)."""
    root = str(Path(chart_dir).resolve())
    with _contexts_lock:
        keys = [key for key in _contexts if key[0] == root]
        contexts = [_contexts.pop(key) for key in keys]
    for context in contexts:
        context.close()


def close_all() -> None:
    """Drop every cached context (and stop anything running for them)."""
    with _contexts_lock:
        contexts = list(_contexts.values())
        _contexts.clear()
    for context in contexts:
        context.close()


atexit.register(close_all)


def package(chart_dir: str | Path, destination: str | Path) -> str:
    """Package a chart directory into ``destination`` and return the archive's path."""
    Path(destination).mkdir(parents=True, exist_ok=True)
    return helm_python.package(os.fspath(chart_dir), destination=os.fspath(destination))
