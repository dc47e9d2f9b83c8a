#!/usr/bin/env bash
# Put a dynamically linked Debian tool into the guest: download PKG for ARCH
# and the packages it depends on with apt (adding ARCH as a foreign dpkg
# architecture if it is not the host's), unpack them under DIR/root, and
# write DIR/PKG.list: gen_init_cpio lines for BIN (a path in the package,
# e.g. usr/bin/stress-ng), the dynamic loader and every shared library BIN
# needs, at their paths in the packages, where the loader looks for them.
# Prints the list's path. Used by make soak for stress-ng and trinity.
# Usage: fetch-guest-tool.sh ARCH DIR PKG BIN
set -euo pipefail
me=fetch-guest-tool
usage="usage: fetch-guest-tool.sh ARCH DIR PKG BIN"
arch=${1:?$usage}
dir=${2:?$usage}
pkg=${3:?$usage}
bin=${4:?$usage}
case $arch in
x86_64) deb_arch=amd64 ;;
arm64) deb_arch=arm64 ;;
*) echo "$me: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
mkdir -p "$dir/debs" "$dir/root"
dir=$(realpath "$dir")
list=$dir/$pkg.list
root=$dir/root

if [ ! -x "$root/$bin" ]; then
	if [ "$deb_arch" != "$(dpkg --print-architecture)" ] &&
	   ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
		dpkg --add-architecture "$deb_arch"
		apt-get update -q >/dev/null 2>&1 || true
	fi
	# The package and what it depends on, of ARCH: apt names a foreign
	# architecture's packages with the suffix, the host's without it (and
	# arch: all ones without it, which are data, not needed but harmless).
	native=$([ "$deb_arch" = "$(dpkg --print-architecture)" ] && echo y || true)
	mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$pkg:$deb_arch" 2>/dev/null |
		grep -E '^[a-z0-9][^ ]*$' |
		awk -v a="$deb_arch" -v n="$native" '$0 ~ (":" a "$") || (n && $0 !~ /:/)' | sort -u)
	[ ${#pkgs[@]} -gt 0 ] ||
		{ echo "$me: apt knows no $pkg for $deb_arch (apt-get update?)" >&2; exit 1; }
	(cd "$dir/debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>&1) ||
		{ echo "$me: apt-get download failed for: ${pkgs[*]}" >&2; exit 1; }
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	[ -x "$root/$bin" ] || { echo "$me: $pkg has no $bin" >&2; exit 1; }
fi

# A library name -> its file under root, in the loader's default paths.
triplet=$(case $arch in x86_64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac)
find_lib() {
	local d
	for d in lib/$triplet usr/lib/$triplet lib usr/lib; do
		[ -e "$root/$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}

# BIN, its interpreter, and the closure of DT_NEEDED.
declare -A seen
todo=("$bin")
interp=$(readelf -l "$root/$bin" | sed -n 's/.*Requesting program interpreter: \/\(.*\)\]/\1/p')
[ -n "$interp" ] && todo+=("$interp")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	[ -n "${seen[$f]:-}" ] && continue
	seen[$f]=1
	while read -r lib; do
		p=$(find_lib "$lib") || { echo "$me: $f needs $lib, not found under $root" >&2; exit 1; }
		todo+=("$p")
	done < <(readelf -d "$root/$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done

# A path under root with its symbolic links followed inside root (an
# absolute link target is a path in the package, not on this machine).
resolve() {
	local p=$1 t n=0
	while [ -L "$root/$p" ] && [ $n -lt 20 ]; do
		t=$(readlink "$root/$p")
		case $t in
		/*) p=${t#/} ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		n=$((n + 1))
	done
	realpath -m "$root/$p"
}

{
	for f in "${!seen[@]}"; do
		d=$(dirname "$f")
		while [ "$d" != . ]; do echo "dir /$d 0755 0 0"; d=$(dirname "$d"); done
	done | sort -u
	for f in "${!seen[@]}"; do
		echo "file /$f $(resolve "$f") 0755 0 0"
	done | sort
} >"$list"
echo "$list"
