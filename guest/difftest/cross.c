// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest cross-version mode (-X): what makes a mainline kernel
 * and the patched 6.12 comparable although they differ outside the
 * series' mremap() changes. The exclusions and their evidence are listed
 * in main.c; this file implements them:
 *
 *  - no unfaulted private anonymous VMA (one without an anon_vma) is left
 *    in the window: every new private anonymous or /dev/zero mapping, the
 *    old range of a MREMAP_DONTUNMAP move (whose VMA loses its anon_vma)
 *    and, in a fork child, every VM_WIPEONFORK VMA (the child's has no
 *    anon_vma) gets one page written with the value it holds. A VMA that
 *    is not writable is written through /proc/PID/mem by a helper process
 *    that ptrace-seizes the tester for that (FOLL_FORCE: mainline's
 *    default CONFIG_PROC_MEM_FORCE_PTRACE allows it only to a tracer), so
 *    that no mprotect() merges or splits anything;
 *  - no private file mapping is ever written: mmap() and mprotect() drop
 *    PROT_WRITE where one is concerned;
 *  - MREMAP_DONTUNMAP of a private /dev/zero mapping is not made without
 *    MREMAP_FIXED, nor when its page offset is not its address;
 *  - MADV_DOFORK of a range with a VM_SPECIAL (hugetlb) VMA is not made;
 *  - smaps VmFlags are recorded without "sd" and without the mnemonics
 *    that 6.12 does not have, in 6.12's order.
 */
#include "difftest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

int cross;

/* ---- the helper that writes through /proc/PID/mem ---- */

struct touch_req {
	pid_t pid;
	unsigned long addr;
};

static int req_fd = -1, rep_fd = -1;

/* Write the word at addr of pid with its own value, as its tracer. */
static long remote_touch(pid_t pid, unsigned long addr)
{
	char path[64];
	long r = 0;
	int fd, st;
	u64 w;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0))
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		r = -errno;
	} else {
		if (pread(fd, &w, sizeof(w), addr) != sizeof(w) ||
		    pwrite(fd, &w, sizeof(w), addr) != sizeof(w))
			r = errno ? -errno : -EIO;
		close(fd);
	}
	/* PTRACE_DETACH needs the tracee stopped */
	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return r;
}

static void helper_main(void)
{
	struct touch_req rq;
	long r;

	for (;;) {
		if (read(req_fd, &rq, sizeof(rq)) != sizeof(rq))
			_exit(0);
		r = remote_touch(rq.pid, rq.addr);
		if (write(rep_fd, &r, sizeof(r)) != sizeof(r))
			_exit(0);
	}
}

/* Start the helper (before the window exists). */
int cross_setup(void)
{
	int req[2], rep[2];
	pid_t pid;

	if (pipe(req) || pipe(rep))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(req[1]);
		close(rep[0]);
		req_fd = req[0];
		rep_fd = rep[1];
		helper_main();
	}
	close(req[0]);
	close(rep[1]);
	req_fd = req[1];
	rep_fd = rep[0];
	return 0;
}

/*
 * Fault in the page at addr of VMA v with a write of the value it holds:
 * the VMA gets its anon_vma. Nothing recorded changes.
 */
static void touch(const struct vma *v, unsigned long addr)
{
	struct touch_req rq = { getpid(), addr };
	volatile u64 *w = (volatile u64 *)addr;
	long r = -EIO;

	if (v->perms[1] == 'w') {
		*w = *w;
		return;
	}
	if (write(req_fd, &rq, sizeof(rq)) == sizeof(rq) &&
	    read(rep_fd, &r, sizeof(r)) == sizeof(r) && !r)
		return;
	if (!in_child)
		printf("# cross: cannot write %s through /proc/PID/mem: %s\n",
		       rel(addr), strerror((int)-r));
}

