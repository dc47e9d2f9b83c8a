// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-race: move a region with mremap() while threads read and write it,
 * to catch stale TLB entries, lost PTEs and wrong data.
 *
 * Word i of the region holds tag(i) << 32 | counter; worker i % THREADS alone
 * writes it, with growing counters. Workers read random words: the tag must
 * be right, a counter may neither go back nor run ahead of its writer, and a
 * worker's own words hold what it last wrote. A mover moves the region between
 * slots 1 GiB apart (plainly, with MREMAP_DONTUNMAP, or grown to twice its
 * size then shrunk in place), under a generation that is odd during a move:
 * an access counts if the generation did not change around it, and a fault
 * is a failure if it did not. At the end every word must hold its last write.
 *
 * Usage: mremap-race [-t SECONDS (whole run, default 20)] [-s SEED] [-T THREADS]
 * Prints TAP; exits 0 only if no scenario failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define NSLOTS		4
#define SLOT_SPACING	(1UL << 30)
#define HPAGE		(2UL << 20)
#define BATCH		16
#define NB_PAGES	4
#define MAX_THREADS	16
#define MAX_REPORTS	8
#define NSTAT		64
#define THP_PATH	"/sys/kernel/mm/transparent_hugepage/enabled"
#define __printf(a, b)	__attribute__((format(printf, a, b)))

enum { S_SHARED = 1, S_THP = 2, S_FORK = 4, S_NEIGHBOUR = 8 };

static const struct scenario {
	const char *name;
	unsigned int flags;
	size_t pages;		/* region size; S_THP regions are 4 MiB */
} scenarios[] = {
	{ "move-while-access",	0,		64 },
	{ "move-thp",		S_THP,		0 },
	{ "move-shmem",		S_SHARED,	64 },
	{ "fork-during-move",	S_FORK,		64 },
	{ "unmap-race",		S_NEIGHBOUR,	64 },
};
#define ARRAY_SIZE(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* Per-worker figures. */
enum { BATCHES, READS, REDONE, FAULTS, NFIG };

struct worker {
	pthread_t th;
	int id;
	uint64_t rng;
	uint32_t *seen;		/* highest counter seen, per word */
	unsigned long fig[NFIG];
};

/* The state of the running scenario. */
static struct {
	const struct scenario *sc;
	int num;
	size_t len, nwords;
	char *area;		/* the reservation that holds the slots */
	size_t area_len;
	char *slot[NSLOTS];
	char *nb[NSLOTS];	/* unmap-race: ranges just below the slots */
	uint64_t gen;		/* odd while the region is being moved */
	char *base;		/* where the region is */
	char *next;		/* where it goes while gen is odd */
	uint32_t *committed;	/* last counter its owner wrote, per word */
	uint64_t *snap;		/* a forked child's first pass */
	int stop, failed, nfail, in_child;
	unsigned long moves, dontunmap, grows, forks, child_fail, remaps;
	char reason[256];
} t;

static size_t page;
static unsigned int nthreads = 3;
static unsigned long seed = 1;
static uint32_t salt;

static __thread sigjmp_buf jb;
static __thread volatile int armed;
static __thread void *fault_addr;

/* Unbuffered, so that threads and forked children neither mix nor repeat. */
static __printf(1, 2) void out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(1, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1) < 0)
		_exit(1);
}

/* Record a failure; the first one goes on the scenario's TAP line. */
static __printf(1, 2) void fail(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!__atomic_exchange_n(&t.failed, 1, __ATOMIC_SEQ_CST))
		memcpy(t.reason, buf, sizeof(buf));
	if (__atomic_fetch_add(&t.nfail, 1, __ATOMIC_SEQ_CST) < MAX_REPORTS)
		out("# %s: %s%s\n", t.sc->name, t.in_child ? "child: " : "",
		    buf);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	if (armed) {
		armed = 0;
		fault_addr = si->si_addr;
		siglongjmp(jb, 1);
	}
	out("%snot ok %d %s: unexpected signal %d at %p (generation %lu, region at %p)\n",
	    t.in_child ? "# child: " : "", t.num, t.sc ? t.sc->name : "-",
	    sig, si->si_addr, t.gen, (void *)t.base);
	_exit(1);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint32_t tag(size_t i)
{
	return salt ^ (uint32_t)i;
}

