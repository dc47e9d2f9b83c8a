#!/usr/bin/env bash
# Judge one guest run from its console log and the plan it ran.
# Fails a test that failed, timed out, or never reported; fails the run when
# the guest did not finish or the console shows a kernel splat (WARNING, BUG,
# Oops, lockdep, KASAN, ...). Counts KUnit cases from the boot log for the
# suites the plan expects ('kunit SUITE' lines). A plan line
# "xfail TEST CASE" names a case of TEST that must fail (TAP "not ok N CASE"):
# the test then passes if it fails with exit status 1 only for its expected
# failures, and fails if one of them passes or never reports. "noskip TEST"
# makes a skipped case of TEST a failure. Appends one line per result to
# RESULTS ("PASS|FAIL|SKIP LABEL:NAME detail") and prints them.
# Usage: console-verdict.sh LOG PLAN LABEL RESULTS
set -euo pipefail

log=${1:?usage: console-verdict.sh LOG PLAN LABEL RESULTS}
plan=${2:?}
label=${3:?}
results=${4:?}
[ -f "$plan" ] || { echo "console-verdict: plan $plan not found" >&2; exit 2; }
[ -f "$log" ] || : >"$log"

# Console lines may carry a "\r"; strip it before matching.
tr -d '\r' <"$log" | awk -v label="$label" -v planfile="$plan" '
function add(kind, name, detail) {
	printf "%s %s:%s%s\n", kind, label, name, detail == "" ? "" : " " detail
}
BEGIN {
	while ((getline line < planfile) > 0) {
		sub(/#.*/, "", line)
		n = split(line, f, /[ \t]+/)
		if (f[1] == "") { for (i = 1; i < n; i++) f[i] = f[i + 1]; n-- }
		if (f[1] == "run" && n >= 4) { order[++ntests] = f[2]; expected[f[2]] = 1 }
		if (f[1] == "kunit" && n >= 2) { korder[++nsuites] = f[2]; kexp[f[2]] = 1 }
		if (f[1] == "noskip" && n >= 2) noskip[f[2]] = 1
		if (f[1] == "xfail" && n >= 3) {
			c = f[3]; for (i = 4; i <= n; i++) c = c " " f[i]
			xf[f[2], c] = 1; nxf[f[2]]++; xorder[f[2], nxf[f[2]]] = c
		}
	}
	cur = ""; started = 0; done = 0; nsplat = 0
}
/^harness: start/ { started = 1; next }
/^harness: done/ { done = 1; next }
/^harness-host: / { hostmsg = substr($0, 15); next }
/^harness: begin / { cur = $3; next }
/^harness: end / {
	name = $3; res = $4; sub(/^result=/, "", res)
	result[name] = res; line_of[name] = $0; cur = ""
	if (name == "setup") setupfail = 1
	next
}
# The first TAP diagnostic since the last result of the test or the start
# of a kselftest harness case, but for the RUN/OK/FAIL lines of that
# harness: what a "not ok" that follows is about (an assertion, or the
# problem line of the inject program).
cur != "" && /^# +RUN / { diag[cur] = "" }
cur != "" && /^# / && diag[cur] == "" && !/^# +(RUN|OK|FAIL|SKIP|XFAIL) / {
	diag[cur] = substr($0, 3)
}
# KTAP/TAP results of the running test (top level of its own output).
cur != "" && /^(not )?ok [0-9]+/ {
	why = diag[cur]; diag[cur] = ""
	c = $0; sub(/^(not )?ok [0-9]+ +(- +)?/, "", c); sub(/ +# .*$/, "", c)
	if ((cur, c) in xf) {
		if ($0 ~ /^not ok/) xhit[cur, c] = 1
		else if ($0 !~ /# *SKIP/) { xpass[cur]++; if (!(cur in first_xpass)) first_xpass[cur] = c }
		else { sub_skip[cur]++; xhit[cur, c] = 0 }
		xseen[cur, c] = 1
		next
	}
	if ($0 ~ /# *SKIP/) sub_skip[cur]++
	else if ($0 ~ /^not ok/) {
		sub_fail[cur]++
		if (length(why) > 160) why = substr(why, 1, 157) "..."
		if (!(cur in first_fail)) first_fail[cur] = $0 (why != "" ? " (# " why ")" : "")
	} else sub_pass[cur]++
}
# uffd-unit-tests reports "Testing NAME... done|skipped|failed".
cur != "" && /^Testing .*\.\.\. (done|skipped|failed)/ {
	if ($NF ~ /^done/) sub_pass[cur]++
	else if ($0 ~ /\.\.\. skipped/) sub_skip[cur]++
	else { sub_fail[cur]++; if (!(cur in first_fail)) first_fail[cur] = $0 }
}
# KUnit, printed by the kernel before init starts.
!started && /^    # Subtest: / { suite = $3 }
!started && /^    (not )?ok [0-9]+ / {
	if ($0 ~ /# *SKIP/) kskip[suite]++
	else if ($0 ~ /^    not ok/) { kfail[suite]++; kfirst[suite] = substr($0, 5) }
	else kpass[suite]++
}
!started && /^ok [0-9]+ / { ksuite_res[$3] = "pass" }
!started && /^not ok [0-9]+ / { ksuite_res[$4] = "fail" }
# Kernel reports that fail the run wherever they appear.
/(^|\] )(WARNING:|BUG:|Oops|kernel BUG at|Kernel panic|Unable to handle kernel|general protection fault|UBSAN:|KASAN:|INFO: possible|INFO: task .* blocked|INFO: rcu_|DEBUG_LOCKS_WARN_ON|------------\[ cut here \]------------|.*: bad p[4mu]?d )/ {
	if (nsplat++ == 0) splat = $0
}
END {
	fails = 0
	for (i = 1; i <= ntests; i++) {
		t = order[i]; r = result[t]; nx = 0
		d = sprintf("(%d ok, %d not ok, %d skipped)", sub_pass[t], sub_fail[t], sub_skip[t])
		if (r == "") { add("FAIL", t, "never reported" (hostmsg != "" ? ": " hostmsg : "")); continue }
		if (nxf[t] > 0) {
			nx = 0; missing = ""
			for (j = 1; j <= nxf[t]; j++) {
				c = xorder[t, j]
				if (xhit[t, c]) nx++
				else if (!((t, c) in xseen) && missing == "") missing = c
			}
			if (xpass[t] > 0) { add("FAIL", t, "expected failure passed: " first_xpass[t]); continue }
			if (missing != "") { add("FAIL", t, "expected failure never reported: " missing); continue }
			ex = line_of[t]; sub(/.* exit=/, "", ex); sub(/ .*/, "", ex)
			if (r == "fail" && ex == "1" && sub_fail[t] == 0 && nx > 0) r = "pass"
			d = sprintf("(%d ok, %d not ok, %d skipped, %d expected failure(s))",
				    sub_pass[t], sub_fail[t], sub_skip[t], nx)
		}
		if (noskip[t] && sub_skip[t] > 0) { add("FAIL", t, "skipped " sub_skip[t] " case(s) it must run " d); continue }
		if (r == "pass" && sub_fail[t] > 0) { add("FAIL", t, "exited 0 but reported: " first_fail[t]); continue }
		# Exited 0 with every case it reported skipped: nothing passed.
		if (r == "pass" && sub_pass[t] == 0 && sub_skip[t] > 0) add("SKIP", t, d)
		# Exited 0 and reported no case at all: it checked nothing.
		else if (r == "pass" && sub_pass[t] == 0 && nx == 0) add("FAIL", t, "exited 0 without reporting a result " d)
		else if (r == "pass") add("PASS", t, d)
		else if (r == "skip") add("SKIP", t, d)
		else add("FAIL", t, r " " d (t in first_fail ? ": " first_fail[t] : ""))
	}
	for (i = 1; i <= nsuites; i++) {
		s = korder[i]
		if (!(s in ksuite_res)) { add("FAIL", "kunit." s, "suite never reported"); continue }
		d = sprintf("(%d ok, %d not ok, %d skipped)", kpass[s], kfail[s], kskip[s])
		if (ksuite_res[s] == "pass" && kfail[s] == 0 && kpass[s] > 0) add("PASS", "kunit." s, d)
		else add("FAIL", "kunit." s, d (s in kfirst ? ": " kfirst[s] : ""))
	}
	if (setupfail) add("FAIL", "setup", "a plan setting could not be applied")
	if (nsplat > 0) add("FAIL", "console", sprintf("%d kernel report line(s), first: %s", nsplat, splat))
	else if (!done) add("FAIL", "console", "guest did not finish" (hostmsg != "" ? ": " hostmsg : ""))
	else add("PASS", "console", "(no kernel warnings)")
}' | tee -a "$results"
