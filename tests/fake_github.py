"""A fake GitHub for the tests: a Starlette app served by real uvicorn on 127.0.0.1.

PyGithub talks through ``requests``, which respx cannot intercept, and tests must never reach
the internet; so the bot's GitHub client is pointed at this server instead (``base_url``). It
keeps repositories, issues, comments, reactions, pull requests, reviews and check runs in
memory, where tests seed and inspect them, and answers in GitHub's JSON shapes closely enough
for PyGithub 2.10. It enforces what a test would otherwise miss until production: app JWTs and
installation tokens, GitHub's 65,536-character body cap, 50 annotations per request, and a
request body that matches GitHub's published description (``fake.violations``). ``fail_next``
scripts the failures GitHub really produces (5xx, secondary and primary rate limits).

Only the operations extracted into ``fixtures/github/openapi-operations.json`` exist here (plus
the two GraphQL mutations PyGithub uses for drafts); anything else is a 404 and a violation.
Error messages follow GitHub's wording where it is known; a few are approximations.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import secrets
import string
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.github_openapi import check_request, find_operation, normalize_path
from tests.loopback import serve_app

MAX_BODY = 65536  # "body is too long (maximum is 65536 characters)": comments, PR bodies
MAX_CHECK_TEXT = 65535  # output.summary / output.text maxLength in the checks API
MAX_ANNOTATIONS = 50  # per check-run request; they accumulate across PATCHes
RATE_LIMIT = 5000
DOCS = "https://docs.github.com/rest"
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:FAKE."
)
ACCESS_TOKENS = "/app/installations/{installation_id}/access_tokens"
INSTALLATION = "/repos/{owner}/{repo}/installation"  # also authenticated with the app's JWT
DRAFT_MUTATIONS = {"markPullRequestReadyForReview": False, "convertPullRequestToDraft": True}
REVIEW_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}
REVIEW_STATES["COMMENT"] = "COMMENTED"
_ids = itertools.count(1001)

Handler = Callable[["_Req"], tuple[int, Any]]


def app_keypair() -> tuple[str, str]:
    """A fresh RSA key pair for a GitHub App: (private PEM for PyGithub, public for the fake)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def _now(offset: float = 0) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset))


def _secret(prefix: str) -> str:
    return prefix + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))


class GitHubError(Exception):
    """An error answer, in GitHub's shape: message, documentation_url, status, errors."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors:
            body["errors"] = self.errors
        return body | {"status": str(self.status)}


def _invalid(resource: str, fld: str, message: str, code: str = "custom") -> GitHubError:
    error = {"resource": resource, "code": code, "field": fld, "message": message}
    return GitHubError(422, "Validation Failed", [error])


def _unprocessable(why: str) -> GitHubError:
    return GitHubError(422, "Unprocessable Entity", [why])


def _not_found() -> GitHubError:
    return GitHubError(404, "Not Found")


def _int_param(query: dict[str, str], key: str, default: int) -> int:
    """A numeric query parameter; GitHub ignores one that is not a number."""
    value = query.get(key, "")
    return int(value) if value.isdigit() else default


def _check_length(resource: str, text: str | None, limit: int = MAX_BODY) -> None:
    if text is not None and len(text) > limit:
        raise _invalid(resource, "body", f"body is too long (maximum is {limit} characters)")


@dataclass
class Token:
    """An issued credential: an installation token (``ghs_``) or a seeded user token."""

    login: str
    installation_id: int | None
    issued_at: float
    expires_at: float


@dataclass
class Call:
    """One request as the fake received it (path without the /api/v3 prefix)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int = 0
    time: float = field(default_factory=time.time)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    times: int
    message: str | None