static inline uint64_t val(size_t i, uint32_t cnt)
{
	return (uint64_t)tag(i) << 32 | cnt;
}

/* A PROT_NONE placeholder over [addr, addr + len): stale accesses fault. */
static int reserve(char *addr, size_t len)
{
	if (mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED | MAP_NORESERVE, -1, 0) == addr)
		return 0;
	fail("mmap(%p, %zu, PROT_NONE): %s", (void *)addr, len,
	     strerror(errno));
	return -1;
}

/*
 * One pass of a worker's batch: read the words idx[] into v[], then write
 * wcnt to its own word wi. Returns 1 if the region moved meanwhile (the pass
 * must be redone), 0 if not.
 */
static int batch_once(struct worker *w, const size_t *idx, uint64_t *v,
		      size_t wi, uint32_t wcnt, uint64_t *gp, char **bp)
{
	uint64_t g, *p;
	int k;

	while ((g = __atomic_load_n(&t.gen, __ATOMIC_ACQUIRE)) & 1)
		sched_yield();
	p = __atomic_load_n((uint64_t **)&t.base, __ATOMIC_ACQUIRE);
	*gp = g;
	*bp = (char *)p;
	if (sigsetjmp(jb, 0)) {
		w->fig[FAULTS]++;
		if (__atomic_load_n(&t.gen, __ATOMIC_SEQ_CST) == g)
			fail("worker %d: fault at %p, region at %p, generation %lu unchanged",
			     w->id, fault_addr, (void *)p, g);
		return 1;
	}
	armed = 1;
	for (k = 0; k < BATCH; k++)
		v[k] = __atomic_load_n(&p[idx[k]], __ATOMIC_RELAXED);
	/* Release: who reads this value sees committed[] up to it. */
	__atomic_store_n(&p[wi], val(wi, wcnt), __ATOMIC_RELEASE);
	armed = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t.gen, __ATOMIC_RELAXED) == g)
		return 0;
	w->fig[REDONE]++;
	return 1;
}

