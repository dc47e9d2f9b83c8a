// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-inject: make each allocation inside mremap() fail in turn, one
 * allocation site at a time, and check what every failed call left.
 *
 * A site is a kernel function that allocates on the move path (the VMA
 * copy, the anon_vma links, a page table at each level, the maple tree
 * preallocation, KSM's unmerge). With CONFIG_FAULT_INJECTION_STACKTRACE_FILTER,
 * failslab's and fail_page_alloc's require-start/require-end make
 * /proc/thread-self/fail-nth count only allocations made under that
 * function: for n = 1, 2, ... the n-th of them fails, until a call makes
 * fewer than n and goes through.
 *
 * For every kind of mapping and every operation (scene.c), and every site:
 * a call that fails must leave everything as it was (a multi-VMA call:
 * the parts before the one that failed moved, the others in place), a call
 * that goes through must have moved all of it. Each kind/operation is one
 * TAP test; then one per site, which fails when the site was hit fewer
 * than -m times (default 10) in all. Kernel splats are the console
 * verdict's to find. Usage: mremap-inject [-r ROUNDS] [-m MIN_HITS] [KIND...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define MAX_NTH		64
/* Tries of one injection before a difference in a global counter counts. */
#define TRIES		10
#define DBG		"/sys/kernel/debug/"

struct site {
	const char *name;
	const char *sym;
	unsigned long start, end;
	unsigned long hits;
};

static struct site sites[] = {
	{ "vma-copy", "vm_area_dup" },
	{ "anon_vma-links", "anon_vma_clone" },
	{ "pte-table", "__pte_alloc" },
	{ "pmd-table", "__pmd_alloc" },
	{ "pud-table", "__pud_alloc" },
	{ "maple-tree", "mas_preallocate" },
	{ "ksm-unmerge", "ksm_madvise" },
};

#define NR_SITES	(sizeof(sites) / sizeof(sites[0]))

static const char *const knob_paths[] = {
	DBG "failslab/ignore-gfp-wait",
	DBG "failslab/verbose",
	DBG "fail_page_alloc/ignore-gfp-wait",
	DBG "fail_page_alloc/min-order",
	DBG "fail_page_alloc/verbose",
	DBG "fail_page_alloc/ignore-gfp-highmem",
	DBG "failslab/stacktrace-depth",
	DBG "fail_page_alloc/stacktrace-depth",
	/* the task filter before the probability, which fails all else */
	DBG "failslab/task-filter",
	DBG "failslab/times",
	DBG "failslab/interval",
	DBG "failslab/probability",
	DBG "fail_page_alloc/task-filter",
	DBG "fail_page_alloc/times",
	DBG "fail_page_alloc/interval",
	DBG "fail_page_alloc/probability",
	DBG "failslab/require-start",
	DBG "failslab/require-end",
	DBG "fail_page_alloc/require-start",
	DBG "fail_page_alloc/require-end",
	"/proc/sys/vm/overcommit_memory",
};

#define NR_KNOBS	(sizeof(knob_paths) / sizeof(knob_paths[0]))

/*
 * The first knobs' values: fail sleeping, order-0 and user page (highmem
 * flagged: KSM's unmerge copies a page) allocations, quietly,
 * under a stack up to 32 deep; when asked for all failures (try_once()),
 * every allocation of this task, a great many times. The others are set
 * per site (aim_at()) or by snap_take().
 */
static const char *const knob_values[] = {
	"N", "0", "N", "0", "0", "N", "32", "32",
	"Y", "1000000", "1", "100", "Y", "1000000", "1", "100",
};

#define NR_FIXED	(sizeof(knob_values) / sizeof(knob_values[0]))

static char saved[NR_KNOBS][32];
static int nth_fd = -1;

/* In reverse: the probability goes back to 0 before the task filter. */
static void restore_knobs(void)
{
	unsigned int i;

	for (i = NR_KNOBS; i-- > 0;)
		if (saved[i][0])
			write_str(knob_paths[i], saved[i]);
}

static int set_knobs(void)
{
	unsigned int i;

	for (i = 0; i < NR_KNOBS; i++)
		if (read_str(knob_paths[i], saved[i], sizeof(saved[i]))) {
			printf("Bail out! cannot read %s (needs FAULT_INJECTION_DEBUG_FS, FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_STACKTRACE_FILTER)\n",
			       knob_paths[i]);
			return -1;
		}
	atexit(restore_knobs);
	for (i = 0; i < NR_FIXED; i++)
		if (write_str(knob_paths[i], knob_values[i])) {
			printf("Bail out! cannot write %s\n", knob_paths[i]);
			return -1;
		}
	return 0;
}

/* A function's extent: its address and the next symbol's in kallsyms. */
static int find_sites(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long addr;
	unsigned int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3)
			continue;
		for (i = 0; i < NR_SITES; i++) {
			if (!strcmp(name, sites[i].sym) && strchr("Tt", type))
				sites[i].start = addr;
			else if (sites[i].start && addr > sites[i].start &&
				 (!sites[i].end || addr < sites[i].end))
				sites[i].end = addr;
		}
	}
	fclose(f);
	/* kallsyms is in address order: the first later symbol ends it. */
	for (i = 0; i < NR_SITES; i++)
		if (!sites[i].start || !sites[i].end) {
			printf("Bail out! %s (site %s) is not in /proc/kallsyms\n",
			       sites[i].sym, sites[i].name);
			return -1;
		}
	return 0;
}

