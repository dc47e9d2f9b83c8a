#!/usr/bin/env bash
# Build the guest userspace for one arch: the init, the mremap demo, the
# differential tester, the benchmark and the listed mm selftests, all
# static, against SRC's exported uapi headers, and pack them into
# OUT/initramfs.cpio. The selftests come from SRC's
# tools/testing/selftests/mm, so the series' own tests are included.
# ML_SRC= names a mainline tree whose mremap selftests are added too, as
# ml-<test> (scripts/build-mainline-selftests.sh).
# Usage: build-guest.sh SRC ARCH OUT [selftest...]
set -euo pipefail

src=${1:?usage: build-guest.sh SRC ARCH OUT [selftest...]}
arch=${2:?}
out=${3:?}
shift 3
me=build-guest
here=$(cd "$(dirname "$0")/.." && pwd)

case $arch in
x86_64) cross= ;;
arm64)  cross=aarch64-linux-gnu- ;;
*) echo "$me: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
# HDR= points at another tree's exported headers (e.g. from a worktree).
hdr=$(realpath "${HDR:-$src/out-$arch/usr/include}" 2>/dev/null) && [ -d "$hdr/linux" ] ||
	{ echo "$me: no exported headers in ${HDR:-$src/out-$arch/usr/include} (build the kernel first)" >&2; exit 1; }

mkdir -p "$out/bin"
out=$(realpath "$out")
cc="${cross}gcc"
cflags=(-static -O2 -Wall -isystem "$hdr")

"$cc" "${cflags[@]}" -o "$out/bin/init" "$here/guest/init.c"
"$cc" "${cflags[@]}" -o "$out/bin/mremap-demo" "$here/guest/mremap-demo.c"
"$cc" "${cflags[@]}" -o "$out/bin/mremap-difftest" "$here"/guest/difftest/*.c
"$cc" "${cflags[@]}" -o "$out/bin/mremap-bench" "$here/guest/mremap-bench.c"
"$cc" "${cflags[@]}" -o "$out/bin/mremap-inject" "$here"/guest/inject/*.c
"$cc" "${cflags[@]}" -pthread -o "$out/bin/mremap-race" "$here/guest/mremap-race.c"

if [ $# -gt 0 ]; then
	targets=()
	for t in "$@"; do targets+=("$out/bin/$t"); done
	if ! make -s -C "$src/tools/testing/selftests/mm" ARCH="$arch" \
		CROSS_COMPILE="$cross" CC="$cc" OUTPUT="$out/bin" \
		KHDR_INCLUDES="-isystem $hdr" EXTRA_CFLAGS="-static" \
		"${targets[@]}" >"$out/selftests-build.log" 2>&1; then
		echo "$me: building mm selftests failed, last lines of $out/selftests-build.log:" >&2
		grep -E 'error|Error' "$out/selftests-build.log" | head -n 5 >&2
		exit 1
	fi
fi

if [ -n "${ML_SRC:-}" ]; then
	"$here/scripts/build-mainline-selftests.sh" "$ML_SRC" "$arch" "$hdr" "$out/bin"
fi

# A shell for 'make shell' and the tools run_vmtests.sh uses: BUSYBOX=
# names a static busybox for the arch; BASH= a static bash, which
# run_vmtests.sh needs (it is copied from SRC with a wrapper that runs it
# from /bin, where the tests are: /bin/run-vmtests).
busybox=${BUSYBOX:-}
[ -z "$busybox" ] || [ -x "$busybox" ] || { echo "$me: BUSYBOX=$busybox is not executable" >&2; exit 1; }
bash_bin=${BASH_STATIC:-}
[ -z "$bash_bin" ] || [ -x "$bash_bin" ] || { echo "$me: BASH_STATIC=$bash_bin is not executable" >&2; exit 1; }
if [ -n "$bash_bin" ]; then
	install -m 0755 "$src/tools/testing/selftests/mm/run_vmtests.sh" "$out/bin/run_vmtests.sh"
	install -m 0755 "$here/guest/run-vmtests" "$out/bin/run-vmtests"
fi

gen=$out/gen_init_cpio
[ -x "$gen" ] || gcc -O2 -o "$gen" "$src/usr/gen_init_cpio.c"
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	for d in /bin /etc /proc /sys /tmp /mnt /mnt/huge; do echo "dir $d 0755 0 0"; done
	echo "file /init $out/bin/init 0755 0 0"
	for f in "$out"/bin/*; do
		[ "$(basename "$f")" = init ] && continue
		echo "file /bin/$(basename "$f") $f 0755 0 0"
	done
	if [ -n "$busybox" ]; then
		echo "file /bin/busybox $busybox 0755 0 0"
		for a in sh ls cat grep setsid mount free ps dmesg \
			 sed tr nproc uname sleep tee head tail wc cut env; do
			echo "slink /bin/$a busybox 0777 0 0"
		done
	fi
	[ -z "$bash_bin" ] || echo "file /bin/bash $bash_bin 0755 0 0"
} >"$out/initramfs.list"
"$gen" "$out/initramfs.list" >"$out/initramfs.cpio"
echo "$out/initramfs.cpio"
