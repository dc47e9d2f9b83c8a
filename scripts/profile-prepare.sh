#!/usr/bin/env bash
# Set up a make profile / make profile-call run in OUT: build the QEMU
# plugin profile/PLUGIN.c into OUT/PLUGIN.so, the guest userspace for ARCH,
# and OUT/profile.plan, which runs mremap-bench's CASE with ASLR off.
# Usage: profile-prepare.sh OUT PLUGIN ARCH CASE
set -euo pipefail
usage="usage: profile-prepare.sh OUT PLUGIN ARCH CASE"
out=${1:?$usage}
plugin=${2:?$usage}
arch=${3:?$usage}
case=${4:?$usage}
top=$(cd "$(dirname "$0")/.." && pwd)
me=${LABEL:-profile}

grep -q "\"$case\"," "$top/guest/mremap-bench.c" ||
	{ echo "$me: no case '$case' in guest/mremap-bench.c" >&2; exit 2; }
mkdir -p "$out"
gcc -O2 -Wall -shared -fPIC -o "$out/$plugin.so" "$top/profile/$plugin.c" ||
	{ echo "$me: the QEMU plugin profile/$plugin.c did not build" >&2; exit 1; }
make -s --no-print-directory -C "$top" guest ARCH="$arch" >/dev/null ||
	{ echo "$me: $arch guest userspace did not build" >&2; exit 1; }
cat >"$out/profile.plan" <<PLAN
memory 4G
write /proc/sys/kernel/randomize_va_space 0
run mremap-bench 1800 mremap-bench $case
PLAN