static int aim_at(const struct site *s)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "%lu", s->start);
	snprintf(b, sizeof(b), "%lu", s->end);
	return write_str(DBG "failslab/require-start", a) ||
	       write_str(DBG "failslab/require-end", b) ||
	       write_str(DBG "fail_page_alloc/require-start", a) ||
	       write_str(DBG "fail_page_alloc/require-end", b);
}

static void arm_nth(int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", n);
	if (pwrite(nth_fd, buf, strlen(buf), 0) < 0)
		perror("fail-nth");
}

/* Whether the armed failure was used up; disarms it if not. */
static int nth_fired(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) < 0)
		perror("fail-nth");
	if (atoi(buf) == 0)
		return 1;
	if (pwrite(nth_fd, "0", 1, 0) < 0)
		perror("fail-nth");
	return 0;
}

struct tally {
	unsigned long injected, tolerated, retried;
	unsigned long per_site[NR_SITES];
};

static struct snap before, after;
/* Where run_site() found a problem. */
static unsigned int failed_site;
static int failed_nth;

/* failslab's and fail_page_alloc's "times": how many failures are left. */
static long times_left(void)
{
	char a[32], b[32];

	if (read_str(DBG "failslab/times", a, sizeof(a)) ||
	    read_str(DBG "fail_page_alloc/times", b, sizeof(b)))
		return -1;
	return atol(a) + atol(b);
}

enum try_result { T_PROBLEM = -1, T_DONE, T_INJECTED, T_TOLERATED, T_AGAIN };

/*
 * One fresh scene and one call with failures injected under the site
 * aimed at: the n-th allocation there (n > 0), or every one of them
 * (n == 0: probability 100, for this task only, through make-it-fail),
 * which is how an allocation with a fallback (anon_vma_clone()'s
 * GFP_NOWAIT, then GFP_KERNEL) fails.
 */
static enum try_result try_once(const struct kind *k, enum op op, int n,
				bool *only_counters)
{
	enum try_result res = T_PROBLEM;
	long left = 0;
	struct scene sc;
	int err, fired;
	void *ret;
	bool ok;

	*only_counters = false;
	if (scene_setup(&sc, k, op, (char)(n * 7 + 3)))
		goto out;
	if (snap_take(&before)) {
		snprintf(problem, sizeof(problem), "cannot read /proc");
		goto out;
	}
	if (n) {
		arm_nth(n);
	} else {
		left = times_left();
		write_str("/proc/thread-self/make-it-fail", "1");
	}
	ret = scene_call(&sc);
	err = errno;
	if (n) {
		fired = nth_fired();
	} else {
		write_str("/proc/thread-self/make-it-fail", "0");
		fired = times_left() != left;
	}
	if (!fired || ret != MAP_FAILED) {
		/* Not reached, or the failed allocation was retried. */
		if (check_moved(&sc, ret))
			res = fired ? T_TOLERATED : T_DONE;
		goto out;
	}
	if (err != ENOMEM) {
		snprintf(problem, sizeof(problem), "failed with %s, not ENOMEM",
			 strerror(err));
		goto out;
	}
	snap_take(&after);
	ok = op == OP_MULTI ? check_partial(&sc, &before, &after, only_counters) :
			      check_unchanged(&sc, &before, &after, only_counters);
	res = ok ? T_INJECTED : *only_counters ? T_AGAIN : T_PROBLEM;
out:
	scene_teardown(&sc);
	return res;
}

/*
 * Fail the 1st, 2nd, ... allocation under one site until a call goes
 * through, then all of them at once. A difference in a global counter
 * alone may be another process's: the same failure is injected again, up
 * to TRIES times. 0, or -1 with problem[] saying what was wrong.
 */
static int run_site(const struct kind *k, enum op op, unsigned int si,
		    struct tally *t)
{
	int n = 1, tries = 0;
	bool only_counters;