/* Touch the private anonymous and /dev/zero VMAs that meet [a, a + len). */
static void touch_range(unsigned long a, unsigned long len)
{
	unsigned long lo = ALIGN_DOWN(a, page), hi = a + len;
	int i, k;

	read_maps();
	for (i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= lo || v->start >= hi)
			continue;
		k = vma_kind(v);
		if (k == MK_ANON || k == MK_ZERO)
			touch(v, v->start > lo ? v->start : lo);
	}
}

void cross_new_mapping(unsigned long a, unsigned long len)
{
	touch_range(a, len);
}

void cross_after_dontunmap(unsigned long a, unsigned long len)
{
	touch_range(a, len);
}

/* In a fork child: the VM_WIPEONFORK VMAs have no anon_vma. */
void cross_child_start(void)
{
	int i;

	layout_flags();
	for (i = 0; i < nvmas; i++)
		if ((vmas[i].vf & VF_WIPEONFORK) &&
		    vma_kind(&vmas[i]) == MK_ANON)
			touch(&vmas[i], vmas[i].start);
	read_maps();
}

/* mprotect(): no PROT_WRITE where a private file mapping is concerned. */
int cross_mprotect_prot(unsigned long a, unsigned long len, int prot)
{
	int i;

	if (!(prot & PROT_WRITE))
		return prot;
	for (i = 0; i < nvmas; i++)
		if (vmas[i].end > a && vmas[i].start < a + len &&
		    vma_kind(&vmas[i]) == MK_PFILE)
			return prot & ~PROT_WRITE;
	return prot;
}

/*
 * MREMAP_DONTUNMAP of private /dev/zero: without MREMAP_FIXED mainline
 * places it with thp_get_unmapped_area(), which does not take the hint
 * when a 2 MiB longer range does not fit there; and it resets the old
 * VMA's anon_pgoff to its address, so that a page offset that is not the
 * address stops matching it.
 */
int cross_excluded(unsigned long old, unsigned int flags)
{
	struct vma *v;

	if (!(flags & MREMAP_DONTUNMAP))
		return 0;
	v = find_vma(old);
	return v && vma_kind(v) == MK_ZERO &&
	       (!(flags & MREMAP_FIXED) || v->off != v->start);
}

/*
 * MADV_DOFORK of a VM_SPECIAL VMA (here hugetlb, VM_DONTEXPAND): mainline
 * refuses it (EINVAL), 6.12 only refuses VM_IO.
 */
int cross_madvise_excluded(unsigned long a, unsigned long len, int adv)
{
	int i;

	if (adv != MADV_DOFORK)
		return 0;
	for (i = 0; i < nvmas; i++)
		if (vmas[i].end > a && vmas[i].start < a + len &&
		    (vma_flags(&vmas[i]) & (VF_DONTEXPAND | VF_PFNMAP)))
			return 1;
	return 0;
}

/*
 * The "VmFlags:" line [p, nl) in cross mode's form, into out: 6.12's
 * mnemonics in 6.12's order (show_smap_vma_flags() prints them by bit
 * number, and bits differ), without "sd". Returns its length.
 */
int cross_vmflags(const char *p, const char *nl, char *out, size_t room)
{
	static const char names[][3] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "pf",
		"lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht",
		"sf", "ar", "wf", "dd", "bt", "mm", "hg", "nh", "mg", "um",
		"uw", "mt", "ui", "ss", "dp", "sl",
	};
	unsigned int n = sizeof(names) / sizeof(names[0]), i;
	unsigned long long seen = 0;
	const char *q;
	size_t len;

	for (p += 8; p < nl; p = q) {
		while (p < nl && *p == ' ')
			p++;
		for (q = p; q < nl && *q != ' '; q++)
			;
		if (q - p != 2)
			continue;
		for (i = 0; i < n; i++)
			if (p[0] == names[i][0] && p[1] == names[i][1])
				seen |= 1ULL << i;
	}
	len = snprintf(out, room, "VmFlags:");
	for (i = 0; i < n && len + 4 < room; i++)
		if (seen & (1ULL << i))
			len += snprintf(out + len, room - len, " %s",
					names[i]);
	return len;
}
