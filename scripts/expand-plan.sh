#!/usr/bin/env bash
# Print PLAN for ARCH (and VARIANT): a line may start with tags "@NAME "
# (an arch or a variant); it is kept, without its tags, when every tag names
# ARCH or VARIANT, and dropped otherwise. Each {{NAME:default}} is replaced
# by $NAME from the environment, or default.
# Usage: expand-plan.sh PLAN ARCH [VARIANT]
set -euo pipefail
plan=${1:?usage: expand-plan.sh PLAN ARCH}
arch=${2:?}
variant=${3:-patched}
[ -f "$plan" ] || { echo "expand-plan: $plan not found" >&2; exit 1; }
sed -E -e ":a" -e "s/^@($arch|$variant)[[:space:]]+//" -e "ta" \
	-e '/^@[a-z0-9_]+[[:space:]]/d' "$plan" |
	perl -pe 's/\{\{(\w+):([^}]*)\}\}/defined $ENV{$1} && $ENV{$1} ne "" ? $ENV{$1} : $2/ge'