@dataclass
class Repo:
    """One repository's state. Tests seed it with the ``add_*`` methods and read the dicts.

    Issues and pull requests share one number space, as on GitHub: a pull request is an entry
    in ``issues`` (title, body, labels, state) plus one in ``pulls`` (head, base, draft, merged,
    and ``diff_lines``: None accepts review comments on any line, ``{path: {line, ...}}`` refuses
    lines outside the diff with GitHub's 422).
    With ``bare`` (a local bare git repository) branches and files are read from it and branch
    deletion really deletes the ref; without it, ``branches`` and ``files`` are the truth.
    """

    owner: str
    name: str
    installation_id: int
    default_branch: str = "main"
    bare: Path | None = None
    clone_url: str | None = None  # default: the bare repo's path
    id: int = field(default_factory=lambda: next(_ids))
    branches: dict[str, str] = field(default_factory=dict)  # branch -> sha (no bare repo)
    files: dict[str, str | bytes] = field(default_factory=dict)  # path -> content, any ref
    permissions: dict[str, str] = field(default_factory=dict)  # login -> admin/write/read/none
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> comment
    reactions: list[dict[str, Any]] = field(default_factory=list)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # pull -> reviews
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted_refs: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def _git(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "--git-dir", str(self.bare), *args], capture_output=True)

    def branch_sha(self, branch: str) -> str | None:
        if self.bare is None:
            return self.branches.get(branch)
        done = self._git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def delete_branch(self, branch: str) -> bool:
        if self.bare is None:
            return self.branches.pop(branch, None) is not None
        return self.branch_sha(branch) is not None and (
            self._git("update-ref", "-d", f"refs/heads/{branch}").returncode == 0
        )

    def read_file(self, path: str, ref: str) -> bytes | None:
        if path in self.files:
            content = self.files[path]
            return content.encode() if isinstance(content, str) else content
        if self.bare is None:
            return None
        done = self._git("cat-file", "blob", f"{ref}:{path}")
        return done.stdout if done.returncode == 0 else None

    def add_issue(
        self, title: str, body: str = "", labels: tuple[str, ...] = (), user: str = "octocat"
    ) -> int:
        number = len(self.issues) + 1
        self.issues[number] = dict(
            id=next(_ids), title=title, body=body, labels=list(labels), user=user,
            state="open", created_at=_now(), updated_at=_now(), closed_at=None,
        )  # fmt: skip
        return number

    def add_comment(self, number: int, body: str, user: str = "octocat") -> int:
        comment_id = next(_ids)
        self.comments[comment_id] = dict(
            issue=number, body=body, user=user, created_at=_now(), updated_at=_now()
        )
        return comment_id

    def add_pull(
        self, head: str, title: str, body: str = "", base: str | None = None,
        draft: bool = False, user: str = "octocat",
    ) -> int:  # fmt: skip
        number = self.add_issue(title, body, user=user)
        sha = self.branch_sha(head) or hashlib.sha1(head.encode()).hexdigest()
        self.pulls[number] = dict(
            id=next(_ids), node_id=f"PR_kwDO{self.id:06X}{number:04d}", head=head,
            head_sha=sha, base=base or self.default_branch, draft=draft, merged=False,
            merged_at=None, diff_lines=None,
        )  # fmt: skip
        return number


