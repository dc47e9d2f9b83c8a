// SPDX-License-Identifier: GPL-2.0
/*
 * mremap() benchmark, run in the test guests by scripts/bench.sh on the base
 * and the patched kernel. Each case prints one line
 *   bench: CASE NS_PER_OP OPS
 * with the median guest time of one operation (CLOCK_MONOTONIC: under QEMU
 * -icount that is the instruction count, so figures repeat), or
 *   bench: CASE n/a REASON
 * when the guest kernel cannot run the case, and, on kernels with the
 * per-tier counters, which tiers the case's mremap() calls took:
 *   tiers: CASE mremap_move_pmd=N ...   (counters that changed)
 * Setup (mapping, faulting in) is not timed, only the mremap() calls.
 *
 * Usage: mremap-bench [CASE...]   (no argument: every case)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef MREMAP_FIXED
#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2
#endif

#define KB		(1UL << 10)
#define MB		(1UL << 20)
#define GB		(1UL << 30)

#define THP		"/sys/kernel/mm/transparent_hugepage/"
#define MTHP_64K	THP "hugepages-64kB/enabled"

static unsigned long ps;

static void die(const char *what)
{
	fprintf(stderr, "mremap-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

static void *xmremap(void *old, unsigned long old_len, unsigned long new_len,
		     unsigned long flags, void *new)
{
	void *p = (void *)syscall(__NR_mremap, old, old_len, new_len, flags,
				  new);

	if (p == MAP_FAILED)
		die("mremap");
	return p;
}

/* A PROT_NONE reservation of len bytes aligned to align. */
static char *reserve(unsigned long len, unsigned long align)
{
	char *p = mmap(NULL, len + align, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned long a;

	if (p == MAP_FAILED)
		die("mmap reserve");
	a = ((unsigned long)p + align - 1) & ~(align - 1);
	return (char *)a;
}

/* Private anonymous memory at addr, advised, and written to (faulted in). */
static void populate(char *addr, unsigned long len, int advice,
		     unsigned long stride)
{
	unsigned long off;

	if (mmap(addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) != addr)
		die("mmap");
	if (madvise(addr, len, advice))
		die("madvise");
	for (off = 0; off < len; off += stride)
		addr[off] = 1;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* The mremap_* lines of /proc/vmstat; empty on kernels without them. */
static void read_tiers(char *buf, size_t size)
{
	char line[128];
	size_t len = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "mremap_", 7) &&
		    len + strlen(line) < size)
			len += snprintf(buf + len, size - len, "%s", line);
	fclose(f);
}

#define MAX_OPS		4000

static char tiers_before[1024];
static unsigned long samples[MAX_OPS], nr_samples;

static void start_case(void)
{
	read_tiers(tiers_before, sizeof(tiers_before));
	nr_samples = 0;
}

/* Record the time of one operation that started at t. */
static void sample(unsigned long t)
{
	unsigned long ns = now_ns() - t;

	if (nr_samples < MAX_OPS)
		samples[nr_samples++] = ns;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Print the median time of one operation (the median, not the mean, so
 * that a timer interrupt or a per-cpu counter flush landing in a few
 * operations does not move the figure), then the counters that changed.
 */
static void report(const char *name)
{
	char after[1024], key[64], *p = tiers_before, *q = after;
	unsigned long a, b;

	read_tiers(after, sizeof(after));
	qsort(samples, nr_samples, sizeof(samples[0]), cmp_ulong);
	printf("bench: %s %lu %lu\n", name, samples[nr_samples / 2],
	       nr_samples);
	if (after[0])
		printf("tiers: %s", name);
	while (*p && *q && sscanf(p, "%63s %lu", key, &b) == 2 &&
	       sscanf(q, "%*s %lu", &a) == 1) {
		if (a != b)
			printf(" %s=%lu", key, a - b);
		p = strchr(p, '\n');
		q = strchr(q, '\n');
		if (!p || !q)
			break;
		p++;
		q++;
	}
	if (after[0])
		printf("\n");
	fflush(stdout);
}

/*
 * Move len bytes at a back and forth between a and b (b may be misaligned
 * on purpose), ops times in all; the first move is not timed when warm is
 * set (it splits THPs, say, which is not what the case measures).
 */
static void ping_pong(const char *name, char *a, char *b, unsigned long len,
		      unsigned long ops, int warm)
{
	unsigned long i, t;

	if (warm) {
		xmremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, b);
		xmremap(b, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, a);
	}
	start_case();
	for (i = 0; i < ops; i++) {
		t = now_ns();
		if (i & 1)
			xmremap(b, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, a);
		else
			xmremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, b);
		sample(t);
	}
	report(name);
	munmap(a, len);
	munmap(b, len);
}

