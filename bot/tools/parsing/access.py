"""Powers the request asks for beyond a plain pod, and words addressed to the bot itself.

Elevated access (privileged, host namespaces, hostPath, cluster-admin, root, extra Linux
capabilities) is recorded exactly as asked so that the security gate can refuse it with a
reason; "non-root" or "must not be privileged" is not a request for it. Text that tries to
instruct the bot ("ignore previous instructions") is noted and never followed: the facts around
it are parsed like any other.
"""

from __future__ import annotations

import re

from bot.tools.models import ENVIRONMENTS, Environment
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.host_paths import read_host_paths
from bot.tools.parsing.text import Doc, any_of, negated

INSTRUCTION_NOTE = "text addressed to the bot was ignored: "

_FALSE = r"\s*[:=]\s*[\"']?(?:false|no|off|0|disabled)\b"


_POWERS = (
    (
        "privileged",
        any_of(
            rf"\bprivileged\b(?!\s+ports?\b|\s+port numbers?\b)(?!{_FALSE})",
            r"--privileged\b",
        ),
    ),
    (
        "host_network",
        any_of(
            rf"\bhost[\s_-]?network(?:ing)?\b(?!{_FALSE})",
            r"\bnetwork(?:ing)?\s+(?:of|on|from) the (?:host|node)\b",
            r"\bnetwork_mode\s*:\s*[\"']?host\b",
            r"--net(?:work)?=host\b",
            r"\bthe host'?s? network\b",
        ),
    ),
    (
        "host_pid",
        any_of(
            rf"\bhost[\s_-]?pid\b(?!{_FALSE})",
            r"\bpid\s*:\s*[\"']?host\b",
            r"\b(?:see|access|view|inspect) (?:all )?(?:the )?(?:host|node)(?:'s)? processes\b",
            r"\bhost (?:process|pid) namespace\b",
        ),
    ),
    ("host_ipc", any_of(rf"\bhost[\s_-]?ipc\b(?!{_FALSE})", r"\bipc\s*:\s*[\"']?host\b")),
    (
        "cluster_admin",
        any_of(
            r"\bcluster[\s-]?admin\b",
            r"\b(?:full|admin|unrestricted|root|god[\s-]mode) (?:access|permissions?|rights|"
            r"privileges) (?:to|on|over|in) (?:the )?(?:whole |entire )?(?:k8s |kubernetes )?"
            r"cluster\b",
            r"\bcluster[\s-]wide (?:admin|write|full) (?:access|rights)\b",
        ),
    ),
    (
        "run_as_root",
        any_of(
            r"(?<![\w-])(?:run|runs|running|run it|start|starts|execute|executes)\s+as\s+"
            r"(?:the\s+)?root\b",
            r"\bas root\b",
            r"\buid\s*[:=]?\s*0\b",
            r"\brunAsUser\s*:\s*0\b",
            r"\buser\s*:\s*[\"']?(?:root|0)(?::0)?[\"']?(?:\s|$)",
            r"\b(?:needs?|requires?|with) root(?: privileges| permissions| rights)?\b(?! (?:user|"
            r"password|account|login|credentials?))",
            r"\brunAsNonRoot\s*:\s*false\b",
        ),
    ),
)
# Credentials vocabulary: "the root user's password", "admin password", "superuser login".
_CREDENTIALS = re.compile(
    r"\b(?:passw(?:or)?d|passwd|credentials?|secret|login|username|user ?name|account|"
    r"database|db|mysql|mariadb|postgres(?:ql)?|mongo(?:db)?|minio|bootstrap|superuser|"
    r"admin user)\b|_ROOT_|ROOT_USER|ROOT_PASSWORD",
    re.I,
)
_CAPABILITY = re.compile(
    r"\b(?:CAP_)?(NET_ADMIN|SYS_ADMIN|SYS_PTRACE|NET_RAW|SYS_TIME|SYS_MODULE|SYS_RESOURCE|"
    r"IPC_LOCK|DAC_OVERRIDE|DAC_READ_SEARCH|SYS_CHROOT|SETUID|SETGID|CHOWN|FOWNER|MKNOD|"
    r"AUDIT_WRITE|AUDIT_CONTROL|SYS_BOOT|SYS_NICE|SYS_RAWIO|BPF|PERFMON|NET_BROADCAST|"
    r"LINUX_IMMUTABLE|SETPCAP|SETFCAP|KILL|SYSLOG|WAKE_ALARM|BLOCK_SUSPEND|MAC_ADMIN|"
    r"MAC_OVERRIDE|ALL|NET_BIND_SERVICE)\b"
)
_API_ACCESS = re.compile(
    r"\b(?:kubernetes|k8s|kube)[\s-]?(?:api|apiserver|api server|client|operator|controller)\b|"
    # "the API server" alone is as likely the app's own ("`museum` - the API server")
    r"\b(?:to|reach(?:es)?|access(?:es)?|calls?|quer(?:y|ies)|watch(?:es)?)\s+(?:the\s+)?"
    r"api[\s-]?server\b|\bapiserver\b|\bin-cluster config\b|\bservice ?account token\b|"
    r"\bclient-go\b|"
    r"\bservice ?account with its token\b|\b(?-i:SA)\s+token\b|"
    r"\btalks? to (?:the )?(?:kubernetes|k8s|cluster)\b|\bleader election\b|"
    # "it runs `kubectl apply`"; "logs show up in kubectl logs" is the operator's kubectl
    r"\b(?:runs|uses|calls|invokes|execs|shells\s+out\s+to)\s+`?kubectl\b|"
    r"(?<!both )(?<!all )(?<!each )(?<!they )(?<!we )"
    r"\b(?:list|watch|get|read|create|update|patch|delete|manage|scale)s?(?:ing)? (?:the )?"
    r"(?:other )?(?:pods|configmaps|secrets|deployments|events|nodes|namespaces|jobs|services|"
    r"endpoints|leases|crds?|custom resources)\b(?! of\b)|\brbac\b|\boperator (?:for|that)\b|"
    # "reconciles custom resources"; "`inventory reconcile`", "bank reconciliation" are the app's
    r"\breconcil\w*\s+(?:loops?|the\s+cluster|kubernetes|k8s|(?:its\s+|the\s+)?(?:custom\s+)?"
    r"resources|crds?|objects)\b",
    re.I,
)
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|system|security|safety|existing)?\s*(?:instructions?|"
    r"prompts?|rules?|guidelines?|polic(?:y|ies)|guardrails?|checks?|restrictions?)\b|"
    r"\byou are now\b|\bsystem prompt\b|\bjailbreak\b|\bdeveloper mode\b|\bdo anything now\b|"
    r"\b(?:bypass|skip|disable|turn off)\s+(?:the\s+)?(?:security|validation|policy|pss|scan)"
    r"(?:\s+(?:checks?|gates?|scans?|policy|policies))?\b|\bnew instructions?\s*:",
    re.I,
)
_FEATURES = (
    (
        r"\bcanary\b",
        "canary releases requested: needs a progressive-delivery tool (Argo Rollouts"
        ", Flagger) on top of this chart",
    ),
    (r"\bblue[\s/-]?green\b", "blue-green releases requested: needs a progressive-delivery tool"),
    (
        r"\bmulti[\s-]?region\b|\bregions?\b",
        "regions are mentioned: one chart installs into one cluster; install it per region",
    ),
    (
        r"\bservice ?monitor\b|\bprometheus (?:scrap\w+|operator)\b|\bscraped? by prometheus\b",
        "Prometheus scraping requested (ServiceMonitor or scrape annotations)",
    ),
    (r"\bkeda\b", "KEDA event-driven autoscaling requested: add a ScaledObject"),
    (
        r"\bgpus?\b|\bnvidia\b|\bcuda\b",
        "GPU requested: set nvidia.com/gpu limits and a GPU node selector/toleration",
    ),
    (r"\bsticky sessions?\b|\bsession affinity\b", "sticky sessions requested"),
    (r"\bwebsockets?\b", "WebSockets: the ingress needs long read timeouts"),
    (
        r"\bzero[\s-]downtime\b",
        "zero-downtime deploys requested: rolling update with maxUnavailable "
        "0, readiness probe and PodDisruptionBudget",
    ),
    (
        r"\bspot\b|\bpreemptible\b",
        "spot/preemptible nodes requested: add tolerations and node affinity",
    ),
    (
        r"\barm64\b|\baarch64\b|\bgraviton\b",
        "arm64 nodes requested: the image must be multi-arch; "
        "add a kubernetes.io/arch node selector",
    ),
)
_HA = re.compile(
    r"\bhighly[\s-]available\b|\bhigh[\s-]availability\b|\bHA\b|\bno single point "
    r"of failure\b|\bfault[\s-]tolerant\b"
)
_ENV_WORDS: dict[str, Environment] = {
    "dev": "dev",
    "development": "dev",
    "staging": "staging",
    "stage": "staging",
    "prod": "prod",
    "production": "prod",
}


