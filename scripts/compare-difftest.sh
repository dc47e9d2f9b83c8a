#!/usr/bin/env bash
# Compare the mremap-difftest digests (guest/difftest/) of two guest console
# logs of the same plan on two kernels. Chunks are compared in order; a log
# may hold several runs (seeds). On the first chunk whose digest differs,
# print the steps to rerun with -v A -t B on both kernels (then diff the
# records; scripts/difftest-replay.sh does it) and exit 1. Exit 0 when all
# chunks and final digests match. Exit 1 as well if a log has no digests, a
# run lacks its final line (crash, timeout), or the logs are of different
# runs (seeds, op counts, cross mode on or off).
#
# The tester's model of mainline's mremap() (guest/difftest/model.c) counts
# the calls that 6.12 handles differently: "native" when the kernel gave
# mainline's result itself, "emulated" when the tester made it (-M), and
# "unpredicted" results that contradict the model. ROLES say what each
# kernel is, and what its counts must be:
#   base      the 6.12 base, run with -M: it emulated calls and made none of
#             them natively
#   patched   the patched 6.12, run without -M: nothing emulated
#   mainline  the mainline kernel, run without -M: nothing emulated
#   emu       a kernel with mainline's mremap() run with -M (a test of the
#             emulation itself)
#   any       no check of the counts
# No other role allows an unpredicted call, and the two logs' counts of
# calls the model acted on (native + emulated) must be equal.
# Logs without the counts are not checked.
# -n RUN compares only the output of the plan's "run RUN ..." line (between
# "harness: begin RUN" and "harness: end RUN"); -n RUN_A,RUN_B takes RUN_A
# from LOG_A and RUN_B from LOG_B (two runs of one log, for instance).
# Usage: compare-difftest.sh [-r ROLE_A,ROLE_B] [-n RUN[,RUN_B]] LOG_A LOG_B
#        (default roles: base,patched)
set -euo pipefail

me=difftest
usage() { echo "usage: compare-difftest.sh [-r ROLE_A,ROLE_B] [-n RUN[,RUN_B]] LOG_A LOG_B" >&2; exit 2; }
roles=base,patched
run=
while getopts r:n: opt; do
	case $opt in
	r) roles=$OPTARG ;;
	n) run=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
la=$1 lb=$2
ra=${roles%%,*} rb=${roles#*,}
for r in "$ra" "$rb"; do
	case $r in
	base|patched|mainline|emu|any) ;;
	*) echo "$me: unknown role '$r' (base, patched, mainline, emu, any)" >&2; exit 2 ;;
	esac
done

for f in "$la" "$lb"; do
	[ -f "$f" ] || { echo "$me: $f not found" >&2; exit 1; }
done

# The text of log $1 (A or B), without "\r", limited to the run named by -n.
text() {
	local log r
	if [ "$1" = A ]; then log=$la r=${run%%,*}; else log=$lb r=${run#*,}; fi
	if [ -z "$r" ]; then
		tr -d '\r' <"$log"
	else
		tr -d '\r' <"$log" | awk -v r="$r" '
			$0 ~ "^harness: begin " r "$" { on = 1; next }
			$0 ~ "^harness: end " r " " { on = 0 }
			on'
	fi
}

# One line per record: "C SEED K A-B DIGEST" per chunk, "F SEED OPS DIGEST"
# per finished run, "H SEED OPS CROSS" per started run. Console lines may be
# interleaved with kernel messages, so match the records anywhere in a line.
records() {
	text "$1" |
		grep -oE 'difftest: (seed [0-9]+ ops [0-9]+ (window.*|digest [0-9a-f]{16})|chunk [0-9]+ steps [0-9]+-[0-9]+ digest [0-9a-f]{16})' |
		awk '$2 == "seed" && $6 == "window" {
			seed = $3; cross = "off"
			for (i = 7; i < NF; i++) if ($i == "cross") cross = $(i + 1)
			print "H", $3, $5, cross; next }
		     $2 == "seed" { print "F", $3, $5, $7; next }
		     { print "C", seed, $3, $5, $7 }' || true
}

# "SEED MODEL NATIVE EMULATED UNPREDICTED" per run with the model's counts.
counts() {
	text "$1" |
		grep -oE 'difftest: seed [0-9]+ (ops [0-9]+ window.*|model native [0-9]+ emulated [0-9]+ unpredicted [0-9]+)' |
		awk '$4 == "ops" { m[$3] = "?"
			for (i = 6; i < NF; i++) if ($i == "model") m[$3] = $(i + 1)
			next }
		     { print $3, ($3 in m ? m[$3] : "?"), $6, $8, $10 }' || true
}

