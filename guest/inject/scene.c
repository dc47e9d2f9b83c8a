// SPDX-License-Identifier: GPL-2.0
/*
 * The scenes mremap-inject moves: a kind of mapping, set up afresh at a
 * source range, an operation, and a free target; and the checks of what a
 * call left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB		0x40000
#endif
#ifndef MADV_MERGEABLE
#define MADV_MERGEABLE		12
#endif

#define HPAGE		(2UL << 20)
/* What one PUD table maps with 4 KiB pages: a target there needs one. */
#define PUD_REACH	(512UL << 30)
#define RAMFS_DIR	"/tmp/inject-ramfs"
#define MTHP_64K	"/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled"
#define KSM		"/sys/kernel/mm/ksm/"
/* /proc/self/pagemap: present bit, page frame number */
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN		((1ULL << 55) - 1)

unsigned long page_size;
char problem[512];

const char *const op_names[NR_OPS] = {
	[OP_MOVE] = "move", [OP_EXPAND] = "expand",
	[OP_DONTUNMAP] = "dontunmap", [OP_MULTI] = "multi",
};

#define say_problem(...) snprintf(problem, sizeof(problem), __VA_ARGS__)

int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

int read_str(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* "Key:   123 kB" in a /proc file; -1 if absent. Static buffer: no malloc. */
long file_field(const char *path, const char *key)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	char *p;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* ---- the kinds ---------------------------------------------------------- */

static int map_anon(struct scene *sc, char *at, unsigned long len)
{
	return mmap(at, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == at ? 0 : -1;
}

static int map_mlocked(struct scene *sc, char *at, unsigned long len)
{
	return map_anon(sc, at, len) || mlock(at, len) ? -1 : 0;
}

static int map_shmem(struct scene *sc, char *at, unsigned long len)
{
	return mmap(at, len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == at ? 0 : -1;
}

static int map_file(struct scene *sc, char *at, unsigned long len, int flags)
{
	int fd = open(RAMFS_DIR "/data", O_RDWR | O_CREAT, 0600);
	void *p;

	if (fd < 0 || ftruncate(fd, 0) || ftruncate(fd, 4 * len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = mmap(at, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
	close(fd);
	return p == at ? 0 : -1;
}

static int map_file_private(struct scene *sc, char *at, unsigned long len)
{
	return map_file(sc, at, len, MAP_PRIVATE);
}

static int map_file_shared(struct scene *sc, char *at, unsigned long len)
{
	return map_file(sc, at, len, MAP_SHARED);
}

static int ramfs_begin(void)
{
	mkdir(RAMFS_DIR, 0700);
	if (mount("ramfs", RAMFS_DIR, "ramfs", 0, NULL) && errno != EBUSY)
		return -1;
	return 0;
}

static void ramfs_end(void)
{
	unlink(RAMFS_DIR "/data");
	umount(RAMFS_DIR);
}

static int map_no_thp(struct scene *sc, char *at, unsigned long len)
{
	return map_anon(sc, at, len) || madvise(at, len, MADV_NOHUGEPAGE) ? -1 : 0;
}

static int map_thp(struct scene *sc, char *at, unsigned long len)
{
	return map_anon(sc, at, len) || madvise(at, len, MADV_HUGEPAGE) ? -1 : 0;
}

static char mthp_saved[64];

static int mthp_begin(void)
{
	if (read_str(MTHP_64K, mthp_saved, sizeof(mthp_saved)))
		return -1;
	return write_str(MTHP_64K, "always");
}

static void mthp_end(void)
{
	char *sel = strchr(mthp_saved, '['), *end;

	/* The file lists the modes with the current one in brackets. */
	if (sel && (end = strchr(sel, ']'))) {
		*end = '\0';
		write_str(MTHP_64K, sel + 1);
	}
}

static int map_hugetlb(struct scene *sc, char *at, unsigned long len)
{
	return mmap(at, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED,
		    -1, 0) == at ? 0 : -1;
}

static int hugetlb_begin(void)
{
	return file_field("/proc/meminfo", "Hugepagesize:") == 2048 &&
	       file_field("/proc/meminfo", "HugePages_Free:") >= 8 ? 0 : -1;
}

/* userfaultfd: missing-mode registration, with or without remap events. */
static int uffd_events;
static pthread_t uffd_reader;
static int uffd_reader_fd = -1;

/* Remap events block the mremap() that sends them until they are read. */
static void *read_events(void *arg)
{
	struct uffd_msg msg;

	for (;;) {
		int fd = __atomic_load_n(&uffd_reader_fd, __ATOMIC_ACQUIRE);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (fd < 0) {
			usleep(10000);
			continue;
		}
		if (poll(&pfd, 1, 10) == 1 && read(fd, &msg, sizeof(msg)) < 0 &&
		    errno != EAGAIN)
			usleep(10000);
	}
	return NULL;
}

static int uffd_register(struct scene *sc, char *at, unsigned long len,
			 unsigned long long features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)at, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	if (sc->uffd < 0) {
		sc->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (sc->uffd < 0 || ioctl(sc->uffd, UFFDIO_API, &api))
			return -1;
	}
	return ioctl(sc->uffd, UFFDIO_REGISTER, &reg);
}

/* Registered once the data is written: nothing resolves missing faults. */
static int uffd_ready(struct scene *sc)
{
	int i;

	for (i = 0; i < sc->nparts; i++)
		if (uffd_register(sc, sc->src + sc->part_off[i], sc->kind->len, 0)) {
			say_problem("registering with userfaultfd: %s", strerror(errno));
			return -1;
		}
	return 0;
}

static int uffd_remap_ready(struct scene *sc)
{
	int i;

	for (i = 0; i < sc->nparts; i++)
		if (uffd_register(sc, sc->src + sc->part_off[i], sc->kind->len,
				  UFFD_FEATURE_EVENT_REMAP)) {
			say_problem("registering with userfaultfd: %s", strerror(errno));
			return -1;
		}
	__atomic_store_n(&uffd_reader_fd, sc->uffd, __ATOMIC_RELEASE);
	return 0;
}

static int uffd_remap_begin(void)
{
	if (uffd_events++)
		return 0;
	return pthread_create(&uffd_reader, NULL, read_events, NULL) ? -1 : 0;
}

static void uffd_remap_end(void)
{
	__atomic_store_n(&uffd_reader_fd, -1, __ATOMIC_RELEASE);
}

/* KSM: identical pages, merged by ksmd before each call. */
static char ksm_saved[3][32];
static const char *const ksm_knobs[3] = {
	KSM "run", KSM "pages_to_scan", KSM "sleep_millisecs",
};

static int ksm_begin(void)
{
	static const char *const val[3] = { "1", "1000", "0" };
	int i;

	for (i = 0; i < 3; i++)
		if (read_str(ksm_knobs[i], ksm_saved[i], sizeof(ksm_saved[i])))
			return -1;
	for (i = 2; i >= 0; i--)
		if (write_str(ksm_knobs[i], val[i]))
			return -1;
	return 0;
}

static void ksm_end(void)
{
	int i;

	for (i = 0; i < 3; i++)
		write_str(ksm_knobs[i], ksm_saved[i]);
}

static int map_ksm(struct scene *sc, char *at, unsigned long len)
{
	return map_anon(sc, at, len) || madvise(at, len, MADV_MERGEABLE) ||
	       write_str(KSM "run", "1") ? -1 : 0;
}

/* The page frame mapped at an address (/proc/self/pagemap), 0 if none. */
static uint64_t pfn_at(int pagemap, const char *at)
{
	uint64_t ent;

	if (pread(pagemap, &ent, sizeof(ent),
		  (unsigned long)at / page_size * sizeof(ent)) != sizeof(ent) ||
	    !(ent & PM_PRESENT))
		return 0;
	return ent & PM_PFN;
}

/*
 * Whether ksmd merged every page of the scene: its pages hold the same
 * bytes, so each then shares its frame with another. (Not kpageflags'
 * KSM bit: 6.12 sets it on every anonymous page.)
 */
static bool all_merged(struct scene *sc)
{
	unsigned long per_part = sc->kind->len / page_size;
	uint64_t pfn[MAX_PARTS * 16];
	unsigned int i, j, n = 0;
	int pm, part;

	if (per_part * sc->nparts > sizeof(pfn) / sizeof(pfn[0]))
		return false;
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		return false;
	for (part = 0; part < sc->nparts; part++)
		for (i = 0; i < per_part; i++)
			pfn[n++] = pfn_at(pm, sc->src + sc->part_off[part] +
					  i * page_size);
	close(pm);
	for (i = 0; i < n; i++) {
		if (!pfn[i])
			return false;
		for (j = 0; j < n && (j == i || pfn[j] != pfn[i]); j++)
			;
		if (j == n)
			return false;
	}
	return true;
}

/*
 * Wait (up to 60 s) until ksmd merged every page of the scene, then stop
 * it (run = 0 keeps the merged pages) until the next scene's map_ksm():
 * the call then unmerges the same pages on every run, and nothing merges
 * behind the checks. Not /proc/self/ksm_merging_pages: it still counts
 * the last scene's pages until ksmd's next pass over this mm.
 */
static int ksm_ready(struct scene *sc)
{
	int i;

	for (i = 0; i < 6000; i++) {
		if (all_merged(sc))
			return write_str(KSM "run", "0");
		usleep(10000);
	}
	say_problem("ksmd did not merge the %d part(s) in 60 s", sc->nparts);
	return -1;
}

#define M (1U << OP_MOVE)
#define E (1U << OP_EXPAND)
#define D (1U << OP_DONTUNMAP)
#define X (1U << OP_MULTI)

/*
 * Multi-VMA moves take a part of each kind that may move with others
 * (mm/mremap.c vma_multi_allowed()): not a userfaultfd-armed VMA, and of
 * files only shmem, hugetlbfs and THP-aligned ones, not ramfs. DONTUNMAP
 * refuses hugetlb, and so does an expanding move.
 */
const struct kind kinds[] = {
	{ "anon", 8 << 12, 4096, M | E | D | X, .map = map_anon },
	/*
	 * Two PMDs' worth of PTEs, a page off the source's PMD alignment: the
	 * move goes PTE by PTE and allocates a PTE table for each PMD of the
	 * target, so a failure of the second leaves the first half moved and
	 * the move is undone (undo_move()).
	 */
	{ "anon-2pmd", 2 * HPAGE, HPAGE, M | E | D, .skew = 4096,
	  .map = map_no_thp },
	{ "mlocked", 8 << 12, 4096, M | E | D | X, .map = map_mlocked },
	{ "shmem", 8 << 12, 4096, M | E | D | X, .map = map_shmem },
	{ "file-private", 8 << 12, 4096, M | E | D, .begin = ramfs_begin,
	  .end = ramfs_end, .map = map_file_private },
	{ "file-shared", 8 << 12, 4096, M | E | D, .begin = ramfs_begin,
	  .end = ramfs_end, .map = map_file_shared },
	{ "thp", HPAGE, HPAGE, M | E | D | X, .map = map_thp },
	{ "mthp", 32 << 12, 16 << 12, M | E | D | X, .begin = mthp_begin,
	  .end = mthp_end, .map = map_anon },
	{ "hugetlb", HPAGE, HPAGE, M | X, .begin = hugetlb_begin,
	  .map = map_hugetlb },
	/* Unfaulted: the move must keep the source's reservations. */
	{ "hugetlb-reserved", HPAGE, HPAGE, M | X, .no_data = true,
	  .begin = hugetlb_begin, .map = map_hugetlb },
	{ "uffd", 8 << 12, 4096, M | E | D, .map = map_anon,
	  .ready = uffd_ready },
	{ "uffd-remap", 8 << 12, 4096, M | E | D, .begin = uffd_remap_begin,
	  .end = uffd_remap_end, .map = map_anon, .ready = uffd_remap_ready },
	{ "ksm", 4 << 12, 4096, M | E | D | X, .same_data = true,
	  .begin = ksm_begin, .end = ksm_end, .map = map_ksm,
	  .ready = ksm_ready },
};
const unsigned int nr_kinds = sizeof(kinds) / sizeof(kinds[0]);

/* ---- setting up and calling --------------------------------------------- */

/* A PROT_NONE reservation of size bytes at an address aligned to align. */
static char *reserve(unsigned long size, unsigned long align, char **res)
{
	char *p = mmap(NULL, size + align, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*res = p;
	return (char *)(((unsigned long)p + align - 1) & ~(align - 1));
}

static char page_byte(const struct scene *sc, unsigned int part,
		      unsigned long off)
{
	if (sc->kind->same_data)
		return sc->seed;
	return sc->seed + part * 64 + off / page_size;
}

static void fill(const struct scene *sc, unsigned int part, char *at)
{
	unsigned long off;

	if (sc->kind->no_data)
		return;
	for (off = 0; off < sc->kind->len; off += page_size)
		at[off] = page_byte(sc, part, off);
}

static bool filled(const struct scene *sc, unsigned int part, const char *at)
{
	unsigned long off;

	if (sc->kind->no_data)
		return true;
	for (off = 0; off < sc->kind->len; off += page_size)
		if (at[off] != page_byte(sc, part, off)) {
			say_problem("part %u page %lu at %p holds %d, not %d",
				    part, off / page_size, at + off, at[off],
				    page_byte(sc, part, off));
			return false;
		}
	return true;
}

/* mincore() fails with ENOMEM on any page of the range that is unmapped. */
static bool all_mapped(const char *at, unsigned long len)
{
	unsigned char vec[1024];
	unsigned long off, n;

	for (off = 0; off < len; off += n * page_size) {
		n = (len - off) / page_size;
		if (n > sizeof(vec))
			n = sizeof(vec);
		if (mincore((char *)at + off, n * page_size, vec))
			return false;
	}
	return true;
}

static bool none_mapped(const char *at, unsigned long len)
{
	unsigned char vec;
	unsigned long off;

	for (off = 0; off < len; off += page_size)
		if (!mincore((char *)at + off, page_size, &vec) || errno != ENOMEM)
			return false;
	return true;
}

/*
 * The target is the start of a free PUD_REACH-aligned area of that size, so
 * that a move there allocates a page table at every level, and nothing of
 * the source lies there: both are reserved until the source is mapped.
 */
int scene_setup(struct scene *sc, const struct kind *k, enum op op, char seed)
{
	unsigned long len = k->len, gap = k->align;
	char *dres = NULL, *sres = NULL;
	unsigned int i;

	memset(sc, 0, sizeof(*sc));
	sc->kind = k;
	sc->op = op;
	sc->seed = seed;
	sc->uffd = -1;
	sc->nparts = op == OP_MULTI ? MAX_PARTS : 1;
	sc->span = sc->nparts * len + (sc->nparts - 1) * gap;
	sc->new_len = op == OP_EXPAND ? 2 * len : sc->span;
	sc->dst = reserve(PUD_REACH, PUD_REACH, &dres);
	sc->src = reserve(sc->span + k->skew, k->align, &sres);
	if (!sc->src || !sc->dst) {
		say_problem("no room for the source or the target");
		if (sc->dst)
			munmap(dres, 2 * PUD_REACH);
		sc->src = sc->dst = NULL;
		return -1;
	}
	munmap(sres, sc->src - sres + k->skew);
	sc->src += k->skew;
	munmap(sc->src + sc->span, sres + k->align - sc->src + k->skew);
	munmap(dres, 2 * PUD_REACH);
	for (i = 0; i < (unsigned int)sc->nparts; i++) {
		sc->part_off[i] = i * (len + gap);
		if (i)
			munmap(sc->src + sc->part_off[i] - gap, gap);
		if (k->map(sc, sc->src + sc->part_off[i], len)) {
			say_problem("mapping part %u of %s: %s", i, k->name,
				    strerror(errno));
			return -1;
		}
		fill(sc, i, sc->src + sc->part_off[i]);
	}
	if (k->ready && k->ready(sc))
		return -1;
	return 0;
}

void *scene_call(struct scene *sc)
{
	unsigned long len = sc->op == OP_MULTI ? sc->span : sc->kind->len;
	int flags = MREMAP_MAYMOVE | MREMAP_FIXED;

	if (sc->op == OP_DONTUNMAP)
		flags |= MREMAP_DONTUNMAP;
	return mremap(sc->src, len, sc->new_len, flags, sc->dst);
}

void scene_teardown(struct scene *sc)
{
	if (sc->src)
		munmap(sc->src, sc->span);
	if (sc->dst)
		munmap(sc->dst, sc->new_len);
	if (sc->uffd >= 0) {
		if (__atomic_load_n(&uffd_reader_fd, __ATOMIC_ACQUIRE) == sc->uffd)
			__atomic_store_n(&uffd_reader_fd, -1, __ATOMIC_RELEASE);
		close(sc->uffd);
	}
	sc->src = sc->dst = NULL;
	sc->uffd = -1;
}

/* ---- the checks ----------------------------------------------------------- */

/* /proc/self/maps without the stack, which may grow meanwhile. */
static int read_maps(char *buf, size_t size)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;
	char *line, *nl;

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	line = strstr(buf, "[stack]");
	if (line) {
		nl = strchr(line, '\n');
		while (line > buf && line[-1] != '\n')
			line--;
		memmove(line, nl ? nl + 1 : line + strlen(line),
			strlen(nl ? nl + 1 : line + strlen(line)) + 1);
	}
	return 0;
}

/*
 * Committed_AS is only exact after writing OVERCOMMIT_NEVER (2) to
 * vm.overcommit_memory, which folds the per-CPU deltas into the total.
 */
int snap_take(struct snap *s)
{
	if (read_maps(s->maps, sizeof(s->maps)) ||
	    write_str("/proc/sys/vm/overcommit_memory", "2"))
		return -1;
	s->vm_size = file_field("/proc/self/status", "VmSize:");
	s->vm_lck = file_field("/proc/self/status", "VmLck:");
	s->vm_data = file_field("/proc/self/status", "VmData:");
	s->committed = file_field("/proc/meminfo", "Committed_AS:");
	s->hp_rsvd = file_field("/proc/meminfo", "HugePages_Rsvd:");
	s->hp_free = file_field("/proc/meminfo", "HugePages_Free:");
	return 0;
}

/*
 * The counters. *only_global is set when Committed_AS alone differs: another
 * process can move it (nothing else in the guest uses hugetlb pages).
 */
static bool same_counters(const struct snap *a, const struct snap *b,
			  bool *only_global)
{
	*only_global = false;
	if (a->vm_size != b->vm_size || a->vm_lck != b->vm_lck ||
	    a->vm_data != b->vm_data) {
		say_problem("VmSize/VmLck/VmData %ld/%ld/%ld kB, were %ld/%ld/%ld kB",
			    b->vm_size, b->vm_lck, b->vm_data,
			    a->vm_size, a->vm_lck, a->vm_data);
		return false;
	}
	if (a->committed != b->committed) {
		say_problem("Committed_AS %ld kB, was %ld kB", b->committed,
			    a->committed);
		*only_global = true;
		return false;
	}
	if (a->hp_rsvd != b->hp_rsvd || a->hp_free != b->hp_free) {
		say_problem("HugePages_Rsvd/Free %ld/%ld, were %ld/%ld",
			    b->hp_rsvd, b->hp_free, a->hp_rsvd, a->hp_free);
		return false;
	}
	return true;
}

static unsigned long part_len(const struct scene *sc)
{
	return sc->op == OP_EXPAND ? sc->new_len : sc->kind->len;
}

/* A failed single-VMA call: everything as it was. */
bool check_unchanged(struct scene *sc, const struct snap *before,
		     const struct snap *after, bool *only_counters)
{
	*only_counters = false;
	if (strcmp(before->maps, after->maps)) {
		say_problem("/proc/self/maps changed");
		return false;
	}
	if (!filled(sc, 0, sc->src))
		return false;
	if (!none_mapped(sc->dst, sc->new_len)) {
		say_problem("something is mapped at the target %p", sc->dst);
		return false;
	}
	return same_counters(before, after, only_counters);
}

/*
 * A failed multi-VMA call: the parts before the one that failed moved,
 * that one and those after it did not (Documentation/mm/mremap.rst,
 * "Moving several VMAs"). A move of equal lengths changes no counter.
 */
bool check_partial(struct scene *sc, const struct snap *before,
		   const struct snap *after, bool *only_counters)
{
	unsigned long len = sc->kind->len;
	bool moved, stayed = false;
	int i;

	*only_counters = false;
	for (i = 0; i < sc->nparts; i++) {
		char *s = sc->src + sc->part_off[i], *d = sc->dst + sc->part_off[i];

		moved = all_mapped(d, len) && none_mapped(s, len);
		if (moved && stayed) {
			say_problem("part %d moved after a part that did not", i);
			return false;
		}
		if (!moved && !(all_mapped(s, len) && none_mapped(d, len))) {
			say_problem("part %d is neither moved nor in place", i);
			return false;
		}
		stayed |= !moved;
		if (!filled(sc, i, moved ? d : s))
			return false;
	}
	if (!stayed) {
		say_problem("the call failed but moved every part");
		return false;
	}
	return same_counters(before, after, only_counters);
}

/* A call that went through: the whole of it. */
bool check_moved(struct scene *sc, void *ret)
{
	int i;

	if (ret != sc->dst) {
		say_problem("returned %p (%s), not the target %p", ret,
			    ret == MAP_FAILED ? strerror(errno) : "", sc->dst);
		return false;
	}
	for (i = 0; i < sc->nparts; i++) {
		char *s = sc->src + sc->part_off[i], *d = sc->dst + sc->part_off[i];

		if (!all_mapped(d, part_len(sc))) {
			say_problem("part %d is not all mapped at the target", i);
			return false;
		}
		if (!filled(sc, i, d))
			return false;
		/* DONTUNMAP keeps the source mapped (not read: uffd-armed). */
		if (sc->op == OP_DONTUNMAP ? !all_mapped(s, sc->kind->len) :
		    !none_mapped(s, sc->kind->len)) {
			say_problem("part %d's source is %smapped", i,
				    sc->op == OP_DONTUNMAP ? "not " : "still ");
			return false;
		}
	}
	return true;
}

/* Whether this kernel moves a range of several VMAs in one call (6.17+). */
bool probe_multi(void)
{
	struct scene sc;
	void *ret;
	bool ok;

	if (scene_setup(&sc, &kinds[0], OP_MULTI, 1))
		return false;
	ret = scene_call(&sc);
	ok = ret == sc.dst;
	scene_teardown(&sc);
	return ok;
}