def _credentials(doc: Doc, pos: int) -> bool:
    """Say whether the sentence at ``pos`` is about a login (a database's root password)."""
    span = doc.sentence_at(pos)
    return bool(_CREDENTIALS.search(doc.masked[span.start : span.end]))


_REFUSAL = re.compile(
    r"\b(?:forbid\w*|prohibit\w*|disallow\w*|not allowed|(?:aren'?t|isn'?t|are not|is not) "
    r"allowed|can'?t use|cannot use|don'?t want|do not want|block(?:s|ed)|ban(?:s|ned)|"
    # "Upstream runs it as `runAsUser: 0`. I'd like to try without that, so leave it out"
    r"rejects?|without\s+(?:that|it|them)|leave\s+(?:it|that|them)\s+out|drop\s+(?:it|that))\b",
    re.I,
)


def _refused(doc: Doc, pos: int) -> bool:
    """Say whether the request refuses what it mentions at ``pos``: "the README runs it with
    host network and host PID; our Pod Security rules forbid both" names powers it does not
    want. The refusal follows in the same sentence, or in the next one that points back."""
    span = doc.sentence_at(pos)
    if _REFUSAL.search(doc.masked[pos : span.end]):
        return True
    following = [s for s in doc.sentences if s.start >= span.end][:1]
    if not following:
        return False
    after = doc.masked[following[0].start : following[0].end]
    return bool(
        _REFUSAL.search(after) and re.search(r"\b(?:both|them|it|these|those|that|this)\b", after)
    )