static void check_read(struct worker *w, size_t i, uint64_t v, size_t wi,
		       uint32_t wcnt, int redone, uint64_t g, char *base)
{
	uint32_t cnt = (uint32_t)v, want, hi;
	void *addr = base + i * 8;

	if (v >> 32 != tag(i)) {
		fail("worker %d: word %zu at %p reads %#lx, want tag %#x (generation %lu)",
		     w->id, i, addr, v, tag(i), g);
		return;
	}
	if (i % nthreads == (size_t)w->id) {
		/* Our word; a redone pass may find its earlier write. */
		want = i == wi ? wcnt - 1 : t.committed[i];
		if (cnt != want && !(redone && i == wi && cnt == wcnt))
			fail("worker %d: own word %zu at %p reads counter %u, last written %u (generation %lu)",
			     w->id, i, addr, cnt, want, g);
		return;
	}
	if (cnt < w->seen[i])
		fail("worker %d: word %zu at %p went back from counter %u to %u (generation %lu)",
		     w->id, i, addr, w->seen[i], cnt, g);
	hi = __atomic_load_n(&t.committed[i], __ATOMIC_ACQUIRE) + 1;
	if (cnt > hi)
		fail("worker %d: word %zu at %p reads counter %u, its writer is at %u (generation %lu)",
		     w->id, i, addr, cnt, hi - 1, g);
	w->seen[i] = cnt;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t idx[BATCH], wi, nown;
	uint64_t v[BATCH], g;
	uint32_t wcnt;
	char *base;
	int k, redone, late;

	/* Leave the mover more of the CPU than a fair share. */
	setpriority(PRIO_PROCESS, gettid(), 5);
	nown = (t.nwords - w->id + nthreads - 1) / nthreads;
	while (!__atomic_load_n(&t.stop, __ATOMIC_RELAXED)) {
		for (k = 0; k < BATCH; k++)
			idx[k] = rnd(&w->rng) % t.nwords;
		wi = w->id + nthreads * (rnd(&w->rng) % nown);
		wcnt = t.committed[wi] + 1;
		/*
		 * The write may have landed in a pass that must be redone: go
		 * on until one completes. Once the mover has stopped, only a
		 * fault already reported can make a pass fail.
		 */
		redone = late = 0;
		while (batch_once(w, idx, v, wi, wcnt, &g, &base)) {
			redone = 1;
			if (__atomic_load_n(&t.stop, __ATOMIC_RELAXED) &&
			    ++late > 100)
				return NULL;
		}
		__atomic_store_n(&t.committed[wi], wcnt, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		for (k = 0; k < BATCH; k++)
			check_read(w, idx[k], v[k], wi, wcnt, redone, g, base);
		w->fig[BATCHES]++;
		w->fig[READS] += BATCH;
	}
	return NULL;
}

/*
 * After a grow, from the mover: the new upper half must read zero and keep
 * what is written to it (anonymous only: a shared anonymous region has no
 * backing past its first size). Then shrink the region back in place.
 */
static int grow_check(char *b, uint64_t *rng)
{
	uint64_t *tail = (uint64_t *)(b + t.len), mark = rnd(rng), x;
	size_t npg = t.len / page, step = page / 8, j;

	for (j = 0; !(t.sc->flags & S_SHARED) && j < npg; j++) {
		x = tail[j * step + j % step];
		if (x)
			fail("mover: new word at %p reads %#lx after growing at %p, want 0 (generation %lu)",
			     (void *)&tail[j * step + j % step], x, (void *)b,
			     t.gen);
		tail[j * step] = mark ^ j;
	}
	sched_yield();
	for (j = 0; !(t.sc->flags & S_SHARED) && j < npg; j++)
		if (tail[j * step] != (mark ^ j))
			fail("mover: grown word at %p reads %#lx, wrote %#lx (generation %lu)",
			     (void *)&tail[j * step], tail[j * step],
			     mark ^ j, t.gen);
	if (mremap(b, 2 * t.len, t.len, 0) != b) {
		fail("mover: shrinking %p from %zu to %zu: %s (generation %lu)",
		     (void *)b, 2 * t.len, t.len, strerror(errno), t.gen);
		return -1;
	}
	return reserve(b + t.len, t.len);
}

static void *mover_main(void *arg)
{
	uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 77;
	int cur = 0, to, op, flags;
	char *old, *dst, *r;
	size_t nlen;

	while (!__atomic_load_n(&t.stop, __ATOMIC_RELAXED)) {
		to = (cur + 1 + rnd(&rng) % (NSLOTS - 1)) % NSLOTS;
		old = t.base;
		dst = t.slot[to];
		op = rnd(&rng) % 8;
		flags = MREMAP_MAYMOVE | MREMAP_FIXED;
		nlen = op >= 6 ? 2 * t.len : t.len;
		if (op == 4 || op == 5)
			flags |= MREMAP_DONTUNMAP;
		t.next = dst;
		__atomic_store_n(&t.gen, t.gen + 1, __ATOMIC_SEQ_CST);
		r = mremap(old, t.len, nlen, flags, dst);
		if (r != dst) {
			fail("mover: mremap(%p, %zu, %zu, %#x, %p) = %p: %s (generation %lu)",
			     (void *)old, t.len, nlen, flags, (void *)dst,
			     (void *)r, strerror(errno), t.gen);
			__atomic_store_n(&t.gen, t.gen + 1, __ATOMIC_SEQ_CST);
			break;
		}
		__atomic_store_n(&t.base, dst, __ATOMIC_RELEASE);
		__atomic_store_n(&t.gen, t.gen + 1, __ATOMIC_SEQ_CST);
		t.moves++;
		cur = to;
		if (flags & MREMAP_DONTUNMAP) {
			t.dontunmap++;
			if (munmap(old, t.len)) {
				fail("mover: munmap(%p) after MREMAP_DONTUNMAP: %s",
				     (void *)old, strerror(errno));
				break;
			}
		}
		if (reserve(old, t.len))
			break;
		if (nlen != t.len) {
			t.grows++;
			if (grow_check(dst, &rng))
				break;
		}
		if (rnd(&rng) % 8 == 0)
			sched_yield();
	}
	return arg;
}

/* unmap-race: unmap and map again the ranges next to the slots. */
static void *neighbour_main(void *arg)
{
	uint64_t rng = seed * 0xbf58476d1ce4e5b9ULL + 5, pat[NSLOTS], *p;
	size_t n = NB_PAGES * page / 8, j;
	int live[NSLOTS] = { 0 }, k;

	while (!__atomic_load_n(&t.stop, __ATOMIC_RELAXED)) {
		k = rnd(&rng) % NSLOTS;
		p = (uint64_t *)t.nb[k];
		for (j = 0; live[k] && j < n; j++)
			if (p[j] != (pat[k] ^ j)) {
				fail("neighbour word at %p reads %#lx, want %#lx (region at %p, generation %lu)",
				     (void *)&p[j], p[j], pat[k] ^ j,
				     (void *)t.base, t.gen);
				break;
			}
		if (munmap(p, n * 8) ||
		    mmap(p, n * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != p) {
			fail("unmapping and mapping %p again: %s", (void *)p,
			     strerror(errno));
			break;
		}
		pat[k] = rnd(&rng);
		for (j = 0; j < n; j++)
			p[j] = pat[k] ^ j;
		live[k] = 1;
		t.remaps++;
		sched_yield();
	}
	return arg;
}

/*
 * In a child forked while the region moves: find the region in our copy
 * (mid-move it may be at the target already), check that every word is
 * tagged right and that none changes under us.
 */
static void child_check(void)
{
	uint64_t g = t.gen, *p = NULL, v;
	char *cand[2] = { t.base, t.next };
	int c, bad = 0;
	size_t i;

	t.in_child = 1;
	t.nfail = t.child_fail < 3 ? 0 : MAX_REPORTS;
	for (c = 0; c < ((g & 1) ? 2 : 1) && !p; c++) {
		if (sigsetjmp(jb, 0))
			continue;
		armed = 1;
		v = __atomic_load_n((uint64_t *)cand[c], __ATOMIC_RELAXED);
		armed = 0;
		if (v >> 32 == tag(0))
			p = (uint64_t *)cand[c];
	}
	if (!p) {
		fail("region not found at %p%s (generation %lu)",
		     (void *)t.base, (g & 1) ? " nor at its target" : "", g);
		_exit(1);
	}
	for (i = 0; i < t.nwords; i++) {
		v = t.snap[i] = p[i];
		if (v >> 32 != tag(i) && !bad++)
			fail("word %zu at %p reads %#lx, want tag %#x (generation %lu)",
			     i, (void *)&p[i], v, tag(i), g);
	}
	usleep(2000);
	for (i = 0; i < t.nwords; i++)
		if (p[i] != t.snap[i] && !bad++)
			fail("word %zu at %p changed from %#lx to %#lx after fork (generation %lu)",
			     i, (void *)&p[i], t.snap[i], p[i], g);
	_exit(bad ? 1 : 0);
}

static void fork_loop(double end)
{
	int status;
	pid_t pid;

	while (now() < end) {
		pid = fork();
		if (pid == 0)
			child_check();
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			fail("fork or waitpid: %s", strerror(errno));
			return;
		}
		t.forks++;
		if ((!WIFEXITED(status) || WEXITSTATUS(status)) &&
		    !t.child_fail++)
			fail("a child found a bad copy (status %#x)", status);
	}
}

/* The mremap_* and THP counters of /proc/vmstat. */
static int read_vmstat(char names[][40], long *vals)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[128];
	int n = 0;

	while (f && n < NSTAT && fgets(line, sizeof(line), f))
		if ((!strncmp(line, "mremap_", 7) ||
		     !strncmp(line, "thp_", 4) || strstr(line, "transparent")) &&
		    sscanf(line, "%39s %ld", names[n], &vals[n]) == 2)
			n++;
	if (f)
		fclose(f);
	return n;
}

