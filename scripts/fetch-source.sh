#!/usr/bin/env bash
# Fetch Debian's linux-source-X.Y at a pinned version and unpack it once into
# CACHE_DIR/linux-<version>. Prints the unpacked directory.
# With SUITE (e.g. trixie-backports), the package comes from that suite
# through a private apt state under CACHE_DIR/apt-SUITE whose source reuses
# the URI of the machine's own Debian source: the machine's apt sources and
# package lists are not touched.
# Usage: fetch-source.sh linux-source-X.Y VERSION CACHE_DIR [SUITE]
set -euo pipefail

usage="usage: fetch-source.sh linux-source-X.Y VERSION CACHE_DIR [SUITE]"
pkg=${1:?$usage}
ver=${2:?$usage}
cache=${3:?$usage}
suite=${4:-}
me=fetch-source
src=$cache/linux-$ver

if [ -f "$src/.unpacked" ]; then
	echo "$src"
	exit 0
fi
mkdir -p "$cache"
cache=$(realpath "$cache")

# apt with a private state directory for $suite, or the machine's own.
apt_opts=()
if [ -n "$suite" ]; then
	d=$cache/apt-$suite
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
	: >"$d/empty.list"
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$uri" ] || { echo "$me: no Debian source URI in /etc/apt to reuse for $suite" >&2; exit 1; }
	cat >"$d/parts/$suite.sources" <<-EOF
	Types: deb
	URIs: $uri
	Suites: $suite
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt_opts=(-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		  -o "Dir::Etc::SourceParts=$d/parts" -o "Dir::Etc::sourcelist=$d/empty.list"
		  -o "Dir::State::status=/var/lib/dpkg/status")
fi

deb=$(ls "$cache"/${pkg}_"${ver//:/%3a}"_all.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	offered() { apt-cache "${apt_opts[@]}" madison "$pkg" 2>/dev/null |
		awk -F'|' '{gsub(/ /,"",$2); print $2}'; }
	if ! offered | grep -qxF "$ver"; then
		apt-get "${apt_opts[@]}" update -q >/dev/null 2>&1 || true
	fi
	if ! offered | grep -qxF "$ver"; then
		offered=$(offered | sort -uV | paste -sd' ')
		echo "$me: $pkg=$ver is not served by apt${suite:+ ($suite)} (offered: ${offered:-none})" >&2
		exit 1
	fi
	(cd "$cache" && apt-get "${apt_opts[@]}" download -q "$pkg=$ver" >/dev/null 2>&1) ||
		{ echo "$me: apt-get download $pkg=$ver failed" >&2; exit 1; }
	deb=$(ls "$cache"/${pkg}_"${ver//:/%3a}"_all.deb | head -1)
fi

tmp=$cache/unpack.$$
rm -rf "$tmp" "$src"
mkdir -p "$tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "*/$pkg.tar.xz"
tar -xJf "$tmp/usr/src/$pkg.tar.xz" -C "$tmp"
mv "$tmp/$pkg" "$src"
rm -rf "$tmp"
touch "$src/.unpacked"
echo "$src"