/* Grow a 4 KiB mapping to 8 KiB in place (timed), shrink it back. */
static void expand_4k(const char *name)
{
	char *p = reserve(2 * ps, ps);
	unsigned long i, t, ops = 2000;

	populate(p, ps, MADV_NORMAL, ps);
	munmap(p + ps, ps);
	start_case();
	for (i = 0; i < ops; i++) {
		t = now_ns();
		xmremap(p, ps, 2 * ps, 0, NULL);
		sample(t);
		xmremap(p, 2 * ps, ps, 0, NULL);
	}
	report(name);
	munmap(p, 2 * ps);
}

static void move_small(const char *name)
{
	char *a = reserve(4 * MB, 2 * MB);

	populate(a, 2 * ps, MADV_NORMAL, ps);
	ping_pong(name, a, a + 2 * MB + 8 * ps, 2 * ps, 4000, 0);
}

static void move_pmd(const char *name)
{
	char *a = reserve(4 * MB, 2 * MB);

	populate(a, 2 * MB, MADV_NOHUGEPAGE, ps);
	ping_pong(name, a, a + 2 * MB, 2 * MB, 1000, 0);
}

static void move_pud(const char *name)
{
	char *a = reserve(2 * GB, GB);

	/* One page per PTE table: the PMD table is what moves. */
	populate(a, GB, MADV_NOHUGEPAGE, 2 * MB);
	ping_pong(name, a, a + GB, GB, 200, 0);
}

/* 512 MiB moved to an address one page off: the PTE tier only. */
static void move_pte_tier(const char *name, int advice)
{
	char *a = reserve(1 * GB + 4 * MB, 2 * MB);

	populate(a, 512 * MB, advice, ps);
	ping_pong(name, a, a + 512 * MB + 2 * MB + ps, 512 * MB, 8, 1);
}

static void move_pte_4k(const char *name)
{
	move_pte_tier(name, MADV_NOHUGEPAGE);
}

static void move_pte_thp(const char *name)
{
	move_pte_tier(name, MADV_HUGEPAGE);
}

static char mthp_saved[32];