# "the compose we run today on a VM, with `network_mode: host`": the setup the request moves
# away from, when it goes on to say what it wants on Kubernetes.
_OLD_SETUP = re.compile(
    r"\b(?:today|currently|at the moment|right now|still)\b[^.\n]{0,40}?\bon\s+(?:a|the|our|one|"
    r"two|an?\s+old)\s+(?:VMs?|virtual machines?|servers?|box|bare[\s-]metal|docker\s+hosts?|"
    r"(?:single\s+)?hosts?|NAS)\b",
    re.I,
)
_ON_KUBERNETES = re.compile(
    r"\b(?:on|in|for|to)\s+(?:kubernetes|k8s|the\s+cluster)\b[^.\n]{0,30}\bwe\s+(?:want|need)\b",
    re.I,
)


def _old_setup(doc: Doc, pos: int) -> bool:
    """Say whether ``pos`` is in a description of the setup the request migrates from."""
    span = doc.sentence_at(pos)
    return bool(
        _OLD_SETUP.search(doc.masked[span.start : span.end]) and _ON_KUBERNETES.search(doc.masked)
    )


def read_access(doc: Doc, draft: Draft) -> None:
    """Record elevated powers, Kubernetes API access and hostPath mounts."""
    text = doc.masked
    for field_name, pattern in _POWERS:
        for match in pattern.finditer(text):
            if field_name == "run_as_root" and _credentials(doc, match.start()):
                continue
            if _refused(doc, match.start()) or _old_setup(doc, match.start()):
                continue
            if not negated(text, match.start()) and not re.search(
                r"non[\s-]?$|un$", text[max(0, match.start() - 4) : match.start()], re.I
            ):
                setattr(draft.elevated, field_name, True)
                break
    for match in _CAPABILITY.finditer(text):
        cap = match.group(1)
        before = text[max(0, match.start() - 25) : match.start()]
        if negated(text, match.start()) or re.search(r"drop", before, re.I):
            continue
        if cap == "ALL" and not re.search(r"cap_add|\badd\b|capabilit", before, re.I):
            continue
        if cap == "NET_BIND_SERVICE":
            draft.note(
                "NET_BIND_SERVICE requested: allowed under the restricted Pod Security "
                "Standard, for ports below 1024"
            )
        elif cap not in draft.elevated.capabilities:
            draft.elevated.capabilities.append(cap)
    read_host_paths(doc, draft)
    _declined(text, draft)
    for match in _API_ACCESS.finditer(text):
        if not negated(text, match.start()):
            draft.target.sa_token = True
            break
    if draft.target.sa_token:
        draft.note(
            "the app calls the Kubernetes API: it needs a ServiceAccount token and a "
            "Role scoped to what it reads or writes"
        )


