"""The security agent's gates: what a chart would let an attacker do once it is installed.

Every check reads the chart through the shared ``bot.tools.helm`` context (all values sets) and
returns a ``SecurityReport`` that passes only when no unaccepted CRITICAL, HIGH or MEDIUM finding
is left. The project's own checks (Pod Security Standards, secrets, RBAC, NetworkPolicies, images)
always run; Trivy adds its misconfiguration and secret rules when a binary is available, and its
absence is reported as ``skipped``, never as ``passed``.

Trivy spends ~1.8 s compiling its embedded checks before it looks at a file, then ~50 ms per
document, so it runs once per chart state as one ``trivy fs --scanners misconfig,secret``
process covering every values set: each distinct rendered document is written once (what several
values sets render alike is scanned once), next to a copy of the chart's files for the secret
scanner. The scan starts in the background as soon as a chart context is opened (the validator's
first tool), so it overlaps with every other gate; its result is also stored on disk, keyed by
the scanned files and the binary. ``HELM_BOT_TRIVY_PREFETCH=0`` turns the early start off,
``HELM_BOT_TRIVY_CACHE`` moves the cache, ``TRIVY`` names the binary.

Severities: Trivy's own; KSV117 (privileged port) is accepted, with the reason, when a container
really listens below 1024. Value edits that mend a finding travel in ``Finding.fix`` (see
``bot.tools.validate``): securityContext fields, token automount, readOnlyRootFilesystem with a
writable /tmp, ``networkPolicy.enabled``/``allowExternal`` and resources, each only when the
chart's values have the key the rendered setting comes from.

Rule ids (stable):

- ``HB-PSS-0xx`` Pod Security Standards, baseline: 001 privileged, 002 host namespaces,
  003 hostPath, 004 hostPorts, 005 capabilities beyond the baseline set, 006 AppArmor,
  007 SELinux, 008 procMount, 009 seccomp Unconfined, 010 unsafe sysctls, 011 Windows
  hostProcess. Host access (001, 002, 003, 011) is CRITICAL, the rest HIGH.
- ``HB-PSS-1xx`` restricted (MEDIUM): 101 volume types, 102 allowPrivilegeEscalation,
  103 runAsNonRoot, 104 runAsUser 0, 105 seccomp profile, 106 capabilities (drop ALL, add only
  NET_BIND_SERVICE). ``HB-PSS-201`` readOnlyRootFilesystem (project policy, MEDIUM).
- ``HB-SECRET-001`` Secret object with values, ``-002`` secret-looking env value,
  ``-003`` detect-secrets hit, ``-004`` Trivy secret hit; all CRITICAL.
- ``HB-RBAC-001`` cluster-admin binding, ``-002`` wildcards, ``-003`` secrets access,
  ``-004`` escalate/bind/impersonate, ``-005`` exec/attach/proxy, ``-006`` token automount
  without a need, ``-007`` bindings to anonymous or all authenticated users.
- ``HB-NET-001`` workload without NetworkPolicy, ``-002`` missing Ingress/Egress policy type,
  ``-003`` ingress open to everyone, ``-004`` unrestricted egress.
- ``HB-IMG-001`` unpinned image, ``-002`` no registry named, ``-003`` pull policy.
- ``HB-REFUSE-*`` elevated powers the request asked for and the repository does not allow.
- ``HB-TRIVY-SKIPPED`` / ``HB-TRIVY-ERROR`` Trivy absent / failed; Trivy's own ids (KSV...).

The checks live in this package's modules, one per concern, with their policy lists in
``tables``; this module only re-exports the names the rest of the bot and the tests import, so
that they keep importing them from ``bot.tools.security``. Importing it registers the Trivy
prefetch on ``bot.tools.helm.ON_OPEN`` (in ``trivy_process``), as the single module did.
"""

from __future__ import annotations

from bot.tools.security.images import check_image_security
from bot.tools.security.network import scan_network_policies
from bot.tools.security.pss import check_pod_security_policies
from bot.tools.security.rbac import validate_rbac_configuration
from bot.tools.security.refusals import check_elevated_requests
from bot.tools.security.run import merge_reports, run_security, suggest_security_fixes
from bot.tools.security.secrets import detect_hardcoded_secrets
from bot.tools.security.trivy import trivy_scan_templates
from bot.tools.security.trivy_process import TrivyRun, find_trivy

__all__ = [
    "TrivyRun",
    "check_elevated_requests",
    "check_image_security",
    "check_pod_security_policies",
    "detect_hardcoded_secrets",
    "find_trivy",
    "merge_reports",
    "run_security",
    "scan_network_policies",
    "suggest_security_fixes",
    "trivy_scan_templates",
    "validate_rbac_configuration",
]
