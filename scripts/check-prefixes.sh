#!/usr/bin/env bash
# Bisectability: for every prefix of the series but the last (the full build
# covers that one), check out the prefix in a separate worktree and build
# what its last patch touches for x86_64: the objects of changed kernel .c
# files, the directories of changed headers, Kconfig or Makefiles, and
# changed mm selftests. Records one result per patch.
# Usage: check-prefixes.sh TREE PREFIXTREE CONFIGDIR RESULTS
# LABEL= names the results (default: prefix), to keep two series' results apart.
set -uo pipefail

tree=${1:?usage: check-prefixes.sh TREE PREFIXTREE CONFIGDIR RESULTS}
wt=$(realpath -m "${2:?}")
cfgdir=$(realpath "${3:?}")
results=$(realpath -m "${4:?}")
here=$(cd "$(dirname "$0")" && pwd)
arch=x86_64

mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
n=${#commits[@]}
[ "$n" -gt 1 ] || { echo "prefixes: $n patch(es), nothing beyond the full build"; exit 0; }

if [ ! -e "$wt/.git" ]; then
	git -C "$tree" worktree prune
	rm -rf "$wt"
	git -C "$tree" worktree add -q --detach "$wt" base
fi

for ((k = 0; k < n - 1; k++)); do
	c=${commits[$k]}
	name=$(printf '%04d-%s' $((k + 1)) "$(git -C "$tree" log -1 --format=%f "$c" | cut -c1-52)")
	git -C "$wt" checkout -q -f --detach "$c"
	objs=() dirs=() tests=()
	while read -r f; do
		case $f in
		tools/testing/selftests/mm/*.c)
			t=$(basename "$f" .c)
			if grep -qE "^TEST_GEN_FILES \+?= $t\$" "$wt/tools/testing/selftests/mm/Makefile"; then
				tests+=("$t")
			else
				tests+=(mremap_test)
			fi ;;
		tools/*|Documentation/*|*.rst|*.txt) ;;
		*.c) [ -e "$wt/$f" ] && objs+=("${f%.c}.o") ;;
		*) dirs+=("$(dirname "$f")/") ;;
		esac
	done < <(git -C "$wt" diff --name-only "$c^" "$c")
	mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sed '/^$/d; s#^\./$#mm/#' | sort -u)
	log=$wt/out-$arch/prefix-$((k + 1)).log
	mkdir -p "$wt/out-$arch"
	ok=1
	if [ ${#objs[@]} -gt 0 ] || [ ${#dirs[@]} -gt 0 ]; then
		"$here/build-kernel.sh" "$wt" "$arch" "$cfgdir" "${objs[@]}" "${dirs[@]}" >"$log" 2>&1 || ok=0
	fi
	if [ $ok = 1 ] && [ ${#tests[@]} -gt 0 ]; then
		[ -d "$wt/out-$arch/usr/include/linux" ] ||
			"$here/build-kernel.sh" "$wt" "$arch" "$cfgdir" headers >>"$log" 2>&1 || ok=0
		[ $ok = 1 ] && "$here/build-guest.sh" "$wt" "$arch" "$wt/out-$arch/guest" \
			$(printf '%s\n' "${tests[@]}" | sort -u) >>"$log" 2>&1 || ok=0
	fi
	what="${objs[*]} ${dirs[*]} ${tests[*]}"
	if [ $ok = 1 ]; then
		echo "PASS ${LABEL:-prefix}:$name (built: ${what:-nothing to build})"
	else
		echo "FAIL ${LABEL:-prefix}:$name $(grep -m1 -E 'error|Error' "$log") (log: $log)"
	fi
done | tee -a "$results"
