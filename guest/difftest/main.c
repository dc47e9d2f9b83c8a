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
 * The records are hashed with 64-bit FNV-1a. It prints first
 *   difftest: seed S ops N window W+SIZE page P hugetlb on|off aslr off
 *             model native|emulate cross on|off       (on one line)
 * then every 1000 steps
 *   difftest: chunk K steps A-B digest HEX       (steps A..B-1)
 * and at the end
 *   difftest: seed S model native N emulated E unpredicted U
 *   difftest: seed S ops N digest HEX
 *   ok 1 difftest seed S
 * scripts/compare-difftest.sh compares two kernels' logs chunk by chunk.
 *
 * Options:
 *   -s SEED, -n OPS   the sequence and its length (default 1, 10000)
 *   -v FROM -t TO     run steps 0..TO-1 and print the full records of steps
 *                     FROM..TO-1 (and the model's "# model:" notes), so
 *                     that two kernels' records can be diffed
 *   -M                the kernel lacks mainline's mremap() (the 6.12 base):
 *                     make each call behave as mainline's (model.c)
 *   -X                cross-version mode: mainline against the patched 6.12
 *                     (see below)
 *   -P STEP           record a wrong result for the operation(s) of one
 *                     step (to show that a difference is detected)
 *   -q                no chunk lines; -T: where the time went (not recorded)
 *
 * The reference is mainline's mremap() (Linux 7.3). A patched 6.12 and
 * mainline run without -M; the 6.12 base runs with -M, and the tester then
 * makes each mremap() that 6.12 would handle differently behave as
 * mainline's (model.c: D1-D4, D6 of the semantics comparison), so that the
 * three kernels record the same. 6.12's base and the patched kernel keep
 * 6.12's VMA merge rules, placement and the rest of mm, so their runs
 * (without -X) must agree exactly. -M on mainline (or on the patched
 * kernel) tests the emulation: its digests must equal those of a run
 * without -M on the same kernel.
 *
 * Cross-version mode (-X) compares mainline with the patched 6.12, both
 * without -M (and the 6.12 base with -M -X against mainline, which checks
 * the model against the real thing). What differs between them for
 * reasons outside the series' mremap() changes is normalised (cross.c) or
 * not done (the operation is recorded as "excluded"); everything else must
 * agree exactly. Each was seen to differ between 6.12.117 and 7.3.4 under
 * QEMU with a small probe (the numbers are VMAs in the range afterwards):
 *
 *  X1 Faulted with unfaulted anonymous VMA merges (D7). Mainline's
 *     is_mergeable_anon_vma() (7.3 mm/vma.c:128-158, "Case 1") merges a
 *     VMA with an anon_vma into an adjacent one without, on mremap() moves
 *     and expansions and on mprotect()/madvise()/mlock() merges; 6.12's
 *     (mm/vma.c:35-46) needs the target's anon_vma_chain to be singular,
 *     which an empty one is not. Probe: a faulted VMA moved back next to
 *     an unfaulted one, 6.12 2, 7.3 1; a faulted read-only VMA made
 *     writable next to an unfaulted writable one, 6.12 2, 7.3 1. Only VMAs
 *     without an anon_vma take part, so none is left: every private
 *     anonymous and private /dev/zero mapping gets one page written (with
 *     the value it holds) when it is mapped (the window's PROT_NONE
 *     reservation at setup and at each reset too), so does the old range
 *     of every MREMAP_DONTUNMAP move (its VMA loses its anon_vma: 6.12
 *     mm/mremap.c:834, 7.3 :1394), and in a fork child each VM_WIPEONFORK
 *     VMA (dup_mmap() gives it none). A VMA that is not writable is
 *     written through /proc/PID/mem with FOLL_FORCE by a helper process
 *     that ptrace-seizes the tester for it: 7.3's configs have
 *     CONFIG_PROC_MEM_FORCE_PTRACE=y, under which only a tracer may force
 *     (6.12's have PROC_MEM_ALWAYS_FORCE); an mprotect() round trip would
 *     itself merge (as above) and split VMAs. Private file mappings are
 *     never written (X2), so they never get an anon_vma either.
 *  X2 anon_pgoff of private file mappings (D10). Mainline merges
 *     MAP_PRIVATE file VMAs, and reuses a neighbour's anon_vma at a first
 *     write fault, only if their anon_pgoff (the address at their first
 *     CoW fault) is contiguous too (7.3 mm/vma.c:221-274 and
 *     anon_vma_compatible() :2074-2102); 6.12 has no anon_pgoff. Probe: a
 *     faulted private memfd VMA moved, then its unfaulted continuation
 *     moved after it, 6.12 1, 7.3 2. A VMA without an anon_vma has
 *     anon_pgoff == vm_start >> PAGE_SHIFT at all times (copy_vma() 7.3
 *     mm/vma.c:1961-1972, the MREMAP_DONTUNMAP reset mm/mremap.c:1403),
 *     which adjacency implies: so no private file mapping is ever written
 *     in cross mode (mmap() and mprotect() over one drop PROT_WRITE;
 *     nothing else writes a read-only one). Mapping them from a read-only
 *     fd would not do: MAP_PRIVATE keeps VM_MAYWRITE, so mprotect() can
 *     still add PROT_WRITE and the CoW still happens. A private /dev/zero
 *     mapping is written (X1) and has a file, so it is mapped with its
 *     offset equal to its address (anon_pgoff == pgoff then holds for it
 *     and its pieces, moved or not), and MREMAP_DONTUNMAP of one whose
 *     offset is not its address is not made: mainline resets the old
 *     VMA's anon_pgoff to its address but not its pgoff (7.3
 *     mm/mremap.c:1403-1405).
 *  X3 Soft-dirty is sticky on merge in mainline (D9; 7.3 mm/vma.c:
 *     1257-1310). Probe: after clear_refs 4, a new VMA moved after a clean
 *     one merges, 6.12 without "sd", 7.3 with. smaps' "sd" is not recorded.
 *  X4 Placement (D14): mainline THP-aligns hint-less placements only for
 *     anonymous memory (7.3 mm/mmap.c:859-864), and places private
 *     /dev/zero with thp_get_unmapped_area() (7.3 drivers/char/mem.c:
 *     540-549; 6.12 mm_get_unmapped_area()). A mapping placed out of the
 *     window is recorded relative to its address, so that is not seen,
 *     except where 6.12 takes a hint that mainline does not (its request
 *     is 2 MiB longer: 7.3 mm/huge_memory.c __thp_get_unmapped_area()).
 *     Probe: MREMAP_DONTUNMAP of 4 MiB of private /dev/zero to a hint with
 *     exactly 4 MiB free, 6.12 at the hint, 7.3 elsewhere. MREMAP_DONTUNMAP
 *     of private /dev/zero without MREMAP_FIXED is not made. Our files are
 *     on tmpfs (shmem_get_unmapped_area() in both).
 *  X5 smaps VmFlags: mainline has "gu" (VM_MAYBE_GUARD) and "ur"
 *     (VM_UFFD_RWP), which 6.12 lacks, and prints the mnemonics in the
 *     order of its VM_* bits (7.3 fs/proc/task_mmu.c
 *     show_smap_vma_flags()). The tester makes neither (no guard regions,
 *     no userfaultfd), but VmFlags are recorded with 6.12's mnemonics only,
 *     in 6.12's order.
 *  X6 MADV_DOFORK of a VM_SPECIAL VMA (here hugetlb, VM_DONTEXPAND):
 *     mainline refuses it (7.3 mm/madvise.c:1395-1397), 6.12 refuses VM_IO
 *     only (mm/madvise.c:1080-1082). Probe: 6.12 0, 7.3 -EINVAL. Such an
 *     madvise() is not made.
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
 * mremap() is called as the system call: glibc's wrapper passes new_addr
 * only with MREMAP_FIXED or MREMAP_DONTUNMAP, and the kernel checks it
 * without them too (hugetlb). Without them it is mostly 0.
 *
 * mremap() with MREMAP_MAYMOVE but without MREMAP_FIXED may place the
 * mapping outside the window ("out"): the record then has the length and a
 * checksum of it, and the mapping is moved back into the window with
 * MREMAP_FIXED (recorded too) or, if that fails, unmapped.
 *
 * One-page PROT_NONE guard mappings of a private memfd sit just below and
 * above the window, so that nothing grows out of it in place.
 *
 * A fork child reopens /proc/self/maps and smaps (the parent's show the
 * parent's mappings) and records its own mappings.
 */
#include "difftest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/vfs.h>

#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

unsigned long page;

/* ---- optional timing of the parts of a step (-T), not recorded ---- */

static const char *const t_names[T_NR] = {
	"-", "ops", "maps", "status", "smaps", "checksums",
};
static const char *const o_names[O_NR] = {
	"mremap", "mmap", "write", "munmap", "mprotect", "madvise", "mlock",
	"munlock", "fork", "reset",
};
static int timing;
int cur_op;
static double t_sum[T_NR], t_op[O_NR], t_last;
static unsigned long n_op[O_NR];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void tick(int what)
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

/* The hash of the name that maps shows for a mapping of fd. */
static u64 fd_name_hash(int fd)
{
	char path[64], name[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, name, sizeof(name) - 1);
	if (n < 0)
		return 0;
	return fnv_str(FNV_OFFSET, name, n);
}

static int setup(void)
{
	const char *path = "/tmp/mremap-difftest.file";
	struct sigaction sa;
	struct statfs sf;
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
	file_on_ramfs = !fstatfs(filefd, &sf) && sf.f_type == RAMFS_MAGIC;
	zerofd = open("/dev/zero", O_RDWR);
	hash_shm = fd_name_hash(memfd);
	hash_file = fd_name_hash(filefd);
	hash_zero = zerofd >= 0 ? fd_name_hash(zerofd) : 0;
	hash_anon_huge = fnv_name("/anon_hugepage (deleted)");
	hash_shared_anon = fnv_name("/dev/zero (deleted)");
	model_setup();
	have_hugetlb = hugepages_free() > 0;
	if (have_hugetlb)
		hugefd = make_fd("dt-huge", MFD_HUGETLB, HFILE_SIZE);
	if (hugefd < 0)
		have_hugetlb = 0;
	else
		hash_huge = fd_name_hash(hugefd);
	if (cross && cross_setup()) {
		printf("# cross mode helper: %s\n", strerror(errno));
		return -1;
	}

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
	if (cross)
		cross_new_mapping(WIN_BASE, WIN_SIZE);
	return 0;
busy:
	printf("# cannot reserve the window at %#lx: %s\n", WIN_BASE,
	       strerror(errno));
	return -1;
}

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-v FROM -t TO] "
		"[-M] [-X] [-P STEP] [-q] [-T]\n", me);
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

	while ((opt = getopt(argc, argv, "s:n:v:t:P:qTMX")) != -1) {
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
		case 'M':
			emulate = 1;
			break;
		case 'X':
			cross = 1;
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
	       "hugetlb %s aslr %s model %s cross %s\n",
	       (unsigned long long)seed, (unsigned long long)nops, WIN_BASE,
	       WIN_SIZE, page, have_hugetlb ? "on" : "off",
	       pers != -1 && (pers & ADDR_NO_RANDOMIZE) ? "off" : "on",
	       emulate ? "emulate" : "native", cross ? "on" : "off");
	if (geteuid())
		printf("# not root: the model assumes that RLIMIT_MEMLOCK "
		       "does not bite\n");
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
			printf(" hash %016llx\n",
			       (unsigned long long)step_hash);
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
	model_report(seed);
	printf("difftest: seed %llu ops %llu digest %016llx\n",
	       (unsigned long long)seed, (unsigned long long)nops,
	       (unsigned long long)total);
	printf("ok 1 difftest seed %llu\n", (unsigned long long)seed);
	return 0;
}