static int mthp_64k_on(void)
{
	char buf[128], *sel, *end;
	int fd = open(MTHP_64K, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	sel = strchr(buf, '[');
	end = sel ? strchr(sel, ']') : NULL;
	if (!end)
		return -1;
	*end = '\0';
	snprintf(mthp_saved, sizeof(mthp_saved), "%s", sel + 1);
	return write_str(MTHP_64K, "always");
}

static void mthp_64k_off(void)
{
	write_str(MTHP_64K, mthp_saved);
}

static void move_pte_mthp(const char *name)
{
	if (mthp_64k_on()) {
		printf("bench: %s n/a no 64 KiB mTHP size\n", name);
		return;
	}
	move_pte_tier(name, MADV_NORMAL);
	mthp_64k_off();
}

/*
 * The loop used upstream to justify batching: fault in 1 MiB of 64 KiB
 * folios, move it 1 MiB up, unmap it; the whole iteration is timed.
 */
static void mthp_loop(const char *name)
{
	char *a = reserve(2 * MB, 2 * MB);
	unsigned long i, t, ops = 200;

	if (mthp_64k_on()) {
		printf("bench: %s n/a no 64 KiB mTHP size\n", name);
		return;
	}
	start_case();
	for (i = 0; i < ops; i++) {
		t = now_ns();
		if (mmap(a, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED, -1, 0) != a)
			die("mmap");
		memset(a, 1, MB);
		xmremap(a, MB, MB, MREMAP_MAYMOVE | MREMAP_FIXED, a + MB);
		munmap(a + MB, MB);
		sample(t);
	}
	report(name);
	mthp_64k_off();
}

/*
 * 512 one-page VMAs (alternately read-write and read-only, so that they
 * cannot merge) moved back and forth: in one mremap() call on kernels that
 * move a range of several VMAs, in one call per VMA on kernels that refuse
 * such a range with EFAULT (6.12), which is what callers have to do there.
 */
static void move_vma_pieces(char *from, char *to, unsigned long len,
			    int one_call)
{
	unsigned long off;

	if (one_call) {
		xmremap(from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		return;
	}
	for (off = 0; off < len; off += ps)
		xmremap(from + off, ps, ps, MREMAP_MAYMOVE | MREMAP_FIXED,
			to + off);
}

static void move_512_vmas(const char *name)
{
	unsigned long len = 512 * ps, off, i, t, ops = 100;
	char *a = reserve(2 * len + 4 * ps, ps) + ps;
	char *b = a + len + 2 * ps;
	int one_call;
	void *p;

	populate(a, len, MADV_NOHUGEPAGE, ps);
	for (off = ps; off < len; off += 2 * ps)
		if (mprotect(a + off, ps, PROT_READ))
			die("mprotect");
	p = (void *)syscall(__NR_mremap, a, len, len,
			    MREMAP_MAYMOVE | MREMAP_FIXED, b);
	if (p == MAP_FAILED && errno != EFAULT)
		die("mremap");
	one_call = p != MAP_FAILED;
	if (one_call)
		xmremap(b, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, a);
	printf("bench-mode: %s %s\n", name,
	       one_call ? "one call" : "one call per VMA");
	start_case();
	for (i = 0; i < ops; i++) {
		t = now_ns();
		if (i & 1)
			move_vma_pieces(b, a, len, one_call);
		else
			move_vma_pieces(a, b, len, one_call);
		sample(t);
	}
	report(name);
	munmap(a, len);
	munmap(b, len);
}

/*
 * glibc's realloc() of a block it mmap()ed (128 KiB and up) is mremap()
 * with MREMAP_MAYMOVE to the new size, which moves the block when what
 * follows it is mapped. Blocks of 16 sizes, 128 KiB to 1088 KiB, written
 * through and followed by a mapped page, grow by a quarter: only the
 * mremap() is timed.
 */
static void realloc_grow(const char *name)
{
	unsigned long i, t, len, new_len, off, ops = 1000;
	char *p, *q;

	start_case();
	for (i = 0; i < ops; i++) {
		len = 128 * KB + (i % 16) * 64 * KB;
		new_len = len + len / 4;
		p = mmap(NULL, len + ps, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED ||
		    mmap(p, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
			die("mmap");
		for (off = 0; off < len; off += ps)
			p[off] = 1;
		t = now_ns();
		q = xmremap(p, len, new_len, MREMAP_MAYMOVE, NULL);
		sample(t);
		if (q == p) {
			fprintf(stderr, "mremap-bench: %s grew in place\n", name);
			exit(1);
		}
		munmap(q, new_len);
		munmap(p + len, ps);
	}
	report(name);
}

static const struct {
	const char *name;
	void (*run)(const char *name);
} cases[] = {
	{ "expand-4k-in-place",	expand_4k },
	{ "move-2-pages",	move_small },
	{ "move-2m-pmd",	move_pmd },
	{ "move-1g-pud",	move_pud },
	{ "move-512m-pte-4k",	move_pte_4k },
	{ "move-512m-pte-64k",	move_pte_mthp },
	{ "move-512m-pte-2m",	move_pte_thp },
	{ "loop-1m-64k-folios",	mthp_loop },
	{ "move-512-vmas",	move_512_vmas },
	{ "realloc-grow",	realloc_grow },
};

int main(int argc, char **argv)
{
	unsigned int i;
	int j;

	ps = sysconf(_SC_PAGESIZE);
	/* THP for the cases that madvise it; mTHP sizes are per case. */
	write_str(THP "enabled", "madvise");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 1; j < argc; j++)
			if (!strcmp(argv[j], cases[i].name))
				break;
		if (argc == 1 || j < argc)
			cases[i].run(cases[i].name);
	}
	/* For the console verdict: the cases ran to the end. */
	printf("ok 1 mremap-bench\n");
	return 0;
}