# What is wrong with the counts ("LOG ROLE SEED MODEL N E U" lines in, LOG
# being A or B), in one line, or nothing.
countcheck() {
	awk '
	function add(k, s) { if (k in seeds) s = seeds[k] "," s; else order[n++] = k; seeds[k] = s }
	{ who = "log " $1 " (" $2 ")" }
	$2 == "base" && $4 != "emulate" { add(who " was not run with -M", $3) }
	$2 == "base" && $4 == "emulate" && $6 == 0 { add(who " emulated nothing", $3) }
	$2 == "base" && $5 != 0 { add(who " made " $5 " call(s) natively", $3) }
	($2 == "patched" || $2 == "mainline") && $4 != "native" { add(who " was run with -M", $3) }
	($2 == "patched" || $2 == "mainline") && $6 != 0 { add(who " needed emulation for " $6 " call(s)", $3) }
	$2 == "emu" && $4 != "emulate" { add(who " was not run with -M", $3) }
	$7 != 0 { add(who " had " $7 " unpredicted call(s)", $3) }
	{ acted[$1, $3] = $5 + $6; seen[$3] = 1 }
	END {
		for (s in seen)
			if ((("A", s) in acted) && (("B", s) in acted) && acted["A", s] != acted["B", s])
				add("the model acted on " acted["A", s] " call(s) in log A, " acted["B", s] " in log B", s)
		for (i = 0; i < n; i++)
			out = out sprintf("; %s (seed %s)", order[i], seeds[order[i]])
		if (out != "")
			print substr(out, 3)
	}'
}

a=$(records A)
b=$(records B)
ca=$(counts A)
cb=$(counts B)
bad=
if [ "$ra" != any ] || [ "$rb" != any ]; then
	bad=$({ [ -z "$ca" ] || [ "$ra" = any ] || sed "s/^/A $ra /" <<<"$ca"
		[ -z "$cb" ] || [ "$rb" = any ] || sed "s/^/B $rb /" <<<"$cb"; } | countcheck)
fi
[ -z "$bad" ] || bad="$me: model check failed: $bad"
rc=0
for side in a b; do
	if [ $side = a ]; then r=$a log=$la; else r=$b log=$lb; fi
	if ! grep -q '^C ' <<<"$r"; then
		if [ $side = a ]; then rn=${run%%,*}; else rn=${run#*,}; fi
		echo "$me: no chunk digests in log ${side^^} $log${rn:+ (run $rn)}"
		rc=1
	elif ! grep -q '^F ' <<<"$r"; then
		echo "$me: no final digest line in log ${side^^} $log (crash or timeout?)"
		rc=1
	fi
done
[ $rc = 0 ] || exit 1
if [ "$(grep '^H ' <<<"$a")" != "$(grep '^H ' <<<"$b")" ]; then
	echo "$me: the logs are of different runs (seeds, ops or cross mode):"
	diff <(grep '^H ' <<<"$a") <(grep '^H ' <<<"$b") | sed "s/^/$me: /" || true
	exit 1
fi

# First differing chunk; a chunk missing on one side counts as different.
div=$(paste -d'|' <(grep '^C ' <<<"$a") <(grep '^C ' <<<"$b") |
	awk -F'|' '$1 != $2 { print $1 "|" $2; exit }')
if [ -n "$div" ]; then
	read -r _ seed k steps adig <<<"${div%%|*}"
	read -r _ bseed bk bsteps bdig <<<"${div#*|}"
	if [ -z "${seed:-}" ]; then
		seed=$bseed k=$bk steps=$bsteps adig=missing
	fi
	[ -z "$bad" ] || echo "$bad"
	echo "$me: first divergence in chunk $k (steps $steps), seed $seed: rerun with -v ${steps%-*} -t ${steps#*-}"
	echo "$me: $ra digest ${adig:-missing}, $rb digest ${bdig:-missing}"
	exit 1
fi

af=$(grep '^F ' <<<"$a")
bf=$(grep '^F ' <<<"$b")
nrun=$(grep -c . <<<"$af")
if [ "$af" != "$bf" ] || [ "$nrun" != "$(grep -c '^H ' <<<"$a")" ]; then
	[ -z "$bad" ] || echo "$bad"
	echo "$me: final lines differ or are missing:"
	diff <(echo "$af") <(echo "$bf") | sed "s/^/$me: /" || true
	exit 1
fi
if [ -n "$bad" ]; then
	echo "$bad"
	exit 1
fi
mv=
if [ -n "$ca$cb" ]; then
	sum() { awk -v f="$2" '{ n += $f } END { print n + 0 }' <<<"$1"; }
	mv=", model: $ra $(sum "$ca" 3) native $(sum "$ca" 4) emulated, $rb $(sum "$cb" 3) native $(sum "$cb" 4) emulated"
fi
echo "$me: $(grep -c '^C ' <<<"$a") chunks identical ($nrun run(s): $(awk '{ printf "%sseed %s ops %s digest %s", (NR > 1 ? ", " : ""), $2, $3, $4 }' <<<"$af"))$mv"
exit 0
