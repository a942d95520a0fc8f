"""Pin a tag to the digest its registry serves today, when the user opts in.

A tag can be moved to other content; a digest cannot. When asked (``--pin-digests`` on the CLI,
``pin_digests: true`` in the repository's config), each image's tag is looked up with the
registry API the way ``docker pull`` does it: ``HEAD /v2/<name>/manifests/<tag>``, and on a 401
the anonymous token flow its ``WWW-Authenticate: Bearer realm=...`` header describes. The digest
of the index (multi-arch) or manifest is what the chart pins, beside the tag people read.

Lookups never stop a run: offline, a private image without credentials or an unknown tag keeps
the tag, and the report says why the image was not pinned.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

import httpx

from bot.tools.models import Image, Requirements

_ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io", "")
_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


class LookupFailed(Exception):
    """The registry could not tell the tag's digest; the message says why."""


def _base_url(registry: str) -> str:
    if registry in _DOCKER_HUB:
        return "https://registry-1.docker.io"
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    # Like docker, a registry on this machine speaks plain HTTP; every other one HTTPS.
    return f"{'http' if loopback else 'https'}://{registry}"


def _token(client: httpx.Client, challenge: str, repository: str) -> str:
    """Fetch an anonymous pull token as the registry's Bearer challenge describes."""
    if not challenge.lower().startswith("bearer "):
        raise LookupFailed("the registry asks for credentials (no anonymous pull)")
    params = dict(_CHALLENGE.findall(challenge))
    realm = params.pop("realm", "")
    if not realm:
        raise LookupFailed("the registry's auth challenge names no token service")
    params.setdefault("scope", f"repository:{repository}:pull")
    reply = client.get(realm, params=params)
    if reply.status_code != 200:
        raise LookupFailed(f"the token service answered {reply.status_code}")
    body = reply.json()
    token = body.get("token") or body.get("access_token")
    if not token:
        raise LookupFailed("the token service returned no token")
    return str(token)


def lookup_digest(image: Image, timeout: float = 10.0) -> str:
    """Return the sha256 digest the registry serves for ``image``'s tag."""
    if not image.tag:
        raise LookupFailed("the image has no tag to look up")
    repository = image.repository
    if image.registry in _DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    url = f"{_base_url(image.registry)}/v2/{repository}/manifests/{image.tag}"
    headers = {"Accept": _ACCEPT}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            reply = client.head(url, headers=headers)
            if reply.status_code == 401:
                token = _token(client, reply.headers.get("www-authenticate", ""), repository)
                headers["Authorization"] = f"Bearer {token}"
                reply = client.head(url, headers=headers)
            if reply.status_code == 404:
                raise LookupFailed(f"tag {image.tag} is not in the registry")
            if reply.status_code != 200:
                raise LookupFailed(f"the registry answered {reply.status_code}")
            digest = reply.headers.get("docker-content-digest", "")
            if not _DIGEST.match(digest):
                # Some registries omit the header on HEAD: hash the manifest itself.
                body = client.get(url, headers=headers)
                body.raise_for_status()
                digest = "sha256:" + hashlib.sha256(body.content).hexdigest()
    except httpx.HTTPError as error:
        raise LookupFailed(f"the registry could not be reached ({type(error).__name__})") from error
    return digest


def pin_digests(requirements: Requirements) -> tuple[Requirements, list[str]]:
    """Pin every tagged image of the request to its digest; return it and what was done."""
    notes: list[str] = []
    pinned = requirements.model_copy(deep=True)
    for workload in pinned.workloads():
        image = workload.image
        if image is None or image.digest or not image.tag:
            continue
        try:
            image.digest = lookup_digest(image)
            notes.append(f"image {image.reference} pinned to the digest its registry serves now")
        except LookupFailed as why:
            notes.append(f"image {image.reference} not pinned by digest: {why}; the tag is kept")
    return pinned, notes
