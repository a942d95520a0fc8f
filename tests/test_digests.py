"""Digest pinning against a real OCI registry on 127.0.0.1 (Debian's ``docker-registry``).

An image manifest is pushed with the registry API, then ``--pin-digests`` must pin the chart to
the digest the registry reports for the tag; an unknown tag and an unreachable registry keep the
tag, and the report says why.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from bot.graph.build import build_graph
from bot.jobs.runner import start
from bot.store import open_checkpointer
from bot.tools.digests import LookupFailed, lookup_digest, pin_digests
from bot.tools.models import Image
from bot.tools.requirements import parse_requirements

REGISTRY = shutil.which("docker-registry")
pytestmark = pytest.mark.skipif(REGISTRY is None, reason="docker-registry is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "version": 0.1,
                "log": {"level": "error"},
                "storage": {"filesystem": {"rootdirectory": str(root / "data")}},
                "http": {"addr": f"127.0.0.1:{port}"},
            }
        )
    )
    assert REGISTRY is not None
    proc = subprocess.Popen([REGISTRY, "serve", str(config)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/v2/").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("docker-registry did not start")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def push(registry: str, repository: str, tag: str) -> str:
    """Push a minimal OCI image manifest; return the digest the registry reports."""
    base = f"http://{registry}/v2/{repository}"
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}})
    blob = config.encode()
    blob_digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    upload = httpx.post(f"{base}/blobs/uploads/")
    assert upload.status_code == 202, upload.text
    location = upload.headers["location"]
    location = location if location.startswith("http") else f"http://{registry}{location}"
    sep = "&" if "?" in location else "?"
    assert httpx.put(f"{location}{sep}digest={blob_digest}", content=blob).status_code == 201
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": blob_digest,
            "size": len(blob),
        },
        "layers": [],
    }
    reply = httpx.put(
        f"{base}/manifests/{tag}",
        content=json.dumps(manifest).encode(),
        headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
    )
    assert reply.status_code == 201, reply.text
    return reply.headers["docker-content-digest"]


def test_a_tag_is_looked_up_as_the_registry_serves_it(registry: str) -> None:
    digest = push(registry, "acme/api", "1.2.0")
    image = Image(registry=registry, repository="acme/api", tag="1.2.0")
    assert lookup_digest(image) == digest
    with pytest.raises(LookupFailed, match="not in the registry"):
        lookup_digest(image.model_copy(update={"tag": "9.9.9"}))


def test_an_unreachable_registry_keeps_the_tag_and_says_so() -> None:
    req = parse_requirements(f"api, image 127.0.0.1:{free_port()}/acme/api:1.2.0, port 8080")
    pinned, notes = pin_digests(req)
    assert pinned.image is not None and pinned.image.digest == "" and pinned.image.tag == "1.2.0"
    assert len(notes) == 1 and "could not be reached" in notes[0] and "tag is kept" in notes[0]


def test_generate_pins_the_chart_to_the_digest(registry: str, tmp_path: Path) -> None:
    digest = push(registry, "acme/shop", "2.0.0")
    request = f"shop, Go, image {registry}/acme/shop:2.0.0, port 8080"
    settings = {"out_dir": str(tmp_path / "out"), "pin_digests": True}
    with open_checkpointer(f"sqlite:///{tmp_path / 'state.sqlite'}") as saver:
        outcome = start(build_graph(saver), "pin", request, settings)  # type: ignore[arg-type]
    assert outcome.status == "done" and outcome.state["result"]["passed"], outcome.review
    values = yaml.safe_load((Path(outcome.state["result"]["chart"]) / "values.yaml").read_text())
    assert values["image"]["digest"] == digest and values["image"]["tag"] == "2.0.0"
    report = json.loads(Path(outcome.state["result"]["report_json"]).read_text())
    assert any("pinned to the digest" in a for a in report["plan"]["assumptions"])
