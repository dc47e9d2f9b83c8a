// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest executor: the operations of a step, each recorded with
 * its arguments and result. mremap() goes through the mainline model
 * (model.c); cross mode (-X) adjusts a few operations (cross.c).
 */
#include "difftest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* mmap() kinds */
enum {
	K_ANON, K_ANON_SHARED, K_MEMFD, K_MEMFD_PRIV, K_FILE, K_FILE_PRIV,
	K_HUGETLB, K_HUGETLB_SHARED, K_HUGETLB_MEMFD, K_THP, K_NONE, K_ZERO,
	K_NR
};

static const char *const kind_names[K_NR] = {
	"mmap-anon", "mmap-anon-shared", "mmap-memfd", "mmap-memfd-private",
	"mmap-file", "mmap-file-private", "mmap-hugetlb", "mmap-hugetlb-shared",
	"mmap-hugetlb-memfd", "mmap-thp", "mmap-none", "mmap-zero-private",
};

/* the range an operation produced, checksummed after it */
static unsigned long op_lo, op_hi;
int memfd = -1, filefd = -1, hugefd = -1, guardfd = -1, zerofd = -1;
int have_hugetlb;
u64 perturb_step = ~0ULL;

void rec_op(const char *name, int nargs, const u64 *args, long res)
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
	else if (r < 86)
		kind = K_THP;
	else if (r < 96)
		kind = K_NONE;
	else
		kind = K_ZERO;

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
	case K_ZERO:
		/*
		 * A private /dev/zero mapping is anonymous but has a file,
		 * with a custom get_unmapped_area(): mainline does not move
		 * it together with other VMAs. Its page offset is the
		 * address, as an anonymous mapping's is (see cross.c).
		 */
		fd = zerofd;
		flags |= MAP_PRIVATE;
		off = ALIGN_DOWN(a, page);
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
	/* cross mode: no private file mapping is ever written (cross.c) */
	if (cross && (kind == K_MEMFD_PRIV || kind == K_FILE_PRIV))
		prot &= ~PROT_WRITE;

	if ((kind >= K_HUGETLB && kind <= K_HUGETLB_MEMFD && !have_hugetlb) ||
	    (kind == K_ZERO && zerofd < 0)) {
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
	if (cross && res >= 0 && (kind == K_ANON || kind == K_THP ||
				  kind == K_NONE || kind == K_ZERO))
		cross_new_mapping(a, len);
	op_lo = a;
	op_hi = a + len;
}

/*
 * A mapping that mremap() put outside the window: checksum it, then move
 * it back to a 2 MiB aligned place in the window, or unmap it. It is one
 * VMA and the move is of the same size, so mainline and 6.12 agree on it:
 * it is not modelled.
 */
static void bring_back(unsigned long p, unsigned long nlen)
{
	unsigned long len = ALIGN_UP(nlen, page), t;
	long res = -E2BIG;

	sum_segment(p, p + len, 16, fnv(cur_step, 1), 1);
	if (len <= WIN_SIZE / 4) {
		t = WIN_BASE + below((WIN_SIZE - len) / HPAGE + 1) * HPAGE;
		res = sysres(syscall(SYS_mremap, p, len, len,
				     MREMAP_MAYMOVE | MREMAP_FIXED, t));
		if (res >= 0)
			res -= WIN_BASE;
		rec_op("bring-back", 2, (u64 []){ t - WIN_BASE, len }, res);
	}
	if (res < 0)
		rec_op("munmap-out", 1, (u64 []){ len },
		       sysres(munmap((void *)p, len)));
}

static void op_mremap(void)
{
	unsigned long old, olen, nlen, t, lim, p;
	unsigned int flags;
	struct vma *v;
	long res;

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
		/*
		 * Without these flags new_addr is only checked (hugetlb):
		 * mostly 0, which glibc's mremap() passes then.
		 */
		if (!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && chance(75))
			t = 0;
	}
	res = model_mremap(old, olen, nlen, flags, t, &p);
	if (cross && (flags & MREMAP_DONTUNMAP) && res != RES_EXCLUDED)
		cross_after_dontunmap(old, ALIGN_UP(olen, page));
	if (!res && (p < WIN_BASE || p >= WIN_END)) {
		rec_op("mremap", 5, (u64 []){ old - WIN_BASE, olen, nlen,
					      flags, t - WIN_BASE }, RES_OUT);
		hv(nlen);
		if (text)
			emit(" out len %#lx\n", nlen);
		bring_back(p, nlen);
		return;
	}
	if (!res)
		res = p - WIN_BASE;
	rec_op("mremap", 5, (u64 []){ old - WIN_BASE, olen, nlen, flags,
				      t - WIN_BASE }, res);
	if (res >= 0 && res != RES_EXCLUDED) {
		op_lo = p;
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
	if (cross)
		prot = cross_mprotect_prot(a, len, prot);
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
	       cross && cross_madvise_excluded(a, len, adv) ? RES_EXCLUDED :
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
	long res = mapres(mmap((void *)WIN_BASE, WIN_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			       MAP_NORESERVE, -1, 0));

	rec_op("reset", 0, NULL, res);
	if (cross && res >= 0)
		cross_new_mapping(WIN_BASE, WIN_SIZE);
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
	if (cross)
		cross_child_start();
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

void do_step(void)
{
	op_lo = op_hi = 0;
	tick(T_NONE);
	cur_op = gen_op();
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
