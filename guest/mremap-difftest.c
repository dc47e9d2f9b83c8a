// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest: differential tester for mremap() and its neighbours.
 *
 * From a seed it generates a pseudo-random sequence of memory-management
 * operations (mmap of many kinds, mremap with valid and invalid flag sets,
 * munmap, mprotect, mlock/munlock, madvise, pattern writes, fork) that all
 * take place inside one 1 GiB window at a fixed address, and after every
 * operation it records what the kernel did:
 *
 *   - the operation, its arguments (addresses relative to the window) and
 *     its result (a window-relative address, 0, or -errno);
 *   - the /proc/self/maps lines inside the window: relative start and end,
 *     permissions, file offset and path (device and inode are left out);
 *   - every 10 steps, VmSize and VmData (as deltas from the start of the
 *     run) and VmLck from /proc/self/status (these are cumulative counters,
 *     so a wrong update stays visible);
 *   - a checksum of sampled words (the first and the last of a page) of
 *     every readable mapping in the window: its first and last page every
 *     step, plus up to 8 pages of the range the operation mapped or moved
 *     to; a page that faults (SIGBUS beyond EOF, hugetlb without pages) is
 *     recorded as such. Pages of our files beyond their end are only probed
 *     at checkpoints (each SIGBUS is slow under TCG);
 *   - every 100 steps (checkpoint), the VmFlags and THPeligible lines of
 *     /proc/self/smaps for the window, and up to 32 pages per mapping with
 *     a step-dependent phase; every 1000 steps up to 256 pages per mapping.
 *
 * Writes store a pattern derived from the step and the page's address in
 * the first and last word of up to 16 sampled pages of a range (at most
 * 2 MiB of it, so that MADV_HUGEPAGE ranges do not populate too much).
 * More than 32 mappings in the window trigger a "reset" (the window is
 * mapped PROT_NONE again), which also happens at random now and then.
 *
 * The records are hashed with 64-bit FNV-1a. Every 1000 steps it prints
 *   difftest: chunk K steps A-B digest HEX       (steps A..B-1)
 * and at the end
 *   difftest: seed S ops N digest HEX
 *   ok 1 difftest seed S
 * With -v FROM -t TO it runs steps 0..TO-1 and prints the full records of
 * steps FROM..TO-1, so that two kernels' records can be diffed.
 * -P STEP records a wrong result for the operation(s) of one step (to show
 * that a difference is detected); -q suppresses the chunk lines; -T prints
 * where the time went (not recorded); -E: see below.
 *
 * Determinism: the PRNG is xorshift64*, seeded from -s only; ASLR is turned
 * off by re-executing with ADDR_NO_RANDOMIZE; nothing outside the window
 * is recorded except the VmSize/VmData deltas. RSS, PTE counts, smaps sizes
 * and mincore are deliberately not recorded: khugepaged may collapse
 * MADV_HUGEPAGE ranges at any time and THP allocation may fall back to small
 * pages, which changes those but nothing that is recorded. No global knob
 * is changed; hugetlb operations run only if the pool had free pages at
 * start (set vm.nr_hugepages in the plan), otherwise they are recorded as
 * skipped. Huge page size is assumed to be 2 MiB (x86_64, arm64 with 4K).
 *
 * mremap() with MREMAP_MAYMOVE but without MREMAP_FIXED may place the
 * mapping outside the window ("out"): the record then has the length and a
 * checksum of it, and the mapping is moved back into the window with
 * MREMAP_FIXED (recorded too) or, if that fails, unmapped.
 *
 * One-page PROT_NONE guard mappings of a private memfd sit just below and
 * above the window, so that nothing grows out of it in place.
 *
 * Multi-VMA moves. The patched kernel moves a range that spans several VMAs
 * with one same-size MREMAP_MAYMOVE | MREMAP_FIXED call, which 6.12 fails
 * with EFAULT after unmapping the target (patch 0012 and the README). The
 * tester models it, so that both kernels record the same: before such a
 * call over more than one VMA it reads /proc/self/smaps and predicts a move
 * when the flags are exactly MAYMOVE | FIXED, the page-aligned lengths are
 * equal and nonzero, the address and the target are page aligned and do
 * not overlap, and VMAs cover the range without a hole, none of them
 * hugetlb, userfaultfd, VM_PFNMAP, VM_IO, VM_MIXEDMAP or VM_DONTEXPAND
 * (VmFlags ht, um, uw, ui, pf, io, mm, de; a hole or one of these makes it
 * a refusal with 6.12's EFAULT) or sealed (sl: EPERM instead). A hugetlb or
 * sealed first VMA, and a hole at the address, are left to 6.12's checks.
 * When the kernel fails a predicted move with EFAULT (6.12 does), the
 * tester makes it itself: one single-VMA MREMAP_MAYMOVE | MREMAP_FIXED move
 * per piece of the range (a VMA's part of it, from the maps after the failed
 * call), in address order, to target + (piece - address), stopping at the
 * first failure; the recorded result is what the patched kernel's one call
 * returns, the target or the error of the first piece that failed, and
 * nothing else of the emulation is recorded (a refusal for a sealed VMA
 * turns 6.12's EFAULT into EPERM, and counts as a move). It counts, outside
 * the digest, "native" moves (predicted, and the kernel made it),
 * "emulated" ones (predicted, and the tester made it) and "unpredicted"
 * calls (same-size MREMAP_FIXED over several VMAs, accepted by the kernel
 * though the model predicted a refusal or 6.12's behaviour: recorded as
 * returned, so they diverge), and prints at the end
 *   difftest: seed S multi-vma native N emulated M unpredicted U
 * scripts/compare-difftest.sh wants no emulated move on the patched kernel,
 * no native one on the base kernel and no unpredicted call on either. The
 * move back from outside the window is of one VMA, so it is not modelled.
 * 8% of the mremaps are such calls over a run of 2..8 adjacent VMAs of the
 * window, starting or ending inside the first or last at times, over a hole
 * or a hugetlb VMA now and then, and a few with MREMAP_DONTUNMAP or another
 * new length (which the patched kernel must treat as 6.12 does).
 * -E acts as 6.12 for predicted moves (unmap the target, take EFAULT) to
 * test the emulation on a kernel that moves several VMAs itself: on one
 * that implements the spec, the digests equal those of a run without -E.
 * (Upstream 6.17+ unmaps the target piece by piece instead, so a moved
 * piece merges differently now and then.)
 *
 * A fork child reopens /proc/self/maps and smaps (the parent's show the
 * parent's mappings) and records its own mappings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB		0x40000
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB		4U
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT		1
#endif

typedef uint64_t u64;

#define WIN_BASE	0x200000000000UL
#define WIN_SIZE	(1UL << 30)
#define WIN_END		(WIN_BASE + WIN_SIZE)
#define HPAGE		(2UL << 20)
#define CHUNK		1000
#define CHECKPOINT	100
#define STATUS_EVERY	10
#define MAX_LIVE_VMAS	32	/* more than this in the window: reset */
#define MAX_VMAS	1024
#define FILE_SIZE	(16UL << 20)
#define HFILE_SIZE	(32UL << 20)
#define HUGETLB_MAX	(8UL << 20)
#define POPULATE_MAX	(2UL << 20)
#define WRITE_MAX	(2UL << 20)
#define CHILD_OPS	3

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

#define ALIGN_DOWN(x, a)	((x) & ~((a) - 1))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((a) - 1))

static unsigned long page;

/* ---- PRNG: xorshift64* ---- */

static u64 rng;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int pct)
{
	return below(100) < pct;
}

static void seed_rng(u64 seed)
{
	int i;

	rng = seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	if (!rng)
		rng = 1;
	for (i = 0; i < 8; i++)
		rnd();
}

/* ---- hashing and records ---- */

static u64 fnv(u64 h, u64 v)
{
	int i;

	for (i = 0; i < 8; i++) {
		h ^= v & 0xff;
		h *= FNV_PRIME;
		v >>= 8;
	}
	return h;
}

static u64 fnv_str(u64 h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

static u64 fnv_name(const char *s)
{
	return fnv_str(FNV_OFFSET, s, strlen(s));
}

static u64 step_hash;
static u64 cur_step;
static int text;		/* produce text records for this step */
static int in_child;		/* text goes to child_buf, not stdout */
static char child_buf[1 << 18];
static size_t child_len;

static void hv(u64 v)
{
	step_hash = fnv(step_hash, v);
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (in_child) {
		size_t room = sizeof(child_buf) - child_len;
		int n = vsnprintf(child_buf + child_len, room, fmt, ap);

		if (n > 0)
			child_len += (size_t)n < room ? (size_t)n : room - 1;
	} else {
		vprintf(fmt, ap);
	}
	va_end(ap);
}

/* Window-relative rendering of an address, in one of 8 rotating buffers. */
static const char *rel(unsigned long a)
{
	static char bufs[8][24];
	static int n;
	char *b = bufs[n++ & 7];
	long d = (long)(a - WIN_BASE);

	if (d < 0)
		snprintf(b, 24, "-%#lx", (unsigned long)-d);
	else
		snprintf(b, 24, "+%#lx", (unsigned long)d);
	return b;
}

#define RES_OUT		(0x0badL << 48)	/* mremap() result outside the window */

static const char *res_str(long r)
{
	static char bufs[4][24];
	static int n;
	char *b = bufs[n++ & 3];

	if (r == RES_OUT)
		snprintf(b, 24, "out");
	else if (r < 0 && r > -4096)
		snprintf(b, 24, "-%s", strerrorname_np((int)-r) ?: "E?");
	else
		snprintf(b, 24, "%s", rel(WIN_BASE + r));
	return b;
}

/* ---- optional timing of the parts of a step (-T), not recorded ---- */

enum { T_NONE, T_OP, T_MAPS, T_STATUS, T_SMAPS, T_SUM, T_NR };
static const char *const t_names[T_NR] = {
	"-", "ops", "maps", "status", "smaps", "checksums",
};
enum {
	O_MREMAP, O_MMAP, O_WRITE, O_MUNMAP, O_MPROTECT, O_MADVISE, O_MLOCK,
	O_MUNLOCK, O_FORK, O_RESET, O_NR
};
static const char *const o_names[O_NR] = {
	"mremap", "mmap", "write", "munmap", "mprotect", "madvise", "mlock",
	"munlock", "fork", "reset",
};
static int timing, cur_op;
static double t_sum[T_NR], t_op[O_NR], t_last;
static unsigned long n_op[O_NR], n_faults;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tick(int what)
{
	double t;

	if (!timing)
		return;
	t = now();
	t_sum[what] += t - t_last;
	if (what == T_OP) {
		t_op[cur_op] += t - t_last;
		n_op[cur_op]++;
	}
	t_last = t;
}

/* ---- the window's mappings, from /proc/self/maps ---- */

struct vma {
	unsigned long start, end, off;
	char perms[5];
	char name[80];
	u64 name_hash;
};

static struct vma vmas[MAX_VMAS];
static int nvmas, vmas_overflow;
static int maps_fd = -1, status_fd = -1, smaps_fd = -1;
static char pbuf[1 << 20];

/*
 * Read a whole seq_file. A read returns at least a page of it less one
 * line unless it hit the end, so a short read (< 2 KiB, longer than any line
 * here) saves the extra read that would return 0.
 */
static ssize_t read_proc(int fd)
{
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(pbuf) - 1) {
		n = pread(fd, pbuf + len, sizeof(pbuf) - 1 - len, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		if (n < 2048)
			break;
	}
	if (!len)
		return -1;
	pbuf[len] = '\0';
	return len;
}

static unsigned long hex(const char **pp)
{
	const char *p = *pp;
	unsigned long v = 0;

	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			v = v * 16 + (*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			v = v * 16 + (*p - 'a' + 10);
		else
			break;
	}
	*pp = p;
	return v;
}

static const char *skip_field(const char *p)
{
	while (*p && *p != ' ' && *p != '\n')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

static void read_maps(void)
{
	const char *p, *nl;
	struct vma *v;
	size_t n;

	nvmas = 0;
	vmas_overflow = 0;
	if (read_proc(maps_fd) < 0)
		return;
	for (p = pbuf; *p; p = nl + 1) {
		unsigned long s, e;

		nl = strchr(p, '\n');
		if (!nl)
			break;
		s = hex(&p);
		p++;
		e = hex(&p);
		if (e <= WIN_BASE || s >= WIN_END)
			continue;
		if (nvmas == MAX_VMAS) {
			vmas_overflow++;
			continue;
		}
		v = &vmas[nvmas++];
		v->start = s;
		v->end = e;
		p++;
		memcpy(v->perms, p, 4);
		v->perms[4] = '\0';
		p = skip_field(p);
		v->off = hex(&p);
		p = skip_field(p);	/* offset */
		p = skip_field(p);	/* dev */
		p = skip_field(p);	/* inode */
		n = nl - p;
		if (n >= sizeof(v->name))
			n = sizeof(v->name) - 1;
		memcpy(v->name, p, n);
		v->name[n] = '\0';
		v->name_hash = fnv_str(FNV_OFFSET, p, nl - p);
	}
}

static struct vma *find_vma(unsigned long a)
{
	int i;

	for (i = 0; i < nvmas; i++)
		if (a < vmas[i].end)
			return a >= vmas[i].start ? &vmas[i] : NULL;
	return NULL;
}

static void record_maps(void)
{
	struct vma *v;
	int i;

	hv(nvmas);
	hv(vmas_overflow);
	for (i = 0; i < nvmas; i++) {
		v = &vmas[i];
		hv(v->start - WIN_BASE);
		hv(v->end - WIN_BASE);
		hv(v->perms[0] | v->perms[1] << 8 | v->perms[2] << 16 |
		   v->perms[3] << 24);
		hv(v->off);
		hv(v->name_hash);
		if (text)
			emit(" map %s-%s %s %08lx %s\n", rel(v->start),
			     rel(v->end), v->perms, v->off, v->name);
	}
	if (text && vmas_overflow)
		emit(" map overflow %d\n", vmas_overflow);
}

static long status_base[3];
static const char *const status_keys[3] = { "VmSize:", "VmData:", "VmLck:" };

static void read_status(long *val)
{
	const char *p;
	int i;

	for (i = 0; i < 3; i++)
		val[i] = -1;
	if (read_proc(status_fd) < 0)
		return;
	for (i = 0; i < 3; i++) {
		p = strstr(pbuf, status_keys[i]);
		if (p)
			val[i] = strtol(p + strlen(status_keys[i]), NULL, 10);
	}
}

static void record_status(void)
{
	long val[3];

	read_status(val);
	val[0] -= status_base[0];
	val[1] -= status_base[1];
	hv(val[0]);
	hv(val[1]);
	hv(val[2]);
	if (text)
		emit(" vm size%+ldk data%+ldk lck %ldk\n", val[0], val[1],
		     val[2]);
}

/*
 * Does the smaps line at p start a VMA ("start-end perms ...")? Then its
 * start and end are in *s and *e.
 */
static int smaps_vma_line(const char *p, unsigned long *s, unsigned long *e)
{
	const char *q = p;

	if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
		return 0;
	*s = hex(&q);
	if (*q != '-')
		return 0;
	q++;
	*e = hex(&q);
	return 1;
}

/* VmFlags and THPeligible of the window's mappings, from smaps. */
static void record_smaps(void)
{
	const char *p, *nl;
	unsigned long s = 0, e = 0;
	int in = 0;

	if (read_proc(smaps_fd) < 0)
		return;
	for (p = pbuf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (smaps_vma_line(p, &s, &e)) {
			in = e > WIN_BASE && s < WIN_END;
			continue;
		}
		if (!in || (strncmp(p, "VmFlags:", 8) &&
			    strncmp(p, "THPeligible:", 12)))
			continue;
		hv(s - WIN_BASE);
		step_hash = fnv_str(step_hash, p, nl - p);
		if (text)
			emit(" smaps %s %.*s\n", rel(s), (int)(nl - p), p);
	}
}

/* ---- memory access with fault recovery ---- */

static sigjmp_buf fault_jb;
static volatile int fault_armed;

static void on_fault(int sig)
{
	if (fault_armed)
		siglongjmp(fault_jb, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Pick the page indices to sample in a segment of npages: all of them when
 * there are at most maxp, else the first, the last and maxp - 2 evenly
 * spaced ones with a salt-dependent phase.
 */
static unsigned long sample_page(unsigned long i, unsigned long npages,
				 unsigned long maxp, u64 salt)
{
	unsigned long stride;

	if (npages <= maxp)
		return i;
	if (i == 0)
		return 0;
	if (i == maxp - 1)
		return npages - 1;
	stride = npages / (maxp - 2);
	return (i - 1) * stride + fnv(salt, i) % stride;
}

/*
 * Checksum sampled words of [a, b), stopping at the first fault. Addresses
 * are recorded relative to the window, or to a if out (outside the window).
 */
static void sum_segment(unsigned long a, unsigned long b, unsigned long maxp,
			u64 salt, int out)
{
	unsigned long base = out ? a : WIN_BASE;
	unsigned long npages = (b - a) / page, n = npages;
	volatile unsigned long i = 0, pg = 0;
	volatile u64 sum = FNV_OFFSET;
	volatile int sig;

	if (!npages)
		return;
	if (n > maxp)
		n = maxp;
	sig = sigsetjmp(fault_jb, 0);
	if (!sig) {
		fault_armed = 1;
		for (i = 0; i < n; i++) {
			const volatile u64 *w;

			pg = sample_page(i, npages, maxp, salt);
			w = (const volatile u64 *)(a + pg * page);
			sum = fnv(sum, w[0]);
			sum = fnv(sum, w[page / 8 - 1]);
		}
	}
	fault_armed = 0;
	n_faults += !!sig;
	hv(a - base);
	hv(b - a);
	hv(i);
	hv(sum);
	hv(sig ? pg : ~0UL);
	hv(sig);
	if (!text)
		return;
	emit(" sum %s%s-%s n=%lu %016llx", out ? "out" : "",
	     rel(WIN_BASE + a - base), rel(WIN_BASE + b - base),
	     (unsigned long)i, (unsigned long long)sum);
	if (sig)
		emit(" fault sig %d at page %lu", sig, (unsigned long)pg);
	emit("\n");
}

static u64 hash_shm, hash_file, hash_huge, hash_anon_huge;

/* Where a mapping of one of our files reaches the end of the file. */
static unsigned long eof_of(const struct vma *v)
{
	unsigned long size;

	if (v->name_hash == hash_shm || v->name_hash == hash_file)
		size = FILE_SIZE;
	else if (v->name_hash == hash_huge)
		size = HFILE_SIZE;
	else
		return v->end;
	if (v->off >= size)
		return v->start;
	return v->end - v->start > size - v->off ? v->start + size - v->off
						 : v->end;
}

/*
 * Checksum the readable parts of [lo, hi) in the window. With eof, stop
 * mappings of our files at the end of the file: those pages give SIGBUS,
 * which is slow under TCG, so they are probed at checkpoints only.
 */
static void sum_range(unsigned long lo, unsigned long hi, unsigned long maxp,
		      u64 salt, int eof)
{
	unsigned long a, b;
	int i;

	lo = ALIGN_DOWN(lo, page);
	for (i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= lo || v->start >= hi || v->perms[0] != 'r')
			continue;
		a = v->start > lo ? v->start : lo;
		b = v->end < hi ? v->end : hi;
		if (eof && b > eof_of(v))
			b = eof_of(v);
		b = ALIGN_UP(b, page);
		if (b > a)
			sum_segment(a, b, maxp, fnv(salt, a), 0);
	}
}

static void sum_all(unsigned long maxp, u64 salt, int eof)
{
	sum_range(WIN_BASE, WIN_END, maxp, salt, eof);
}

static u64 pattern(unsigned long a, int k)
{
	return fnv(fnv(fnv(FNV_OFFSET, cur_step), a - WIN_BASE), k);
}

/* Write the step's pattern to sampled pages of [a, b). */
static void write_segment(unsigned long a, unsigned long b, unsigned long maxp)
{
	unsigned long npages = (b - a) / page, n = npages;
	volatile unsigned long i = 0, pg = 0;
	volatile int sig;

	if (!npages)
		return;
	if (n > maxp)
		n = maxp;
	sig = sigsetjmp(fault_jb, 0);
	if (!sig) {
		fault_armed = 1;
		for (i = 0; i < n; i++) {
			volatile u64 *w;
			unsigned long pa;

			pg = sample_page(i, npages, maxp, fnv(cur_step, a));
			pa = a + pg * page;
			w = (volatile u64 *)pa;
			w[0] = pattern(pa, 0);
			w[page / 8 - 1] = pattern(pa, 1);
		}
	}
	fault_armed = 0;
	hv(a - WIN_BASE);
	hv(i);
	hv(sig ? pg : ~0UL);
	hv(sig);
	if (!text)
		return;
	if (sig)
		emit(" wrote %s-%s n=%lu fault sig %d at %s\n", rel(a), rel(b),
		     (unsigned long)i, sig, rel(a + pg * page));
	else
		emit(" wrote %s-%s n=%lu\n", rel(a), rel(b),
		     (unsigned long)i);
}

static void write_range(unsigned long lo, unsigned long hi, unsigned long maxp)
{
	unsigned long a, b;
	int i;

	lo = ALIGN_DOWN(lo, page);
	for (i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= lo || v->start >= hi || v->perms[1] != 'w')
			continue;
		a = v->start > lo ? v->start : lo;
		b = v->end < hi ? v->end : hi;
		write_segment(a, ALIGN_UP(b, page), maxp);
	}
}

/* ---- argument generators ---- */

static unsigned long gen_len(void)
{
	unsigned int r = below(1000);

	if (r < 60)
		return 0;
	if (r < 200)
		return page;
	if (r < 400)
		return (2 * below(16) + 1) * page;
	if (r < 540)
		return HPAGE - page + below(3) * page;
	if (r < 640)
		return (1 + below(4)) * HPAGE;
	if (r < 800)
		return (1 + below(1024)) * page;
	if (r < 860)
		return 1 + below(16 * page);
	if (r < 960)
		return (1 + below(4096)) * page;
	if (r < 995)
		return (1 + below(16384)) * page;
	if (r < 998)
		return (1 + below(65536)) * page;
	return WIN_SIZE;
}

static unsigned long vma_pages(const struct vma *v)
{
	return (v->end - v->start) / page;
}

static unsigned long gen_addr(void)
{
	unsigned int r = below(100);
	struct vma *v;

	if (nvmas && r < 55) {
		v = &vmas[below(nvmas)];
		switch (below(4)) {
		case 0:
			return v->start;
		case 1:
			return v->end;
		case 2:
			return v->start + below(vma_pages(v)) * page;
		default:
			return ALIGN_UP(v->start, HPAGE);
		}
	}
	if (r < 75)
		return WIN_BASE + below(WIN_SIZE / page) * page;
	if (r < 92)
		return WIN_BASE + below(WIN_SIZE / HPAGE) * HPAGE;
	if (r < 96)
		return WIN_BASE + below(WIN_SIZE);
	return r & 1 ? WIN_BASE : WIN_END - HPAGE;
}

/* Keep [*a, *a + *len) inside the window. */
static void clamp(unsigned long *a, unsigned long *len)
{
	if (*a < WIN_BASE)
		*a = WIN_BASE;
	if (*a >= WIN_END)
		*a = WIN_END - page + (*a & (page - 1));
	if (*len > WIN_END - *a)
		*len = WIN_END - *a;
}

static void gen_range(unsigned long *ap, unsigned long *lenp)
{
	unsigned long a, len, np, k;
	struct vma *v, *w;
	int i, j;

	if (nvmas && chance(65)) {
		i = below(nvmas);
		v = &vmas[i];
		np = vma_pages(v);
		switch (below(6)) {
		case 0:
			a = v->start;
			len = v->end - v->start;
			break;
		case 1:
			k = below(np);
			a = v->start + k * page;
			len = (1 + below(np - k)) * page;
			break;
		case 2:		/* across several mappings and holes */
			j = i + 1 + below(3);
			if (j >= nvmas)
				j = nvmas - 1;
			w = &vmas[j];
			a = v->start + below(np) * page;
			len = w->start + (1 + below(vma_pages(w))) * page - a;
			break;
		case 3:
			a = v->start;
			len = gen_len();
			break;
		case 4:
			k = 1 + below(np);
			a = v->end - k * page;
			len = k * page;
			break;
		default:	/* past the end */
			a = v->start + below(np) * page;
			len = v->end - a + (chance(50) ? (1 + below(16)) * page
						       : HPAGE);
			break;
		}
	} else {
		a = gen_addr();
		len = gen_len();
	}
	if (chance(3))
		a += 1 + below(page - 1);
	if (chance(3))
		len += 1 + below(page - 1);
	clamp(&a, &len);
	*ap = a;
	*lenp = len;
}

/* ---- operations ---- */

enum {
	K_ANON, K_ANON_SHARED, K_MEMFD, K_MEMFD_PRIV, K_FILE, K_FILE_PRIV,
	K_HUGETLB, K_HUGETLB_SHARED, K_HUGETLB_MEMFD, K_THP, K_NONE, K_NR
};

static const char *const kind_names[K_NR] = {
	"mmap-anon", "mmap-anon-shared", "mmap-memfd", "mmap-memfd-private",
	"mmap-file", "mmap-file-private", "mmap-hugetlb", "mmap-hugetlb-shared",
	"mmap-hugetlb-memfd", "mmap-thp", "mmap-none",
};

/* the range an operation produced, checksummed after it */
static unsigned long op_lo, op_hi;
static int memfd = -1, filefd = -1, hugefd = -1, guardfd = -1;
static int have_hugetlb;
static u64 perturb_step = ~0ULL;

static void rec_op(const char *name, int nargs, const u64 *args, long res)
{
	static const char *const argn[] = { "a", "b", "c", "d", "e", "f" };
	int i;

	/* -P: pretend that the kernel gave another result (testing only) */
	if (cur_step == perturb_step && !in_child)
		res = res < 0 ? res - 1 : -EPERM;
	hv(fnv_str(FNV_OFFSET, name, strlen(name)));
	for (i = 0; i < nargs; i++)
		hv(args[i]);
	hv(res);
	if (!text)
		return;
	emit("%sstep %llu %s", in_child ? " child " : "",
	     (unsigned long long)cur_step, name);
	for (i = 0; i < nargs; i++)
		emit(" %s=%#llx", argn[i], (unsigned long long)args[i]);
	emit(" = %s\n", res_str(res));
}

static long sysres(long r)
{
	return r < 0 ? -errno : r;
}

static long mapres(void *p)
{
	return p == MAP_FAILED ? -errno : (long)((unsigned long)p - WIN_BASE);
}

static int gen_prot(void)
{
	unsigned int r = below(100);

	if (r < 70)
		return PROT_READ | PROT_WRITE;
	if (r < 82)
		return PROT_READ;
	if (r < 94)
		return PROT_NONE;
	return PROT_READ | PROT_WRITE | PROT_EXEC;
}

static void op_mmap(void)
{
	unsigned int r = below(100), kind;
	unsigned long a, len, off = 0;
	int prot, flags, fd = -1;
	long res;
	void *p;

	if (r < 28)
		kind = K_ANON;
	else if (r < 36)
		kind = K_ANON_SHARED;
	else if (r < 45)
		kind = K_MEMFD;
	else if (r < 49)
		kind = K_MEMFD_PRIV;
	else if (r < 57)
		kind = K_FILE;
	else if (r < 61)
		kind = K_FILE_PRIV;
	else if (r < 66)
		kind = K_HUGETLB;
	else if (r < 69)
		kind = K_HUGETLB_SHARED;
	else if (r < 73)
		kind = K_HUGETLB_MEMFD;
	else if (r < 88)
		kind = K_THP;
	else
		kind = K_NONE;

	a = gen_addr();
	len = gen_len();
	prot = gen_prot();
	flags = chance(80) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	switch (kind) {
	case K_HUGETLB:
	case K_HUGETLB_SHARED:
	case K_HUGETLB_MEMFD:
	case K_THP:
		if (chance(85)) {
			a = ALIGN_DOWN(a, HPAGE);
			len = ALIGN_UP(len, HPAGE) ?: HPAGE;
		}
		if (kind == K_THP)
			len = (1 + below(4)) * HPAGE;
		else if (len > HUGETLB_MAX)
			len = HUGETLB_MAX;
		break;
	default:
		break;
	}
	switch (kind) {
	case K_ANON:
	case K_THP:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
		break;
	case K_NONE:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
		prot = PROT_NONE;
		break;
	case K_ANON_SHARED:
		flags |= MAP_SHARED | MAP_ANONYMOUS;
		break;
	case K_MEMFD:
	case K_MEMFD_PRIV:
	case K_FILE:
	case K_FILE_PRIV:
		fd = kind <= K_MEMFD_PRIV ? memfd : filefd;
		flags |= kind == K_MEMFD || kind == K_FILE ? MAP_SHARED
							   : MAP_PRIVATE;
		off = below(FILE_SIZE / page + 16) * page;
		break;
	case K_HUGETLB:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
		break;
	case K_HUGETLB_SHARED:
		flags |= MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB;
		break;
	case K_HUGETLB_MEMFD:
		fd = hugefd;
		flags |= MAP_SHARED;
		off = below(HFILE_SIZE / HPAGE + 2) * HPAGE;
		break;
	}
	if (fd >= 0 && chance(3))
		off += page / 2;
	if (chance(5))
		flags |= MAP_NORESERVE;
	if (len <= POPULATE_MAX && chance(10))
		flags |= MAP_POPULATE;
	if (len <= POPULATE_MAX && chance(3))
		flags |= MAP_LOCKED;
	if (kind == K_THP)
		flags &= ~MAP_POPULATE;
	clamp(&a, &len);

	if (kind >= K_HUGETLB && kind <= K_HUGETLB_MEMFD && !have_hugetlb) {
		res = -ENOSYS;
	} else {
		p = mmap((void *)a, len, prot, flags, fd, off);
		res = mapres(p);
	}
	rec_op(kind_names[kind], 5, (u64 []){ a - WIN_BASE, len, prot, flags,
					      off }, res);
	if (kind == K_THP && res >= 0) {
		rec_op("madvise-hugepage", 0, NULL,
		       sysres(madvise((void *)a, len, MADV_HUGEPAGE)));
		/* populate the first huge page */
		if (prot & PROT_WRITE)
			write_segment(a, a + page, 1);
	}
	op_lo = a;
	op_hi = a + len;
}

static unsigned int gen_mremap_flags(void)
{
	unsigned int r = below(100);

	if (r < 34)
		return MREMAP_MAYMOVE;
	if (r < 50)
		return MREMAP_MAYMOVE | MREMAP_FIXED;
	if (r < 58)
		return MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
	if (r < 66)
		return MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
	if (r < 76)
		return 0;
	if (r < 80)
		return MREMAP_FIXED;
	if (r < 83)
		return MREMAP_DONTUNMAP;
	if (r < 86)
		return MREMAP_FIXED | MREMAP_DONTUNMAP;
	if (r < 93)
		return below(8) | 1U << 3;
	return below(8) | 1U << (3 + below(29));
}

static unsigned long gen_new_len(unsigned long olen, unsigned int flags)
{
	unsigned int r = below(100);
	unsigned long ol = ALIGN_UP(olen, page);

	if ((flags & MREMAP_DONTUNMAP) && chance(70))
		return olen;
	if (r < 25)
		return olen ? olen : page * (1 + below(16));
	if (r < 45)
		return ol + (chance(70) ? (1 + below(16)) * page : HPAGE);
	if (r < 60)
		return ol > page ? ol - (1 + below(ol / page - 1)) * page : ol;
	if (r < 66)
		return 0;
	if (r < 72)
		return ol + 1 + below(page - 1);
	if (r < 75)	/* too big: refused, or a move out of the window */
		return chance(50) ? WIN_SIZE / 4 + page : -page;
	return gen_len();
}

static unsigned long gen_target(unsigned long old, unsigned long olen,
				unsigned long nlen)
{
	unsigned int r = below(100);
	unsigned long k, t;

	if (r < 25) {		/* overlapping the source */
		k = ALIGN_UP(olen, page) / page + 1;
		t = old + below(2 * k + 1) * page - k * page;
	} else if (r < 45) {
		t = WIN_BASE + below(WIN_SIZE / HPAGE) * HPAGE;
	} else if (r < 55) {
		t = chance(50) ? old + ALIGN_UP(olen, page)
			       : old - ALIGN_UP(nlen, page);
	} else if (r < 60) {
		t = WIN_BASE + below(WIN_SIZE);
	} else if (r < 75 && nvmas) {
		t = vmas[below(nvmas)].start;
	} else {
		t = WIN_BASE + below(WIN_SIZE / page) * page;
	}
	if (t < WIN_BASE || t >= WIN_END)
		t = WIN_BASE + (t & (HPAGE - 1));
	return t;
}

/*
 * A mapping that mremap() put outside the window: checksum it, then move
 * it back to a 2 MiB aligned place in the window, or unmap it.
 */
static void bring_back(unsigned long p, unsigned long nlen)
{
	unsigned long len = ALIGN_UP(nlen, page), t;
	long res = -E2BIG;

	sum_segment(p, p + len, 16, fnv(cur_step, 1), 1);
	if (len <= WIN_SIZE / 4) {
		t = WIN_BASE + below((WIN_SIZE - len) / HPAGE + 1) * HPAGE;
		res = mapres(mremap((void *)p, len, len,
				    MREMAP_MAYMOVE | MREMAP_FIXED, (void *)t));
		rec_op("bring-back", 2, (u64 []){ t - WIN_BASE, len }, res);
	}
	if (res < 0)
		rec_op("munmap-out", 1, (u64 []){ len },
		       sysres(munmap((void *)p, len)));
}

/* ---- the multi-VMA move model ---- */

/*
 * Counters of the model, printed at the end outside the digest. They live
 * in a shared page so that the operations of a fork child count too.
 */
struct mv_count {
	unsigned long native, emulated, unpredicted;
};

static struct mv_count mv_local, *mv = &mv_local;
static int emulate_all;		/* -E: act as 6.12 for predicted moves */

/* VmFlags that refuse a VMA of a multi-VMA move (and the seal) */
#define VF_HUGETLB	1U
#define VF_UFFD		2U
#define VF_SPECIAL	4U
#define VF_SEALED	8U

struct span {
	unsigned long start, end;
	unsigned int vf;
};

static struct span spans[MAX_VMAS];

static unsigned int vmflags(const char *p, const char *nl)
{
	static const struct {
		char name[3];
		unsigned int bit;
	} tab[] = {
		{ "ht", VF_HUGETLB }, { "um", VF_UFFD }, { "uw", VF_UFFD },
		{ "ui", VF_UFFD }, { "pf", VF_SPECIAL }, { "io", VF_SPECIAL },
		{ "mm", VF_SPECIAL }, { "de", VF_SPECIAL }, { "sl", VF_SEALED },
	};
	unsigned int vf = 0, i;
	const char *q;

	for (p += 8; p < nl; p = q) {
		while (p < nl && *p == ' ')
			p++;
		for (q = p; q < nl && *q != ' '; q++)
			;
		if (q - p != 2)
			continue;
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (p[0] == tab[i].name[0] && p[1] == tab[i].name[1])
				vf |= tab[i].bit;
	}
	return vf;
}

/*
 * The VMAs meeting [lo, hi), in address order, with the VmFlags that
 * matter to the model, from /proc/self/smaps.
 */
static int read_spans(unsigned long lo, unsigned long hi)
{
	const char *p, *nl;
	unsigned long s, e;
	int n = 0, in = 0;

	if (read_proc(smaps_fd) < 0)
		return 0;
	for (p = pbuf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (smaps_vma_line(p, &s, &e)) {
			in = e > lo && s < hi && n < MAX_VMAS;
			if (in) {
				spans[n].start = s;
				spans[n].end = e;
				spans[n++].vf = 0;
			}
			continue;
		}
		if (in && !strncmp(p, "VmFlags:", 8))
			spans[n - 1].vf = vmflags(p, nl);
	}
	return n;
}

enum { MV_NONE, MV_MOVE, MV_REFUSE };
static const char *mv_why;	/* why not MV_MOVE, for -v notes */

/*
 * What the patched kernel does with mremap(a, olen, nlen, flags, t) where
 * 6.12 fails (patch 0012, README): MV_MOVE when it moves the VMAs of
 * [a, a + len) piece by piece, MV_REFUSE with *err when it refuses a
 * multi-VMA move (after unmapping the target, as 6.12 does before its
 * EFAULT), MV_NONE when it behaves as 6.12 (other flags or sizes, a single
 * VMA, 6.12's own checks of the first VMA). get_unmapped_area() refusing a
 * piece's destination is not modelled: it cannot happen in the window.
 */
static int predict_multi(unsigned long a, unsigned long olen,
			 unsigned long nlen, unsigned int flags,
			 unsigned long t, long *err)
{
	unsigned long len = ALIGN_UP(olen, page), pos;
	struct vma *v = find_vma(a);
	int i, n;

	mv_why = "6.12: flags, size or alignment";
	if (flags != (MREMAP_MAYMOVE | MREMAP_FIXED) || !len ||
	    len != ALIGN_UP(nlen, page) || (a & (page - 1)) ||
	    (t & (page - 1)) || (a + len > t && t + len > a))
		return MV_NONE;
	/* vmas[] is current: a in a hole, or [a, a + len) in one VMA? */
	mv_why = "6.12: hole at the start or one VMA";
	if (!v || a + len <= v->end)
		return MV_NONE;
	n = read_spans(a, a + len);
	/* 6.12's checks of the first VMA come first */
	if (!n || spans[0].start > a || spans[0].end >= a + len)
		return MV_NONE;
	mv_why = "6.12: first VMA hugetlb or sealed";
	if (spans[0].vf & (VF_HUGETLB | VF_SEALED))
		return MV_NONE;
	*err = -EFAULT;
	for (i = 0, pos = a; i < n && pos < a + len; i++) {
		mv_why = "refused: hole";
		if (spans[i].start > pos)
			return MV_REFUSE;
		mv_why = "refused: hugetlb, uffd or special VMA";
		if (spans[i].vf & (VF_HUGETLB | VF_UFFD | VF_SPECIAL))
			return MV_REFUSE;
		mv_why = "refused: sealed VMA";
		if (spans[i].vf & VF_SEALED) {
			*err = -EPERM;
			return MV_REFUSE;
		}
		pos = spans[i].end;
	}
	mv_why = "refused: hole at the end";
	return pos < a + len ? MV_REFUSE : MV_MOVE;
}

/*
 * 6.12 failed a move the patched kernel makes, after unmapping the target:
 * make it in userspace, one single-VMA move per piece, in address order,
 * stopping at the first failure. Returns what the patched kernel's call
 * returns: t on success, else the error of the first piece that failed.
 */
static long emulate_multi(unsigned long a, unsigned long len, unsigned long t)
{
	unsigned long s, e, pos = a, pa[MAX_VMAS], pe[MAX_VMAS];
	int i, n = 0;
	void *p;

	read_maps();
	for (i = 0; i < nvmas && pos < a + len; i++) {
		if (vmas[i].end <= pos)
			continue;
		if (vmas[i].start > pos)
			return -EFAULT;	/* the model was wrong: a hole */
		s = pos;
		e = vmas[i].end < a + len ? vmas[i].end : a + len;
		pa[n] = s;
		pe[n++] = e;
		pos = e;
	}
	if (pos < a + len)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		p = mremap((void *)pa[i], pe[i] - pa[i], pe[i] - pa[i],
			   MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)(t + pa[i] - a));
		if (p == MAP_FAILED)
			return -errno;
	}
	return t - WIN_BASE;
}

/*
 * Run mremap(), or what the patched kernel does with it: see the model
 * above. Counts native and emulated multi-VMA moves, and same-size
 * MREMAP_FIXED calls over several VMAs that the kernel accepted though the
 * model said it would not.
 */
static void *do_mremap(unsigned long old, unsigned long olen,
		       unsigned long nlen, unsigned int flags, unsigned long t)
{
	unsigned long len = ALIGN_UP(olen, page);
	struct vma *v = find_vma(old);
	int pred, several;
	long err = 0, res;
	void *p;

	pred = predict_multi(old, olen, nlen, flags, t, &err);
	several = (flags & MREMAP_FIXED) && len &&
		  len == ALIGN_UP(nlen, page) && !(old & (page - 1)) &&
		  (!v || old + len > v->end);
	if (pred == MV_MOVE && emulate_all) {
		/* -E: what 6.12 does */
		munmap((void *)t, len);
		p = MAP_FAILED;
		errno = EFAULT;
	} else {
		p = mremap((void *)old, olen, nlen, flags, (void *)t);
	}
	if (p != MAP_FAILED) {
		if (pred == MV_MOVE) {
			mv->native++;
		} else if (several) {
			mv->unpredicted++;
			if (!in_child && text)
				emit("# multi-vma call accepted, model: %s\n",
				     mv_why);
		}
		return p;
	}
	res = -errno;
	if (pred == MV_REFUSE && err != -EFAULT) {
		/* a refusal whose error differs from 6.12's EFAULT */
		if (res == err) {
			mv->native++;
		} else if (res == -EFAULT) {
			mv->emulated++;
			errno = -err;
		}
	} else if (pred == MV_MOVE && res == -EFAULT) {
		mv->emulated++;
		res = emulate_multi(old, len, t);
		if (!in_child && text)
			emit("# multi-vma move emulated = %s\n", res_str(res));
		if (res >= 0)
			return (void *)t;
		errno = -res;
	}
	return MAP_FAILED;
}

/* vmas[j] is followed by a hole (hole), or is hugetlb (!hole) */
static int multi_mark(int j, int hole)
{
	if (hole)
		return j + 1 < nvmas && vmas[j].end < vmas[j + 1].start;
	return vmas[j].name_hash == hash_huge ||
	       vmas[j].name_hash == hash_anon_huge;
}

/*
 * A same-size MREMAP_MAYMOVE | MREMAP_FIXED call over a run of 2..8
 * adjacent VMAs of the window: from inside the first or the last one at
 * times, sometimes over a hole or a hugetlb mapping, sometimes with other
 * flags or sizes that the patched kernel must treat as 6.12 does.
 */
static void gen_multi(unsigned long *ap, unsigned long *olenp,
		      unsigned long *nlenp, unsigned int *flagsp)
{
	unsigned long a, e, np, len;
	int i, j, k, n, r, small;

	k = 2 + below(7);
	r = below(100);
	i = -1;
	if (r < 24) {	/* over a hole (r < 12) or a hugetlb VMA, if any */
		for (j = n = 0; j < nvmas; j++)
			n += multi_mark(j, r < 12);
		n = n ? below(n) + 1 : 0;
		for (j = 0; j < nvmas && n; j++) {
			n -= multi_mark(j, r < 12);
			if (!n) {
				i = j - below(k - 1);
				if (i < 0)
					i = 0;
			}
		}
		j = i + k - 1;
	}
	if (i < 0) {	/* touching VMAs, from the first pair after n */
		n = below(nvmas);
		for (i = n; i + 1 < nvmas && vmas[i].end != vmas[i + 1].start;
		     i++)
			;
		if (i + 1 >= nvmas)
			i = n;
		for (j = i + 1; j < i + k - 1 && j + 1 < nvmas &&
		     vmas[j].end == vmas[j + 1].start; j++)
			;
	}
	if (j >= nvmas)
		j = nvmas - 1;
	if (j == i)
		i--;
	/*
	 * A short run (the middle VMAs 32 MiB at most, at most 2 MiB of the
	 * first and the last) leaves room for a target that does not overlap.
	 */
	small = chance(60);
	if (small)
		while (j > i + 1 && vmas[j].start - vmas[i].end > (32UL << 20))
			j--;
	/* from inside the first, to inside the last at times */
	a = vmas[i].start;
	np = vma_pages(&vmas[i]);
	if (chance(40) || (small && np > 512))
		a = vmas[i].end - (1 + below(np < 512 ? np : 512)) * page;
	e = vmas[j].end;
	np = vma_pages(&vmas[j]);
	if (chance(40) || (small && np > 512))
		e = vmas[j].start + (1 + below(np < 512 ? np : 512)) * page;
	/* past the end, over a hole if there is one */
	if (chance(5))
		e += (1 + below(16)) * page;
	len = e - a;
	if (chance(3))
		a += 1 + below(page - 1);
	clamp(&a, &len);
	*ap = a;
	*olenp = len;
	*nlenp = len;
	*flagsp = MREMAP_MAYMOVE | MREMAP_FIXED;
	r = below(100);
	if (r < 5) {
		*nlenp = ALIGN_UP(len, page) - below(page);
	} else if (r < 85) {
		return;
	} else if (r < 91) {
		*flagsp |= MREMAP_DONTUNMAP;
	} else if (r < 95) {
		*nlenp = ALIGN_UP(len, page) + (1 + below(4)) * page;
	} else {
		/* shrinking: to the end of the first VMA at times */
		np = ALIGN_UP(len, page) / page;
		if (chance(50) && vmas[i].end > a && vmas[i].end - a < len)
			*nlenp = vmas[i].end - a;
		else if (np > 1)
			*nlenp = (np - 1 - below(np - 1 < 16 ? np - 1 : 16)) *
				 page;
	}
}

static void op_mremap(void)
{
	unsigned long old, olen, nlen, t, lim;
	unsigned int flags;
	struct vma *v;
	long res;
	void *p;

	if (nvmas >= 2 && chance(8)) {
		gen_multi(&old, &olen, &nlen, &flags);
		t = gen_target(old, olen, nlen);
		if (ALIGN_UP(nlen, page) > WIN_END - ALIGN_DOWN(t, page))
			t = WIN_END - ALIGN_UP(nlen, page);
	} else {
		gen_range(&old, &olen);
		v = find_vma(old);
		flags = gen_mremap_flags();
		if (v && v->perms[3] == 's' && chance(15)) {
			olen = 0;
			flags |= chance(80) ? MREMAP_MAYMOVE : 0;
		}
		nlen = gen_new_len(olen, flags);
		t = gen_target(old, olen, nlen);
		/* Never let a fixed target reach out of the window. */
		lim = WIN_END - ALIGN_DOWN(t, page);
		if (((flags & MREMAP_FIXED) || nlen <= WIN_SIZE) &&
		    ALIGN_UP(nlen, page) > lim)
			nlen = chance(50) ? lim : olen < lim ? olen : lim;
	}
	p = do_mremap(old, olen, nlen, flags, t);
	res = mapres(p);
	if (p != MAP_FAILED && ((unsigned long)p < WIN_BASE ||
				(unsigned long)p >= WIN_END)) {
		rec_op("mremap", 5, (u64 []){ old - WIN_BASE, olen, nlen,
					      flags, t - WIN_BASE }, RES_OUT);
		hv(nlen);
		if (text)
			emit(" out len %#lx\n", nlen);
		bring_back((unsigned long)p, nlen);
		return;
	}
	rec_op("mremap", 5, (u64 []){ old - WIN_BASE, olen, nlen, flags,
				      t - WIN_BASE }, res);
	if (res >= 0) {
		op_lo = (unsigned long)p;
		op_hi = op_lo + nlen;
	}
}

static void op_munmap(void)
{
	unsigned long a, len;

	gen_range(&a, &len);
	rec_op("munmap", 2, (u64 []){ a - WIN_BASE, len },
	       sysres(munmap((void *)a, len)));
}

static void op_mprotect(void)
{
	unsigned long a, len;
	int prot;

	gen_range(&a, &len);
	prot = gen_prot();
	rec_op("mprotect", 3, (u64 []){ a - WIN_BASE, len, prot },
	       sysres(mprotect((void *)a, len, prot)));
}

static void op_mlock(int lock)
{
	unsigned long a, len;

	gen_range(&a, &len);
	if (!lock)
		rec_op("munlock", 2, (u64 []){ a - WIN_BASE, len },
		       sysres(munlock((void *)a, len)));
	else if (chance(40) || (len > POPULATE_MAX && chance(90)))
		rec_op("mlock-onfault", 2, (u64 []){ a - WIN_BASE, len },
		       sysres(syscall(SYS_mlock2, a, len, MLOCK_ONFAULT)));
	else
		rec_op("mlock", 2, (u64 []){ a - WIN_BASE, len },
		       sysres(mlock((void *)a, len)));
}

static void op_madvise(void)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK,
		MADV_HUGEPAGE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_POPULATE_WRITE,
	};
	unsigned long a, len;
	int adv;

	gen_range(&a, &len);
	adv = advice[below(sizeof(advice) / sizeof(advice[0]))];
	if (adv == MADV_POPULATE_WRITE && len > POPULATE_MAX)
		len = POPULATE_MAX;
	rec_op("madvise", 3, (u64 []){ a - WIN_BASE, len, adv },
	       sysres(madvise((void *)a, len, adv)));
}