@dataclass
class _Req:
    """One request being answered, and GitHub's JSON shapes rendered for the URL it used.

    Objects carry their own API URLs and PyGithub follows them, so they are built from the root
    the client addressed (with ``/api/v3`` when it used that) rather than stored.
    """

    api: str
    origin: str
    url: URL  # for pagination links
    repo: Repo
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    actor: Token | None
    headers: dict[str, str] = field(default_factory=dict)  # sent with the answer

    @property
    def login(self) -> str:
        assert self.actor is not None
        return self.actor.login

    @property
    def repo_api(self) -> str:
        return f"{self.api}/repos/{self.repo.full_name}"

    @property
    def repo_html(self) -> str:
        return f"{self.origin}/{self.repo.full_name}"

    def user(self, login: str) -> dict[str, Any]:
        uid = zlib.crc32(login.encode()) % 10**8
        kind = "Bot" if login.endswith("[bot]") else "User"
        url, html = f"{self.api}/users/{login}", f"{self.origin}/{login}"
        return {"login": login, "id": uid, "type": kind, "url": url, "html_url": html}

    def repo_json(self) -> dict[str, Any]:
        repo = self.repo
        return dict(
            id=repo.id, node_id=f"R_{repo.id}", name=repo.name, full_name=repo.full_name,
            owner=self.user(repo.owner), private=False, fork=False, archived=False,
            visibility="public", url=self.repo_api, html_url=self.repo_html,
            clone_url=repo.clone_url or str(repo.bare or f"{self.repo_html}.git"),
            default_branch=repo.default_branch,
        )  # fmt: skip

    def issue(self, number: int) -> dict[str, Any]:
        issue, url = self.repo.issues[number], f"{self.repo_api}/issues/{number}"
        labels = [{"name": n, "color": "ededed", "url": f"{self.repo_api}/labels/{n}"}
                  for n in issue["labels"]]  # fmt: skip
        data = dict(
            id=issue["id"], node_id=f"I_{issue['id']}", number=number, url=url,
            html_url=f"{self.repo_html}/issues/{number}", repository_url=self.repo_api,
            comments_url=f"{url}/comments", title=issue["title"], body=issue["body"],
            state=issue["state"], labels=labels, user=self.user(issue["user"]), locked=False,
            assignees=[], author_association="MEMBER", created_at=issue["created_at"],
            updated_at=issue["updated_at"], closed_at=issue["closed_at"],
            comments=sum(c["issue"] == number for c in self.repo.comments.values()),
        )  # fmt: skip
        if number in self.repo.pulls:
            data["pull_request"] = dict(
                url=f"{self.repo_api}/pulls/{number}", html_url=f"{self.repo_html}/pull/{number}",
                merged_at=self.repo.pulls[number]["merged_at"],
            )  # fmt: skip
        return data

    def comment(self, comment_id: int) -> dict[str, Any]:
        c = self.repo.comments[comment_id]
        return dict(
            id=comment_id, node_id=f"IC_{comment_id}", body=c["body"],
            url=f"{self.repo_api}/issues/comments/{comment_id}",
            html_url=f"{self.repo_html}/issues/{c['issue']}#issuecomment-{comment_id}",
            issue_url=f"{self.repo_api}/issues/{c['issue']}", user=self.user(c["user"]),
            created_at=c["created_at"], updated_at=c["updated_at"], author_association="MEMBER",
        )  # fmt: skip

    def pull(self, number: int) -> dict[str, Any]:
        issue, pr = self.issue(number), self.repo.pulls[number]
        url = f"{self.repo_api}/pulls/{number}"
        shared = ("number", "title", "body", "state", "labels", "user", "locked", "created_at",
                  "updated_at", "closed_at", "comments_url", "author_association")  # fmt: skip

        def side(ref: str, sha: str | None) -> dict[str, Any]:
            label, owner = f"{self.repo.owner}:{ref}", self.user(self.repo.owner)
            return dict(label=label, ref=ref, sha=sha, user=owner, repo=self.repo_json())

        return {k: issue[k] for k in shared} | dict(
            id=pr["id"], node_id=pr["node_id"], url=url, issue_url=issue["url"],
            html_url=issue["pull_request"]["html_url"], commits_url=f"{url}/commits",
            review_comments_url=f"{url}/comments", draft=pr["draft"], merged=pr["merged"],
            merged_at=pr["merged_at"], mergeable=not pr["merged"], maintainer_can_modify=False,
            head=side(pr["head"], self.repo.branch_sha(pr["head"]) or pr["head_sha"]),
            base=side(pr["base"], self.repo.branch_sha(pr["base"])),
        )  # fmt: skip

    def review(self, number: int, review: dict[str, Any]) -> dict[str, Any]:
        data = dict(
            id=review["id"], node_id=f"PRR_{review['id']}", user=self.user(review["user"]),
            body=review["body"], state=review["state"], commit_id=review["commit_id"],
            pull_request_url=f"{self.repo_api}/pulls/{number}", author_association="MEMBER",
            html_url=f"{self.repo_html}/pull/{number}#pullrequestreview-{review['id']}",
        )  # fmt: skip
        if review["submitted_at"]:  # a PENDING review has none
            data["submitted_at"] = review["submitted_at"]
        return data

    def check_run(self, run: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.repo_api}/check-runs/{run['id']}"
        output = run["output"] | {
            "annotations_count": len(run["annotations"]),
            "annotations_url": f"{url}/annotations",
        }
        hidden = ("annotations", "app")
        return {k: v for k, v in run.items() if k not in hidden} | dict(
            node_id=f"CR_{run['id']}", url=url, html_url=f"{self.repo_html}/runs/{run['id']}",
            output=output, app={"slug": run["app"], "name": run["app"]},
            check_suite={"id": run["id"]}, pull_requests=[],
        )  # fmt: skip

    def paginate(self, items: list[Any]) -> list[Any]:
        """One page as GitHub cuts it (per_page ≤ 100), with the Link header PyGithub follows."""
        per_page = max(1, min(_int_param(self.query, "per_page", 30), 100))
        page = max(1, _int_param(self.query, "page", 1))
        last = max(1, -(-len(items) // per_page))
        if page < last:

            def link(n: int) -> str:
                return str(self.url.include_query_params(page=n, per_page=per_page))

            self.headers["link"] = f'<{link(page + 1)}>; rel="next", <{link(last)}>; rel="last"'
        return items[(page - 1) * per_page : page * per_page]


class FakeGitHub:
    """The fake's state and request handling; built by ``fake_github()``, which serves it."""

    def __init__(
        self, app_id: int, public_key: str | bytes, installation_id: int = 1,
        app_slug: str = "helm-bot", account: str = "octo-org",
    ) -> None:  # fmt: skip
        self.url = ""  # set once the server listens: give it to PyGithub as base_url
        self.app_id, self.public_key, self.app_slug = app_id, public_key, app_slug
        self.installations: dict[int, str] = {installation_id: account}  # id -> account login
        self.default_installation = installation_id
        self.repos: dict[str, Repo] = {}  # lower-case "owner/name" -> Repo
        self.tokens: dict[str, Token] = {}  # every credential issued or seeded, by value
        self.requests: list[Call] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.used: dict[str, int] = {}  # requests counted against each credential's rate limit
        self.reset_at = int(time.time()) + 3600
        self._lock = threading.Lock()
        r, n, c = "/repos/{owner}/{repo}", "{issue_number}", "{pull_number}"
        self._routes: dict[tuple[str, str], Handler] = {
            ("GET", INSTALLATION): self._installation,
            ("GET", r): lambda req: (200, req.repo_json()),
            ("GET", f"{r}/contents/{{path}}"): self._contents,
            ("GET", f"{r}/collaborators/{{username}}/permission"): self._permission,
            ("POST", f"{r}/issues/{n}/reactions"): self._react,
            ("POST", f"{r}/issues/comments/{{comment_id}}/reactions"): self._react,
            ("GET", f"{r}/issues/{n}"): lambda req: (200, req.issue(self._number(req))),
            ("GET", f"{r}/issues/{n}/comments"): self._list_comments,
            ("POST", f"{r}/issues/{n}/comments"): self._add_comment,
            ("PATCH", f"{r}/issues/comments/{{comment_id}}"): self._edit_comment,
            ("GET", f"{r}/pulls"): self._list_pulls,
            ("POST", f"{r}/pulls"): self._create_pull,
            ("GET", f"{r}/pulls/{c}"): lambda req: (200, req.pull(self._number(req))),
            ("PATCH", f"{r}/pulls/{c}"): self._edit_pull,
            ("GET", f"{r}/pulls/{c}/reviews"): self._list_reviews,
            ("POST", f"{r}/pulls/{c}/reviews"): self._create_review,
            ("POST", f"{r}/check-runs"): self._create_check_run,
            ("PATCH", f"{r}/check-runs/{{check_run_id}}"): self._edit_check_run,
            ("GET", f"{r}/commits/{{ref}}/check-runs"): self._list_check_runs,
            ("DELETE", f"{r}/git/refs/{{ref}}"): self._delete_ref,
            ("GET", f"{r}/git/ref/{{ref}}"): self._get_ref,
        }

    # -- seeding and scripting -----------------------------------------------------------------

    def add_repo(
        self, full_name: str, default_branch: str = "main", bare: Path | None = None,
        installation_id: int | None = None,
    ) -> Repo:  # fmt: skip
        """Add a repository; without a bare repo its default branch gets a made-up sha."""
        owner, name = full_name.split("/")
        repo = Repo(owner, name, installation_id or self.default_installation, default_branch, bare)
        if bare is None:
            repo.branches[default_branch] = hashlib.sha1(full_name.encode()).hexdigest()
        self.repos[full_name.lower()] = repo
        return repo

    def user_token(self, login: str) -> str:
        """Seed a personal token for a human user (no installation), e.g. to act as a reviewer."""
        token = _secret("ghp_")
        self.tokens[token] = Token(login, None, time.time(), time.time() + 86400)
        return token

    def fail_next(
        self, method: str, path_regex: str, status: int, headers: dict[str, str] | None = None,
        times: int = 1, message: str | None = None,
    ) -> None:  # fmt: skip
        """Answer the next ``times`` matching requests with ``status`` instead of serving them.

        ``path_regex`` is searched in the path without /api/v3 and query. The body is GitHub's
        for that case: a 403/429 whose headers say ``x-ratelimit-remaining: 0`` is the primary
        rate limit, any other 403/429 the secondary one (pass ``retry-after`` to ask for a wait).
        """
        fault = Fault(method.upper(), re.compile(path_regex), status, headers or {}, times, message)
        with self._lock:
            self.faults.append(fault)

    # -- serving -------------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        raw = await request.body()
        path = request.url.path
        call = Call(
            request.method, normalize_path(path), dict(request.query_params), None,
            dict(request.headers),
        )  # fmt: skip
        headers: dict[str, str] = {}
        with self._lock:
            try:
                call.body = json.loads(raw) if raw else None
            except ValueError:
                call.body = raw.decode(errors="replace")
                self.violations.append(f"{call.method} {call.path}: the body is not JSON")
            try:
                status, payload = self._handle(request, call, headers)
            except GitHubError as error:
                status, payload = error.status, error.body()
            except Exception as error:  # a bug in the fake: report it rather than hide it
                self.violations.append(f"fake bug: {call.method} {call.path}: {error!r}")
                status, payload = 500, GitHubError(500, "Server Error").body()
            call.status = status
            self.requests.append(call)
        content = b"" if status == 204 else json.dumps(payload).encode()
        return Response(content, status, headers, media_type="application/json; charset=utf-8")

    def _handle(self, request: Request, call: Call, headers: dict[str, str]) -> tuple[int, Any]:
        """Rate-limit headers, scripted faults, auth, the description check, then the handler."""
        method, route = call.method, call.path
        credential = request.headers.get("authorization", "").partition(" ")[2]
        self.used[credential] = used = self.used.get(credential, 0) + 1
        headers.update({
            "x-ratelimit-limit": str(RATE_LIMIT), "x-ratelimit-used": str(used),
            "x-ratelimit-remaining": str(max(RATE_LIMIT - used, 0)),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-resource": "graphql" if route == "/graphql" else "core",
        })  # fmt: skip
        self._raise_fault(method, route, headers)
        if route == "/graphql" and method == "POST":
            return self._graphql(call.body, self._token(credential))
        problems = check_request(method, route, call.body)
        self.violations.extend(problems)
        found = find_operation(method, route)
        if found is None:
            raise _not_found()
        op, params = found
        actor = None
        if op.template in (ACCESS_TOKENS, INSTALLATION):
            self._verify_jwt(credential)
        else:
            actor = self._token(credential)
        if problems:  # GitHub validates the body after authenticating
            raise GitHubError(422, "Invalid request.\n\n" + "\n".join(problems))
        if op.template == ACCESS_TOKENS:
            status, payload = self._access_token(int(params["installation_id"]), call.body)
        else:
            repo = self.repos.get(f"{params['owner']}/{params['repo']}".lower())
            scope = actor.installation_id if actor else None
            if repo is None or scope not in (None, repo.installation_id):
                raise _not_found()  # an installation token sees its installation's repos only
            origin = f"{request.url.scheme}://{request.url.netloc}"
            api = origin + ("/api/v3" if request.url.path.startswith("/api/") else "")
            req = _Req(api, origin, request.url, repo, params, call.query, call.body, actor)
            req.headers = headers
            status, payload = self._routes[(method, op.template)](req)
        if 200 <= status < 300 and status not in op.responses:
            self.violations.append(f"fake bug: {method} {route} answered undocumented {status}")
        return status, payload

    def _raise_fault(self, method: str, route: str, headers: dict[str, str]) -> None:
        matching = (f for f in self.faults if f.method == method and f.pattern.search(route))
        fault = next(matching, None)
        if fault is None:
            return
        fault.times -= 1
        if fault.times <= 0:
            self.faults.remove(fault)
        headers.update({k.lower(): v for k, v in fault.headers.items()})
        message = fault.message or HTTPStatus(fault.status).phrase
        if fault.status in (403, 429) and fault.message is None:
            primary = headers.get("x-ratelimit-remaining") == "0"
            message = "API rate limit exceeded for installation." if primary else SECONDARY
        raise GitHubError(fault.status, message)

    def _verify_jwt(self, credential: str) -> None:
        """GitHub's checks on an app JWT: RS256 by the app's key, iss = app id, ≤ 10 min life."""
        try:
            claims = jwt.decode(
                credential, self.public_key, algorithms=["RS256"],
                options={"require": ["iat", "exp", "iss"]},
            )  # fmt: skip
        except jwt.ExpiredSignatureError as error:
            raise GitHubError(401, "'Expiration time' claim ('exp') is in the past") from error
        except jwt.PyJWTError as error:
            raise GitHubError(401, "A JSON web token could not be decoded") from error
        if str(claims["iss"]) != str(self.app_id):
            raise GitHubError(401, "'Issuer' claim ('iss') must be the app's ID")
        if claims["exp"] - time.time() > 600 + 60:
            raise GitHubError(401, "'Expiration time' claim ('exp') is too far in the future")

    def _token(self, credential: str) -> Token:
        token = self.tokens.get(credential)
        if token is None or token.expires_at < time.time():
            raise GitHubError(401, "Bad credentials")
        return token

    # -- handlers: each returns (status, JSON) or raises GitHubError ---------------------------

    def _access_token(self, installation: int, body: Any) -> tuple[int, Any]:
        if installation not in self.installations:
            raise _not_found()
        value, now = _secret("ghs_"), time.time()
        self.tokens[value] = Token(f"{self.app_slug}[bot]", installation, now, now + 3600)
        default = {"checks": "write", "contents": "write", "issues": "write",
                   "metadata": "read", "pull_requests": "write"}  # fmt: skip
        permissions = (body or {}).get("permissions") or default
        return 201, dict(token=value, expires_at=_now(3600), permissions=permissions,
                         repository_selection="all")  # fmt: skip

    def _installation(self, req: _Req) -> tuple[int, Any]:
        iid = req.repo.installation_id
        return 200, dict(
            id=iid, app_id=self.app_id, app_slug=self.app_slug,
            account=req.user(self.installations[iid]), target_type="Organization",
            repository_selection="all", permissions={}, events=[],
            access_tokens_url=f"{req.api}/app/installations/{iid}/access_tokens",
        )  # fmt: skip

    def _contents(self, req: _Req) -> tuple[int, Any]:
        path, ref = req.params["path"], req.query.get("ref") or req.repo.default_branch
        data = req.repo.read_file(path, ref)
        if data is None:  # a directory is not served either
            raise _not_found()
        b64 = base64.b64encode(data).decode()
        return 200, dict(
            type="file", encoding="base64", size=len(data), name=path.rsplit("/")[-1], path=path,
            content="".join(b64[i : i + 60] + "\n" for i in range(0, len(b64), 60)),
            sha=hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest(),
            url=f"{req.repo_api}/contents/{path}?ref={ref}",
            html_url=f"{req.repo_html}/blob/{ref}/{path}", git_url=None, download_url=None,
        )  # fmt: skip

    def _permission(self, req: _Req) -> tuple[int, Any]:
        role = req.repo.permissions.get(req.params["username"], "none")
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        user = req.user(req.params["username"])
        return 200, {"permission": legacy, "role_name": role, "user": user}

    def _react(self, req: _Req) -> tuple[int, Any]:
        if "comment_id" in req.params:
            subject, target = "comment", int(req.params["comment_id"])
            exists = target in req.repo.comments
        else:
            subject, target = "issue", int(req.params["issue_number"])
            exists = target in req.repo.issues
        if not exists:
            raise _not_found()
        wanted = dict(subject=subject, target=target, content=req.body["content"], user=req.login)
        status = 200  # GitHub answers 200 with the existing reaction when it is a repeat
        reaction = next((r for r in req.repo.reactions if r.items() >= wanted.items()), None)
        if reaction is None:
            status, reaction = 201, wanted | {"id": next(_ids), "created_at": _now()}
            req.repo.reactions.append(reaction)
        return status, dict(
            id=reaction["id"], node_id=f"REA_{reaction['id']}", user=req.user(reaction["user"]),
            content=reaction["content"], created_at=reaction["created_at"],
        )  # fmt: skip

    def _number(self, req: _Req) -> int:
        """The issue or pull request number of the path, which must exist."""
        pull = "pull_number" in req.params
        number = int(req.params["pull_number" if pull else "issue_number"])
        if number not in (req.repo.pulls if pull else req.repo.issues):
            raise _not_found()
        return number

    def _list_comments(self, req: _Req) -> tuple[int, Any]:
        number = self._number(req)
        ids = sorted(cid for cid, c in req.repo.comments.items() if c["issue"] == number)
        return 200, [req.comment(cid) for cid in req.paginate(ids)]

    def _add_comment(self, req: _Req) -> tuple[int, Any]:
        number = self._number(req)
        _check_length("IssueComment", req.body["body"])
        return 201, req.comment(req.repo.add_comment(number, req.body["body"], req.login))

    def _edit_comment(self, req: _Req) -> tuple[int, Any]:
        comment_id = int(req.params["comment_id"])
        if comment_id not in req.repo.comments:
            raise _not_found()
        _check_length("IssueComment", req.body["body"])
        req.repo.comments[comment_id].update(body=req.body["body"], updated_at=_now())
        return 200, req.comment(comment_id)

    def _list_pulls(self, req: _Req) -> tuple[int, Any]:
        repo, (state, head, base) = req.repo, (req.query.get(k) for k in ("state", "head", "base"))
        numbers = [
            n for n, pr in sorted(repo.pulls.items(), reverse=True)
            if state == "all" or repo.issues[n]["state"] == (state or "open")
            if head is None or head in (pr["head"], f"{repo.owner}:{pr['head']}")
            if base is None or base == pr["base"]
        ]  # fmt: skip
        return 200, [req.pull(n) for n in req.paginate(numbers)]

    def _create_pull(self, req: _Req) -> tuple[int, Any]:
        body, repo = req.body, req.repo
        head, base = body["head"].split(":")[-1], body["base"]
        if not body.get("title"):
            raise _invalid("PullRequest", "title", "title is missing", "missing_field")
        for fld, branch in (("base", base), ("head", head)):
            if repo.branch_sha(branch) is None:
                raise _invalid("PullRequest", fld, f"{fld} does not exist", "invalid")
        if head == base:
            raise _invalid("PullRequest", "head", f"No commits between {base} and {head}")
        for n, pr in repo.pulls.items():
            if (pr["head"], pr["base"]) == (head, base) and repo.issues[n]["state"] == "open":
                message = f"A pull request already exists for {repo.owner}:{head}."
                raise _invalid("PullRequest", "head", message)
        _check_length("PullRequest", body.get("body"))
        text, draft = body.get("body") or "", bool(body.get("draft"))
        return 201, req.pull(repo.add_pull(head, body["title"], text, base, draft, req.login))

    def _edit_pull(self, req: _Req) -> tuple[int, Any]:
        number = self._number(req)
        body, issue, pr = req.body or {}, req.repo.issues[number], req.repo.pulls[number]
        _check_length("PullRequest", body.get("body"))
        if "base" in body and req.repo.branch_sha(body["base"]) is None:
            raise _invalid("PullRequest", "base", "base does not exist", "invalid")
        issue.update({k: body[k] for k in ("title", "body", "state") if k in body})
        issue.update(updated_at=_now(), closed_at=_now() if issue["state"] == "closed" else None)
        pr["base"] = body.get("base", pr["base"])
        return 200, req.pull(number)

    def _list_reviews(self, req: _Req) -> tuple[int, Any]:
        number = self._number(req)
        reviews = req.paginate(req.repo.reviews.get(number, []))
        return 200, [req.review(number, r) for r in reviews]

    def _create_review(self, req: _Req) -> tuple[int, Any]:
        number, body = self._number(req), req.body or {}
        event, text, comments = body.get("event"), body.get("body") or "", body.get("comments", [])
        if event in ("APPROVE", "REQUEST_CHANGES") and req.repo.issues[number]["user"] == req.login:
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise _unprocessable(f"Can not {verb} your own pull request")
        if event in ("REQUEST_CHANGES", "COMMENT") and not text and not comments:
            raise _unprocessable(f"Body is required for {event}")
        diff = req.repo.pulls[number]["diff_lines"]
        for c in comments:
            if diff is not None and c["path"] not in diff:
                raise _unprocessable("Path could not be resolved")
            if c.get("line", c.get("position")) is None or (
                diff is not None and "line" in c and c["line"] not in diff[c["path"]]
            ):
                raise _unprocessable("Line could not be resolved")
        _check_length("PullRequestReview", text)
        state = REVIEW_STATES.get(event or "", "PENDING")
        review = dict(
            id=next(_ids), user=req.login, body=text, event=event, state=state,
            commit_id=body.get("commit_id") or req.repo.pulls[number]["head_sha"],
            comments=comments, submitted_at=None if state == "PENDING" else _now(),
        )  # fmt: skip
        req.repo.reviews.setdefault(number, []).append(review)
        return 200, req.review(number, review)

    def _apply_check_run(self, run: dict[str, Any], body: dict[str, Any]) -> None:
        """Create/update semantics: fields replace, annotations append (≤ 50 per request)."""
        output = body.get("output") or {}
        annotations = output.get("annotations") or []
        if len(annotations) > MAX_ANNOTATIONS:
            raise _invalid("CheckRun", "annotations", "Only 50 annotations are allowed per request")
        for key in ("summary", "text"):
            if len(output.get(key) or "") > MAX_CHECK_TEXT:
                raise _invalid("CheckRun", f"output.{key}", f"{key} is too long")
        # Giving a conclusion completes the run; completing it without one is refused.
        status = "completed" if body.get("conclusion") else body.get("status", run["status"])
        if status == "completed" and not body.get("conclusion", run["conclusion"]):
            raise _invalid("CheckRun", "conclusion", "conclusion is required when completed")
        fields = ("name", "details_url", "external_id", "conclusion", "started_at", "completed_at")
        run.update({k: body[k] for k in fields if k in body}, status=status)
        if status == "completed":
            run["completed_at"] = run["completed_at"] or _now()
        run["output"].update({k: output[k] for k in ("title", "summary", "text") if k in output})
        run["annotations"].extend(annotations)

    def _create_check_run(self, req: _Req) -> tuple[int, Any]:
        if req.actor is None or req.actor.installation_id is None:
            raise GitHubError(403, "You must authenticate via a GitHub App.")
        run: dict[str, Any] = dict(
            id=next(_ids), name=None, head_sha=req.body["head_sha"], status="queued",
            conclusion=None, started_at=_now(), completed_at=None, details_url=None,
            external_id=None, app=self.app_slug, annotations=[],
            output={"title": None, "summary": None, "text": None},
        )  # fmt: skip
        self._apply_check_run(run, req.body)
        req.repo.check_runs[run["id"]] = run
        return 201, req.check_run(run)

    def _edit_check_run(self, req: _Req) -> tuple[int, Any]:
        run = req.repo.check_runs.get(int(req.params["check_run_id"]))
        if run is None:
            raise _not_found()
        self._apply_check_run(run, req.body)
        return 200, req.check_run(run)

    def _list_check_runs(self, req: _Req) -> tuple[int, Any]:
        ref, query = req.params["ref"], req.query
        shas = {ref, req.repo.branch_sha(ref.removeprefix("heads/"))}  # a sha or a branch
        runs = [
            r for r in req.repo.check_runs.values() if r["head_sha"] in shas
            if query.get("check_name") in (None, r["name"])
            if query.get("status") in (None, r["status"])
        ]  # fmt: skip
        page = [req.check_run(r) for r in req.paginate(runs)]
        return 200, {"total_count": len(runs), "check_runs": page}

    def _get_ref(self, req: _Req) -> tuple[int, Any]:
        ref = req.params["ref"]
        sha = req.repo.branch_sha(ref.removeprefix("heads/")) if ref.startswith("heads/") else None
        if sha is None:
            raise _not_found()
        target = {"sha": sha, "type": "commit", "url": f"{req.repo_api}/git/commits/{sha}"}
        url = f"{req.repo_api}/git/refs/{ref}"  # PyGithub deletes through this URL
        return 200, {"ref": f"refs/{ref}", "node_id": f"REF_{ref}", "url": url, "object": target}

    def _delete_ref(self, req: _Req) -> tuple[int, Any]:
        ref = req.params["ref"]
        if not ref.startswith("heads/") or not req.repo.delete_branch(ref.removeprefix("heads/")):
            raise GitHubError(422, "Reference does not exist")
        req.repo.deleted_refs.append(ref)
        return 204, None

    def _graphql(self, body: Any, actor: Token) -> tuple[int, Any]:
        """The mutations PyGithub sends for PullRequest.mark_ready_for_review/convert_to_draft."""
        body = body if isinstance(body, dict) else {}
        match = re.search(r"mutation\b[^{]*\{\s*(\w+)\s*\(", str(body.get("query", "")))
        name = match.group(1) if match else ""
        if name not in DRAFT_MUTATIONS:
            self.violations.append(f"POST /graphql: not supported by the fake: {body!r:.200}")
            return 200, {"errors": [{"message": "the fake GitHub does not serve this document"}]}
        data = (body.get("variables") or {}).get("input") or {}
        node_id = data.get("pullRequestId")
        scope = actor.installation_id
        visible = (r for r in self.repos.values() if scope in (None, r.installation_id))
        found = [(n, pr) for r in visible for n, pr in r.pulls.items() if pr["node_id"] == node_id]
        for number, pr in found:
            pr["draft"] = DRAFT_MUTATIONS[name]
            result = {"id": node_id, "number": number, "isDraft": pr["draft"]}
            answer = {"clientMutationId": data.get("clientMutationId"), "pullRequest": result}
            return 200, {"data": {name: answer}}
        message = f"Could not resolve to a node with the global id of '{node_id}'."
        error = {"type": "NOT_FOUND", "path": [name], "message": message}
        return 200, {"data": {name: None}, "errors": [error]}


@contextmanager
def fake_github(
    app_id: int, public_key: str | bytes, installation_id: int = 1, app_slug: str = "helm-bot",
    account: str = "octo-org",
) -> Iterator[FakeGitHub]:  # fmt: skip
    """Serve a FakeGitHub on 127.0.0.1 (free port) for the duration of the block.

    ``public_key`` is the PEM of the app's RSA public key; the test keeps the private key and
    gives it to PyGithub's ``Auth.AppAuth``. The yielded fake's ``url`` is PyGithub's
    ``base_url``; ``url + "/api/v3"`` works too, as on GitHub Enterprise.
    """
    fake = FakeGitHub(app_id, public_key, installation_id, app_slug, account)
    methods = ["GET", "POST", "PATCH", "PUT", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", fake.endpoint, methods=methods)])
    with serve_app(app, "the fake GitHub server") as url:
        fake.url = url
        yield fake
