"""The optimizer's thresholds and key lists live here, apart from the rules that apply them,
so that a ratio, a target range or the list of keys the security gate owns can be reviewed and
tuned in one place without reading any rule, and every rule module can import them without
importing another.
"""

from __future__ import annotations

import re

MAX_MEMORY_LIMIT_RATIO = 2.0
MAX_CPU_LIMIT_RATIO = 8.0
MIN_CPU_LIMIT_RATIO_LATENCY = 2.0
JVM_HEAP_SHARE = 0.75
HPA_CPU_TARGET_RANGE = (50, 85)
SLOW_START_SECONDS = 30

_TUNING_KEYS = frozenset(
    {
        "autoscaling.targetCPUUtilizationPercentage",
        "autoscaling.targetMemoryUtilizationPercentage",
        "terminationGracePeriodSeconds",
    }
)
# The optimizer tunes availability and cost; it never touches what the security gate owns.
_PROTECTED_KEYS = (
    "image",
    "imagePullSecrets",
    "podSecurityContext",
    "containerSecurityContext",
    "serviceAccount",
    "networkPolicy",
    "existingSecret",
    "secretEnv",
)
_JAVA_OPTION_VARS = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS")
_HEAP_FLAG = "-XX:MaxRAMPercentage=75.0"


_HEAP = re.compile(r"-Xmx(\d+)([kKmMgG]?)")
_HEAP_UNITS_MI = {"": 1 / 1024**2, "k": 1 / 1024, "m": 1.0, "g": 1024.0}


_HANDLERS = ("httpGet", "tcpSocket", "grpc", "exec")
