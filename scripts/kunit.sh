#!/usr/bin/env bash
# make kunit: the series' KUnit suite with the tree's own runner,
# tools/testing/kunit/kunit.py, on each ARCH (x86_64 and arm64 under QEMU),
# from the .kunitconfig the series ships. kunit.py builds a kernel of its
# own per arch (about 5 min each, cold; a minute with a warm ccache), in
# TREE/out-kunit-ARCH: an immediate subdirectory of the source makes kbuild
# use relative paths, so ccache hits from another clone too. Records one
# line per arch in RESULTS (logs in LOGDIR) and exits non-zero on a failure.
# Usage: kunit.sh TREE KUNITCONFIG LOGDIR RESULTS ARCH...   (LABEL=, default kunit.py)
set -uo pipefail
tree=${1:?usage: kunit.sh TREE KUNITCONFIG LOGDIR RESULTS ARCH...}
cfg=${2:?}
bdir=${3:?}
results=${4:?}
shift 4
me=kunit
[ -f "$tree/$cfg" ] || { echo "$me: no $cfg in $tree (does the series have its KUnit suite?)" >&2; exit 1; }
# kunit.py asks QEMU for KVM first (7.3: "-accel kvm -accel hvf -accel
# tcg"). Where /dev/kvm opens but the CPU has no vmx/svm, KVM starts and the
# guest hangs: a wrapper first on PATH drops the KVM and HVF choices there.
wrap=$bdir/qemu-bin
mkdir -p "$wrap"
here=$(cd "$(dirname "$0")" && pwd)
for q in qemu-system-x86_64 qemu-system-aarch64; do
	garch=x86_64
	[ $q = qemu-system-aarch64 ] && garch=arm64
	cat >"$wrap/$q" <<EOW
#!/usr/bin/env bash
# Written by scripts/kunit.sh: QEMU without a KVM that cannot run guests.
args=()
while [ \$# -gt 0 ]; do
	if [ "\$1" = -accel ] && [ "\${2:-}" != tcg ] && ! "$here/kvm-works.sh" $garch; then
		shift 2
		continue
	fi
	args+=("\$1")
	shift
done
exec /usr/bin/$q "\${args[@]}"
EOW
	chmod +x "$wrap/$q"
done
rc=0
for arch in "$@"; do
	args=(--kunitconfig="$cfg" --arch="$arch" --jobs="$(nproc)" --build_dir="out-kunit-$arch")
	case $arch in
	x86_64) args+=(--kconfig_add CONFIG_CHECKPOINT_RESTORE=y --kconfig_add CONFIG_MEM_SOFT_DIRTY=y
			--make_options "CC=ccache gcc") ;;
	arm64) args+=(--cross_compile=aarch64-linux-gnu-
		      --make_options "CC=ccache aarch64-linux-gnu-gcc") ;;
	*) echo "$me: unknown ARCH '$arch'" >&2; exit 2 ;;
	esac
	log=$bdir/kunit-$arch.log
	mkdir -p "$bdir"
	(cd "$tree" && PATH=$wrap:/usr/bin:$PATH ./tools/testing/kunit/kunit.py run "${args[@]}") \
		>"$log" 2>&1
	r=$?
	summary=$(grep -m1 -E '^\[[0-9:]+\] Testing complete\.|Ran [0-9]+ tests' "$log" | sed 's/^\[[0-9:]*\] //')
	if [ $r = 0 ]; then
		echo "PASS ${LABEL:-kunit.py}:$arch ${summary:-passed} (log: $log)"
	else
		echo "FAIL ${LABEL:-kunit.py}:$arch ${summary:-kunit.py exited $r} (log: $log)"
		rc=1
	fi
done > >(tee -a "$results")
exit $rc