static int setup(void)
{
	char *a, *p;
	size_t i, k;

	t.area_len = NSLOTS * SLOT_SPACING + HPAGE;
	a = mmap(NULL, t.area_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED) {
		fail("reserving %zu bytes: %s", t.area_len, strerror(errno));
		return -1;
	}
	t.area = a;
	/* Slot 0 is PMD aligned; the others too for THP, else 3k pages off. */
	a = (char *)(((uintptr_t)a + HPAGE - 1) & ~(HPAGE - 1));
	for (k = 0; k < NSLOTS; k++) {
		t.slot[k] = a + k * SLOT_SPACING + SLOT_SPACING / 2;
		if (!(t.sc->flags & S_THP))
			t.slot[k] += 3 * k * page;
		t.nb[k] = t.slot[k] - NB_PAGES * page;
	}
	p = mmap(t.slot[0], t.len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS |
		 MAP_FIXED | (t.sc->flags & S_SHARED ? MAP_SHARED :
			      MAP_PRIVATE), -1, 0);
	if (p != t.slot[0] || ((t.sc->flags & S_THP) &&
			       madvise(p, t.len, MADV_HUGEPAGE))) {
		fail("mmap or madvise at %p: %s", (void *)t.slot[0],
		     strerror(errno));
		return -1;
	}
	t.committed = calloc(t.nwords, sizeof(*t.committed));
	t.snap = calloc(t.nwords, sizeof(*t.snap));
	if (!t.committed || !t.snap) {
		fail("out of memory");
		return -1;
	}
	for (i = 0; i < t.nwords; i++)
		((uint64_t *)p)[i] = val(i, 0);
	t.base = p;
	return 0;
}

