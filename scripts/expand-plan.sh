#!/usr/bin/env bash
# Print PLAN for ARCH (and VARIANT): keep "@ARCH line" and "@VARIANT line" as
# "line", drop lines tagged with another arch or variant,
# and replace each {{NAME:default}} by $NAME from the environment, or default.
# Usage: expand-plan.sh PLAN ARCH [VARIANT]
set -euo pipefail
plan=${1:?usage: expand-plan.sh PLAN ARCH}
arch=${2:?}
variant=${3:-patched}
[ -f "$plan" ] || { echo "expand-plan: $plan not found" >&2; exit 1; }
sed -E -e "s/^@($arch|$variant)[[:space:]]+//" -e '/^@[a-z0-9_]+[[:space:]]/d' "$plan" |
	perl -pe 's/\{\{(\w+):([^}]*)\}\}/defined $ENV{$1} && $ENV{$1} ne "" ? $ENV{$1} : $2/ge'

