#!/usr/bin/env bash
# Build four mm selftests from a mainline (7.3) tree -- mremap_test,
# mremap_dontunmap, uffd-wp-mremap and merge -- static, for one arch,
# against another kernel's exported uapi headers (the 6.12 guest kernel's),
# so that they run in the busybox initramfs guests. They land in OUT as
# ml-<test> so they do not clash with the 6.12 tests of the same name.
# The flags are those of MAINLINE_SRC's tools/testing/selftests/mm/Makefile
# and lib.mk, but the compiler is called directly: the Makefile writes
# local_config.mk into the source (which is read-only here), and this way
# nothing but OUT is written. Unlike lib.mk, tools/include/uapi (7.3's copy
# of some uapi headers) is not on the path, so every uapi header comes from
# HDR: a constant 6.12 lacks breaks the build instead of being taken from
# 7.3 unnoticed. None is lacking in 7.3.4, so no compat header is needed.
# HDR is a 'make headers' output directory (O=) or its usr/include.
# Usage: build-mainline-selftests.sh MAINLINE_SRC ARCH HDR OUT
set -euo pipefail

usage='usage: build-mainline-selftests.sh MAINLINE_SRC ARCH HDR OUT'
src=${1:?$usage}
arch=${2:?$usage}
hdr=${3:?$usage}
out=${4:?$usage}
me=build-mainline-selftests

case $arch in
x86_64) cross= ;                   hdr_arch_file=asm/bootparam.h ;;
arm64)  cross=aarch64-linux-gnu- ; hdr_arch_file=asm/sve_context.h ;;
*) echo "$me: unknown ARCH '$arch' (x86_64 or arm64)" >&2; exit 1 ;;
esac

mm=$src/tools/testing/selftests/mm
[ -f "$mm/Makefile" ] || { echo "$me: no $mm/Makefile (MAINLINE_SRC is not a kernel tree)" >&2; exit 1; }
src=$(realpath "$src")
mm=$src/tools/testing/selftests/mm

[ -d "$hdr/usr/include/linux" ] && hdr=$hdr/usr/include
[ -f "$hdr/linux/version.h" ] ||
	{ echo "$me: no exported headers in $3 (run 'make O=$3 ARCH=$arch headers' in the 6.12 tree)" >&2; exit 1; }
[ -f "$hdr/$hdr_arch_file" ] ||
	{ echo "$me: headers in $hdr are not for $arch (no $hdr_arch_file)" >&2; exit 1; }
hdr=$(realpath "$hdr")

cc="${cross}gcc"
for tool in "$cc" "${cross}readelf"; do
	command -v "$tool" >/dev/null || { echo "$me: no $tool on PATH" >&2; exit 1; }
done

# test -> the helper sources the mm Makefile links it with.
declare -A helpers=(
	[mremap_test]="vm_util.c hugepage_settings.c"
	[mremap_dontunmap]="vm_util.c hugepage_settings.c"
	[merge]="vm_util.c hugepage_settings.c"
	[uffd-wp-mremap]="vm_util.c hugepage_settings.c uffd-common.c"
)
tests=(mremap_test mremap_dontunmap uffd-wp-mremap merge)
for t in "${tests[@]}"; do
	for f in "$t.c" ${helpers[$t]}; do
		[ -f "$mm/$f" ] || { echo "$me: no $mm/$f" >&2; exit 1; }
	done
done

mkdir -p "$out"
out=$(realpath "$out")
# Build in a scratch directory and move the binaries into OUT only when all
# four built, so OUT (possibly the initramfs' bin/) gets no log and no
# half-set. The log is kept if the build fails.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/build.log

# mm/Makefile: -Wall -O2 -I $(top_srcdir) $(KHDR_INCLUDES) -Wunreachable-code
# -U_FORTIFY_SOURCE; lib.mk: -D_GNU_SOURCE= -I tools/testing/selftests
# (kselftest.h, kselftest_harness.h); LDLIBS -lrt -lpthread -lm.
cflags=(-static -Wall -O2 -I "$src" -isystem "$hdr" -Wunreachable-code
	-U_FORTIFY_SOURCE -D_GNU_SOURCE= -I "$src/tools/testing/selftests")
ldlibs=(-lrt -lpthread -lm)

: >"$log"
for t in "${tests[@]}"; do
	bin=$tmp/ml-$t
	srcs=()
	for f in "$t.c" ${helpers[$t]}; do srcs+=("$mm/$f"); done
	cmd=("$cc" "${cflags[@]}" "${srcs[@]}" "${ldlibs[@]}" -o "$bin")
	echo "${cmd[*]}" >>"$log"
	if ! "${cmd[@]}" >>"$log" 2>&1; then
		trap - EXIT
		echo "$me: building ml-$t for $arch failed, first errors from $log:" >&2
		grep -E 'error|undefined reference' "$log" | head -n 5 >&2 || true
		exit 1
	fi
	# Static means no program interpreter: busybox initramfs has no ld.so.
	# (grep without -q: -q would quit early, readelf would get SIGPIPE and
	# pipefail would then hide the match.)
	if "${cross}readelf" -lW "$bin" | grep INTERP >/dev/null; then
		echo "$me: ml-$t for $arch is dynamically linked despite -static" >&2
		exit 1
	fi
done
for t in "${tests[@]}"; do mv -f "$tmp/ml-$t" "$out/ml-$t"; done