static void op_write(void)
{
	unsigned long a, len;

	gen_range(&a, &len);
	if (len > WRITE_MAX)
		len = WRITE_MAX;
	rec_op("write", 2, (u64 []){ a - WIN_BASE, len }, 0);
	write_range(a, a + len, 16);
}

static void op_reset(void)
{
	rec_op("reset", 0, NULL,
	       mapres(mmap((void *)WIN_BASE, WIN_SIZE, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			   MAP_NORESERVE, -1, 0)));
}

static char fork_buf[sizeof(child_buf)];

static void child_main(u64 seed, int fd)
{
	size_t done = 0;
	ssize_t n;
	int i;

	in_child = 1;
	text = 1;
	child_len = 0;
	/* the parent's /proc/self files show the parent's mappings */
	close(maps_fd);
	close(smaps_fd);
	maps_fd = open("/proc/self/maps", O_RDONLY);
	smaps_fd = open("/proc/self/smaps", O_RDONLY);
	read_maps();
	seed_rng(seed);
	for (i = 0; i < CHILD_OPS; i++) {
		switch (below(6)) {
		case 0:
		case 1:
			op_write();
			break;
		case 2:
			op_mremap();
			break;
		case 3:
			op_munmap();
			break;
		case 4:
			op_mprotect();
			break;
		default:
			op_madvise();
			break;
		}
		read_maps();
	}
	record_maps();
	sum_all(8, 0, 0);
	while (done < child_len) {
		n = write(fd, child_buf + done, child_len - done);
		if (n <= 0)
			break;
		done += n;
	}
	_exit(0);
}