	for (;;) {
		enum try_result res = try_once(k, op, n, &only_counters);

		if (res == T_AGAIN && ++tries < TRIES) {
			t->retried++;
			usleep(50000);
			continue;
		}
		tries = 0;
		if (res == T_AGAIN || res == T_PROBLEM) {
			failed_site = si;
			failed_nth = n;
			return -1;
		}
		if (res == T_INJECTED) {
			t->injected++;
			t->per_site[si]++;
			sites[si].hits++;
		}
		t->tolerated += res == T_TOLERATED;
		if (n == 0)
			return 0;
		if (res == T_DONE)
			n = 0;
		else if (++n > MAX_NTH)
			break;
	}
	snprintf(problem, sizeof(problem), "more than %d allocations", MAX_NTH);
	failed_site = si;
	failed_nth = n;
	return -1;
}

static int test_nr;

static bool wanted(const char *kind, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], kind))
			return true;
	return argc == 0;
}

static int run_kind(const struct kind *k, bool multi, int rounds)
{
	int fails = 0, r, op;
	unsigned int si;

	if (k->begin && k->begin()) {
		for (op = 0; op < NR_OPS; op++)
			if (k->ops & (1U << op))
				printf("# %s: cannot set up the kind\nnot ok %d %s/%s\n",
				       k->name, ++test_nr, k->name, op_names[op]);
		return 1;
	}
	for (op = 0; op < NR_OPS; op++) {
		struct tally t = { 0 };
		int bad = 0;

		if (!(k->ops & (1U << op)))
			continue;
		if (op == OP_MULTI && !multi) {
			printf("ok %d %s/%s # SKIP this kernel moves one VMA per call\n",
			       ++test_nr, k->name, op_names[op]);
			continue;
		}
		/* A problem at one site is reported; the other sites go on. */
		for (r = 0; r < rounds; r++)
			for (si = 0; si < NR_SITES; si++) {
				if (aim_at(&sites[si])) {
					snprintf(problem, sizeof(problem),
						 "cannot set the stack filter");
					failed_site = si;
					failed_nth = 0;
				} else if (!run_site(k, op, si, &t)) {
					continue;
				}
				printf("# %s/%s: site %s, allocation %d: %s\n",
				       k->name, op_names[op],
				       sites[failed_site].name, failed_nth,
				       problem);
				bad++;
			}
		if (bad) {
			printf("not ok %d %s/%s\n", ++test_nr, k->name,
			       op_names[op]);
			fails++;
			continue;
		}
		printf("# %s/%s: %lu injected (", k->name, op_names[op],
		       t.injected);
		for (si = 0; si < NR_SITES; si++)
			printf("%s%s %lu", si ? ", " : "", sites[si].name,
			       t.per_site[si]);
		printf("), %lu tolerated, %lu retried\n", t.tolerated, t.retried);
		printf("ok %d %s/%s\n", ++test_nr, k->name, op_names[op]);
	}
	if (k->end)
		k->end();
	return fails;
}

int main(int argc, char **argv)
{
	int rounds = 1, min_hits = 10, opt, fails = 0, ntests = 0;
	unsigned int i;
	bool multi;

	while ((opt = getopt(argc, argv, "r:m:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'm')
			min_hits = atoi(optarg);
		else {
			fprintf(stderr, "usage: %s [-r ROUNDS] [-m MIN_HITS] [KIND...]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	printf("TAP version 13\n");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		printf("Bail out! no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)\n");
		return 1;
	}
	if (set_knobs() || find_sites())
		return 1;
	multi = probe_multi();
	for (i = 0; i < nr_kinds; i++)
		if (wanted(kinds[i].name, argc - optind, argv + optind))
			ntests += __builtin_popcount(kinds[i].ops);
	printf("1..%d\n", ntests + (int)NR_SITES);
	printf("# multi-VMA moves: %s; %d round(s), every site at least %d times\n",
	       multi ? "yes" : "no", rounds, min_hits);
	for (i = 0; i < nr_kinds; i++)
		if (wanted(kinds[i].name, argc - optind, argv + optind))
			fails += run_kind(&kinds[i], multi, rounds);
	for (i = 0; i < NR_SITES; i++) {
		bool enough = sites[i].hits >= (unsigned long)min_hits;

		printf("# site %s (%s): %lu injected failure(s)%s\n",
		       sites[i].name, sites[i].sym, sites[i].hits,
		       enough ? "" : ", fewer than -m");
		printf("%sok %d site %s\n", enough ? "" : "not ", ++test_nr,
		       sites[i].name);
		fails += !enough;
	}
	return fails ? 1 : 0;
}
