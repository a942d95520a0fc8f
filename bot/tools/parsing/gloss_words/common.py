"""What every lexicon shares: its type, and the patterns the later ones build on."""

from __future__ import annotations

# Each entry is a regular expression and its English; a longer phrase comes before the words
# it contains.
Lexicon = tuple[tuple[str, str], ...]

# A code span stands in the prose as a `\0n\0` token.
CODE = r"`\x00\d+\x00`"
# Kinds a request names in English whatever its language: "un Secret esistente".
KINDS = r"CronJob|Job|Deployment|StatefulSet|DaemonSet|Service|Ingress|ConfigMap|Secret|PVC"
# A size or a CPU amount: "max 4Gi" is a limit, "max 5" may be a replica count.
QUANTITY = r"\d+(?:[.,]\d+)?\s*(?:[KMGT]i|[KMGT]B?|m\b|CPU|cores?|vCPU)"