static void op_fork(void)
{
	u64 seed = rnd();
	size_t len = 0;
	int p[2], st = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p)) {
		rec_op("fork", 0, NULL, -errno);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_main(seed, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		rec_op("fork", 0, NULL, -errno);
		return;
	}
	for (;;) {
		n = read(p[0], fork_buf + len, sizeof(fork_buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 0x100 | WTERMSIG(st);
	rec_op("fork", 0, NULL, st);
	step_hash = fnv_str(step_hash, fork_buf, len);
	if (text)
		fwrite(fork_buf, 1, len, stdout);
}

static void do_step(void)
{
	unsigned int r;

	op_lo = op_hi = 0;
	tick(T_NONE);
	if (nvmas > MAX_LIVE_VMAS) {
		cur_op = O_RESET;
	} else {
		r = below(1000);
		if (r < 400)
			cur_op = O_MREMAP;
		else if (r < 560)
			cur_op = O_MMAP;
		else if (r < 680)
			cur_op = O_WRITE;
		else if (r < 750)
			cur_op = O_MUNMAP;
		else if (r < 810)
			cur_op = O_MPROTECT;
		else if (r < 880)
			cur_op = O_MADVISE;
		else if (r < 920)
			cur_op = O_MLOCK;
		else if (r < 950)
			cur_op = O_MUNLOCK;
		else if (r < 953)
			cur_op = O_FORK;
		else if (r < 955)
			cur_op = O_RESET;
		else
			cur_op = O_MREMAP;
	}
	switch (cur_op) {
	case O_MREMAP:
		op_mremap();
		break;
	case O_MMAP:
		op_mmap();
		break;
	case O_WRITE:
		op_write();
		break;
	case O_MUNMAP:
		op_munmap();
		break;
	case O_MPROTECT:
		op_mprotect();
		break;
	case O_MADVISE:
		op_madvise();
		break;
	case O_MLOCK:
		op_mlock(1);
		break;
	case O_MUNLOCK:
		op_mlock(0);
		break;
	case O_FORK:
		op_fork();
		break;
	default:
		op_reset();
		break;
	}
	tick(T_OP);
	read_maps();
	record_maps();
	tick(T_MAPS);
	if (op_hi > op_lo)
		sum_range(op_lo, op_hi, 8, 0, 1);
	tick(T_SUM);
	if (cur_step % STATUS_EVERY == STATUS_EVERY - 1)
		record_status();
	tick(T_STATUS);
	if (cur_step % CHUNK == CHUNK - 1) {
		record_smaps();
		tick(T_SMAPS);
		sum_all(256, cur_step, 0);
	} else if (cur_step % CHECKPOINT == CHECKPOINT - 1) {
		record_smaps();
		tick(T_SMAPS);
		sum_all(32, cur_step, 0);
	} else {
		sum_all(2, 0, 1);
	}
	tick(T_SUM);
}

/* ---- setup ---- */

static int make_fd(const char *name, unsigned int mflags, unsigned long size)
{
	int fd = memfd_create(name, mflags);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

static long hugepages_free(void)
{
	int fd = open("/proc/meminfo", O_RDONLY);
	const char *p;
	long v = 0;

	if (fd < 0)
		return 0;
	if (read_proc(fd) > 0) {
		p = strstr(pbuf, "HugePages_Free:");
		if (p)
			v = strtol(p + 15, NULL, 10);
	}
	close(fd);
	return v;
}

static int setup(void)
{
	const char *path = "/tmp/mremap-difftest.file";
	struct sigaction sa;
	void *p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	maps_fd = open("/proc/self/maps", O_RDONLY);
	status_fd = open("/proc/self/status", O_RDONLY);
	smaps_fd = open("/proc/self/smaps", O_RDONLY);
	if (maps_fd < 0 || status_fd < 0 || smaps_fd < 0) {
		printf("# open /proc/self: %s\n", strerror(errno));
		return -1;
	}
	memfd = make_fd("dt-shm", 0, FILE_SIZE);
	guardfd = make_fd("dt-guard", 0, page);
	filefd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (memfd < 0 || guardfd < 0 || filefd < 0 ||
	    ftruncate(filefd, FILE_SIZE)) {
		printf("# memfd/file: %s\n", strerror(errno));
		return -1;
	}
	unlink(path);
	hash_shm = fnv_name("/memfd:dt-shm (deleted)");
	hash_huge = fnv_name("/memfd:dt-huge (deleted)");
	hash_anon_huge = fnv_name("/anon_hugepage (deleted)");
	hash_file = fnv_name("/tmp/mremap-difftest.file (deleted)");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		mv = p;
	have_hugetlb = hugepages_free() > 0;
	if (have_hugetlb)
		hugefd = make_fd("dt-huge", MFD_HUGETLB, HFILE_SIZE);
	if (hugefd < 0)
		have_hugetlb = 0;

	p = mmap((void *)(WIN_BASE - page), page, PROT_NONE,
		 MAP_PRIVATE | MAP_FIXED_NOREPLACE, guardfd, 0);
	if (p == MAP_FAILED)
		goto busy;
	p = mmap((void *)WIN_END, page, PROT_NONE,
		 MAP_PRIVATE | MAP_FIXED_NOREPLACE, guardfd, 0);
	if (p == MAP_FAILED)
		goto busy;
	p = mmap((void *)WIN_BASE, WIN_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		 MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		goto busy;
	return 0;
busy:
	printf("# cannot reserve the window at %#lx: %s\n", WIN_BASE,
	       strerror(errno));
	return -1;
}

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-v FROM -t TO] "
		"[-P STEP] [-q] [-T] [-E]\n", me);
	exit(2);
}

int main(int argc, char **argv)
{
	u64 seed = 1, nops = 10000, from = ~0ULL, to = ~0ULL;
	u64 chunk_hash = FNV_OFFSET, total = FNV_OFFSET, chunk_start = 0;
	int opt, quiet = 0, pers;
	double t_start;

	pers = personality(0xffffffff);
	if (pers != -1 && !(pers & ADDR_NO_RANDOMIZE) &&
	    !getenv("MREMAP_DIFFTEST_REEXEC") &&
	    personality(pers | ADDR_NO_RANDOMIZE) != -1) {
		setenv("MREMAP_DIFFTEST_REEXEC", "1", 1);
		execv("/proc/self/exe", argv);
	}

	while ((opt = getopt(argc, argv, "s:n:v:t:P:qTE")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nops = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			from = strtoull(optarg, NULL, 0);
			break;
		case 't':
			to = strtoull(optarg, NULL, 0);
			break;
		case 'P':
			perturb_step = strtoull(optarg, NULL, 0);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'T':
			timing = 1;
			break;
		case 'E':
			emulate_all = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (from != ~0ULL) {
		if (to == ~0ULL)
			to = from + 1;
		if (to < nops)
			nops = to;
	}

	page = sysconf(_SC_PAGESIZE);
	printf("TAP version 13\n1..1\n");
	if (setup()) {
		printf("not ok 1 difftest seed %llu\n",
		       (unsigned long long)seed);
		return 1;
	}
	pers = personality(0xffffffff);
	printf("difftest: seed %llu ops %llu window %#lx+%#lx page %lu "
	       "hugetlb %s aslr %s\n", (unsigned long long)seed,
	       (unsigned long long)nops, WIN_BASE, WIN_SIZE, page,
	       have_hugetlb ? "on" : "off",
	       pers != -1 && (pers & ADDR_NO_RANDOMIZE) ? "off" : "on");
	fflush(stdout);

	seed_rng(seed);
	t_start = now();
	read_status(status_base);
	read_maps();
	for (cur_step = 0; cur_step < nops; cur_step++) {
		text = cur_step >= from && cur_step < to;
		step_hash = FNV_OFFSET;
		do_step();
		if (text)
			printf(" hash %016llx\n", (unsigned long long)step_hash);
		chunk_hash = fnv(chunk_hash, step_hash);
		if (cur_step % CHUNK == CHUNK - 1 || cur_step == nops - 1) {
			if (!quiet)
				printf("difftest: chunk %llu steps %llu-%llu "
				       "digest %016llx\n",
				       (unsigned long long)(cur_step / CHUNK),
				       (unsigned long long)chunk_start,
				       (unsigned long long)cur_step + 1,
				       (unsigned long long)chunk_hash);
			total = fnv(total, chunk_hash);
			chunk_hash = FNV_OFFSET;
			chunk_start = cur_step + 1;
		}
	}
	if (timing) {
		double all = now() - t_start;

		for (opt = T_OP; opt < T_NR; opt++)
			printf("# time %s %.2fs\n", t_names[opt], t_sum[opt]);
		for (opt = 0; opt < O_NR; opt++)
			printf("# time op %s %.2fs n=%lu\n", o_names[opt],
			       t_op[opt], n_op[opt]);
		printf("# time total %.2fs, %.0f ops/s, %lu read faults\n",
		       all, nops / all, n_faults);
	}
	printf("difftest: seed %llu multi-vma native %lu emulated %lu "
	       "unpredicted %lu\n", (unsigned long long)seed, mv->native,
	       mv->emulated, mv->unpredicted);
	printf("difftest: seed %llu ops %llu digest %016llx\n",
	       (unsigned long long)seed, (unsigned long long)nops,
	       (unsigned long long)total);
	printf("ok 1 difftest seed %llu\n", (unsigned long long)seed);
	return 0;
}
