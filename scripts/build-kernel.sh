#!/usr/bin/env bash
# Configure and build a test kernel out of tree, through ccache.
# The output directory is SRC/out-ARCH: an immediate subdirectory of the
# source tree makes kbuild use the relative srctree "..", so the base and the
# patched tree produce identical compiler command lines and share ccache hits.
# FLAVOUR=name also merges CONFIGDIR/name.config, last, and builds in
# SRC/out-ARCH-name (make bench uses FLAVOUR=bench: no debugging options).
# Usage: build-kernel.sh SRC ARCH CONFIGDIR [make targets...]
set -euo pipefail

src=${1:?usage: build-kernel.sh SRC ARCH CONFIGDIR [targets]}
arch=${2:?}
cfgdir=${3:?}
shift 3
me=build-kernel

case $arch in
x86_64) cross= ; image=arch/x86/boot/bzImage ;;
arm64)  cross=aarch64-linux-gnu- ; image=arch/arm64/boot/Image ;;
*) echo "$me: unknown ARCH '$arch' (x86_64 or arm64)" >&2; exit 1 ;;
esac
command -v "${cross}gcc" >/dev/null ||
	{ echo "$me: ${cross}gcc not found (run scripts/install-deps.sh)" >&2; exit 1; }

out=out-$arch${FLAVOUR:+-$FLAVOUR}
frags=()
for f in "$cfgdir/common.config" "$cfgdir/$arch.config" ${FLAVOUR:+"$cfgdir/$FLAVOUR.config"}; do
	[ -f "$f" ] || { echo "$me: missing config fragment $f" >&2; exit 1; }
	frags+=("$(realpath "$f")")
done

export CCACHE_NOHASHDIR=1
ccache=
command -v ccache >/dev/null && ccache="ccache "
jobs=${JOBS:-$(nproc)}
kmake() {
	make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" CC="${ccache}${cross}gcc" \
		HOSTCC="${ccache}gcc" KBUILD_BUILD_TIMESTAMP="2000-01-01" \
		KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=qemu -j"$jobs" "$@"
}

# Reconfigure only when the fragments or the tree's Kconfig files change:
# a config kept from a tree without a requested symbol lacks it, and
# syncconfig would prompt for it once a patch adds it.
sum=$( { cat "${frags[@]}"; (cd "$src" && find . -path ./out-\* -prune -o -name 'Kconfig*' -type f -print0 |
	sort -z | xargs -0 cat); } | sha256sum | cut -d' ' -f1)
if [ ! -f "$src/$out/.config" ] || [ "$(cat "$src/$out/.fragments.sha" 2>/dev/null)" != "$sum" ]; then
	mkdir -p "$src/$out"
	kmake tinyconfig >/dev/null
	(cd "$src" && ARCH=$arch CROSS_COMPILE=$cross ./scripts/kconfig/merge_config.sh \
		-m -O "$out" "$out/.config" "${frags[@]}" \
		>"$out/merge_config.log" 2>&1) ||
		{ echo "$me: merge_config.sh failed, see $src/$out/merge_config.log" >&2; exit 1; }
	kmake olddefconfig >/dev/null
	# Every requested option must survive olddefconfig: a dropped one means
	# an unmet dependency, and a test kernel silently missing a feature.
	# A later fragment's "# CONFIG_X is not set" overrides an earlier X=y.
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$src/$out/.config" && continue
			sym=${line%%=*}
			# A symbol the series adds does not exist in the base tree.
			if ! grep -rqx --include='Kconfig*' "config ${sym#CONFIG_}" "$src"; then
				echo "$me: $arch: $sym is not defined in $src, skipped" >&2
				continue
			fi
			echo "$me: $arch: $line requested in configs/ but not set (unmet dependency?)" >&2
			bad=1 ;;
		esac
	done < <(cat "${frags[@]}" | sed -nE 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/p; /^CONFIG_/p' |
		 awk -F= '{ last[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
			  END { for (i = 1; i <= n; i++) if (last[order[i]] !~ /=n$/) print last[order[i]] }')
	[ $bad = 0 ] || exit 1
	echo "$sum" >"$src/$out/.fragments.sha"
fi

if [ $# -gt 0 ]; then
	kmake "$@"
else
	kmake
	kmake headers >/dev/null
	echo "$src/$out/$image"
fi