/* After the run: the region is where it was published, with every word. */
static unsigned long final_check(void)
{
	uint64_t *p = (uint64_t *)t.base, v;
	unsigned long bad = 0;
	size_t i;

	if (t.gen & 1) {
		fail("generation %lu is odd after the run", t.gen);
		return 0;
	}
	if (sigsetjmp(jb, 0)) {
		fail("final check: fault at %p, region at %p (generation %lu)",
		     fault_addr, (void *)p, t.gen);
		return 0;
	}
	armed = 1;
	for (i = 0; i < t.nwords; i++) {
		v = p[i];
		if (v != val(i, t.committed[i]) && !bad++)
			fail("final check: word %zu at %p reads %#lx, want %#lx (generation %lu)",
			     i, (void *)&p[i], v, val(i, t.committed[i]),
			     t.gen);
	}
	armed = 0;
	return t.nwords - bad;
}

static void run_threads(double secs, unsigned long *fig)
{
	struct worker w[MAX_THREADS];
	pthread_t mover, nb;
	double end;
	int i, j;

	memset(w, 0, sizeof(w));
	for (i = 0; i < (int)nthreads; i++) {
		w[i].id = i;
		w[i].rng = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (t.num << 8 | i);
		w[i].seen = calloc(t.nwords, sizeof(uint32_t));
		if (!w[i].seen || pthread_create(&w[i].th, NULL, worker_main,
						 &w[i]))
			goto bail;
	}
	if (pthread_create(&mover, NULL, mover_main, NULL) ||
	    ((t.sc->flags & S_NEIGHBOUR) &&
	     pthread_create(&nb, NULL, neighbour_main, NULL)))
		goto bail;
	end = now() + secs;
	if (t.sc->flags & S_FORK)
		fork_loop(end);
	while (now() < end)
		usleep(20000);
	__atomic_store_n(&t.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(mover, NULL);
	if (t.sc->flags & S_NEIGHBOUR)
		pthread_join(nb, NULL);
	for (i = 0; i < (int)nthreads; i++) {
		pthread_join(w[i].th, NULL);
		for (j = 0; j < NFIG; j++)
			fig[j] += w[i].fig[j];
		free(w[i].seen);
	}
	return;
bail:
	out("Bail out! cannot start the threads\n");
	exit(1);
}

static int run_scenario(int num, const struct scenario *sc, double secs)
{
	unsigned long fig[NFIG] = { 0 }, words;
	char names[NSTAT][40], names2[NSTAT][40];
	int nv, nv2, i, thp = sc->flags & S_THP;
	long before[NSTAT], after[NSTAT];
	double t0;

	memset(&t, 0, sizeof(t));
	t.sc = sc;
	t.num = num;
	if (thp && access(THP_PATH, F_OK)) {
		out("ok %d %s # SKIP no THP: %s missing\n", num, sc->name,
		    THP_PATH);
		return 0;
	}
	t.len = thp ? 2 * HPAGE : sc->pages * page;
	t.nwords = t.len / 8;
	nv = read_vmstat(names, before);
	if (setup())
		goto done;
	t0 = now();
	run_threads(secs, fig);
	t0 = now() - t0;
	words = final_check();
	nv2 = read_vmstat(names2, after);
	out("# %s: %.1f s, %lu moves (%lu dontunmap, %lu grow+shrink), %lu batches, %lu reads verified\n",
	    sc->name, t0, t.moves, t.dontunmap, t.grows, fig[BATCHES],
	    fig[READS]);
	out("# %s: %lu passes redone after a move, %lu stale faults, %lu words right at the end\n",
	    sc->name, fig[REDONE], fig[FAULTS], words);
	if (sc->flags & S_FORK)
		out("# %s: %lu forks, %lu children failed\n", sc->name,
		    t.forks, t.child_fail);
	if (sc->flags & S_NEIGHBOUR)
		out("# %s: %lu neighbour remaps\n", sc->name, t.remaps);
	for (i = 0; i < nv && nv2 == nv; i++)
		if (!strcmp(names[i], names2[i]) && after[i] != before[i])
			out("# %s: %s %+ld\n", sc->name, names[i],
			    after[i] - before[i]);
	if (!t.moves || !fig[BATCHES])
		fail("no progress: %lu moves, %lu batches", t.moves,
		     fig[BATCHES]);
done:
	if (t.failed)
		out("not ok %d %s: %s\n", num, sc->name, t.reason);
	else
		out("ok %d %s\n", num, sc->name);
	if (t.area)
		munmap(t.area, t.area_len);
	free(t.committed);
	free(t.snap);
	return t.failed;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	double secs = 20, t0 = now();
	int opt, i, failed = 0, n = ARRAY_SIZE(scenarios);

	while ((opt = getopt(argc, argv, "t:s:T:")) != -1) {
		if (opt == 't')
			secs = atof(optarg);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'T')
			nthreads = atoi(optarg);
		else
			secs = -1;
	}
	if (secs <= 0 || nthreads < 1 || nthreads > MAX_THREADS) {
		fprintf(stderr, "usage: %s [-t SECONDS] [-s SEED] [-T THREADS (1-%d)]\n",
			argv[0], MAX_THREADS);
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	salt = 0x80000000u | ((uint32_t)(seed * 2654435761u) & 0x7ff00000u);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	out("TAP version 13\n1..%d\n", n);
	out("# seed %lu, %u threads, %.1f s per scenario, page %zu\n", seed,
	    nthreads, secs / n, page);
	for (i = 0; i < n; i++)
		failed |= run_scenario(i + 1, &scenarios[i], secs / n);
	out("# total %.1f s\n", now() - t0);
	return failed ? 1 : 0;
}