# "We deliberately do not want hostNetwork, hostPID or the extra capabilities", "so no
# docker.sock": the request declines powers its pasted docs list; what it says of its own setup
# wins over the docs, however they are worded.
_DECLINE = re.compile(r"\b(?:do(?:es)?\s+not|don'?t|never|no|without|not)\b", re.I)
_CLAUSE_END = re.compile(r"[.;!?]\s|\bbut\b|\n\s*\n", re.I)


def _declined(text: str, draft: Draft) -> None:
    for decline in _DECLINE.finditer(text):
        end = _CLAUSE_END.search(text, decline.end())
        scope = text[decline.end() : end.start() if end else len(text)]
        for field_name, pattern in _POWERS:
            if pattern.search(scope) and field_name != "run_as_root":
                setattr(draft.elevated, field_name, False)
        if re.search(r"\b(?:extra\s+|added\s+|additional\s+)?capabilit(?:y|ies)\b", scope, re.I):
            draft.elevated.capabilities.clear()
        for cap in list(draft.elevated.capabilities):
            if re.search(rf"\b(?:CAP_)?{cap}\b", scope):
                draft.elevated.capabilities.remove(cap)
        if re.search(r"docker\.sock|container(?:d)?\s+socket|docker\s+socket", scope, re.I):
            sockets = [p for p in draft.elevated.host_path if "sock" in p]
            draft.elevated.host_path = [p for p in draft.elevated.host_path if p not in sockets]
            draft.target.host_mounts = [
                m for m in draft.target.host_mounts if m.host_path not in sockets
            ]


def read_notes(doc: Doc, draft: Draft) -> None:
    """Note instructions aimed at the bot, high availability and features outside a chart."""
    text = doc.masked
    for match in _INJECTION.finditer(text):
        draft.note(INSTRUCTION_NOTE + match.group(0))
    for pattern, note in _FEATURES:
        feature = re.search(pattern, text, re.I)
        if feature and not negated(text, feature.start()):
            draft.note(note)


def read_high_availability(doc: Doc, draft: Draft) -> None:
    """Ask for two replicas when the request wants high availability but gives no count."""
    if _HA.search(doc.masked) and draft.target.low is None and draft.target.high is None:
        draft.target.set_replicas(2, None)
        draft.note("high availability requested: at least 2 replicas")


def read_environments(doc: Doc, draft: Draft) -> None:
    """Limit the environments when the request names only some ("only dev and prod")."""
    match = re.search(
        r"\b(?:environments?|envs?|stages?|deploy(?:ed)? (?:only )?to|only (?:for|in|to)?|just)"
        r"\s*[:=]?\s*(?P<list>(?:dev|development|staging|stage|prod|production)(?:\s*(?:,|and|&|/|"
        r"\+)\s*(?:dev|development|staging|stage|prod|production))*)"
        r"(?:\s+environments?)?\b",
        doc.masked,
        re.I,
    )
    if not match:
        return
    names = re.findall(r"dev(?:elopment)?|stag(?:ing|e)|prod(?:uction)?", match.group("list"), re.I)
    wanted: list[Environment] = []
    for name in names:
        env = _ENV_WORDS[name.lower()]
        if env not in wanted:
            wanted.append(env)
    label = match.group(0).lower()
    if wanted and (len(wanted) > 1 or "only" in label or "just" in label or "env" in label):
        draft.environments = [e for e in ENVIRONMENTS if e in wanted]
