// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest: mainline's mremap() (Linux 7.3), modelled in userspace.
 *
 * Before every mremap() the model predicts, from the arguments and the
 * window's layout (maps, and the smaps VmFlags ht, um/uw/ui/ur, de, pf,
 * sl), what mainline's mremap() (7.3's mm/mremap.c: check_mremap_params(),
 * check_prep_vma(), remap_move(), vma_multi_allowed()) does with it, and
 * what 6.12's does up to its first change of the address space
 * (do_mremap(), mremap_to(), vma_to_resize()). The calls fall into:
 *
 *  - "same": both fail with the same error before changing anything, or
 *    mainline gets past all its checks and 6.12 does what it does (a
 *    single-VMA call: the checks are the same, only their order differs,
 *    and what follows them, target unmap, tail unmap, move, expansion, is
 *    the same code in both). The call is made as it is.
 *  - "param" (D1, D2): mainline rejects a parameter (EINVAL) before it looks
 *    at any VMA: no VMA at the address (6.12 EFAULT), a sealed one (EPERM),
 *    hugetlb, new_len > TASK_SIZE without MREMAP_FIXED (6.12: ENOMEM...).
 *  - "vma" (D4): mainline's VMA checks fail before it unmaps the
 *    MREMAP_FIXED target, where 6.12 unmaps the target (and, shrinking,
 *    the tail) first: the range crosses the end of the VMA (EFAULT),
 *    old_len 0 on a private mapping (EINVAL), MREMAP_DONTUNMAP of a
 *    VM_DONTEXPAND (hugetlb) or VM_PFNMAP VMA (EINVAL). RLIMIT_MEMLOCK,
 *    RLIMIT_AS and RLIMIT_DATA are assumed not to bite (the guest runs as
 *    root, with no limits).
 *  - "multi" (D6): a same-size MREMAP_FIXED move (with or without
 *    MREMAP_DONTUNMAP) of a range that is not inside one VMA: mainline's
 *    remap_move() moves it VMA by VMA, each piece to new_addr + (piece -
 *    addr) (holes are kept, and only the pieces' targets are unmapped),
 *    after the checks of that piece, and stops at the first failure
 *    without undoing anything: a hole at the address, a VMA that
 *    vma_multi_allowed() refuses (userfaultfd armed; a file with its own
 *    get_unmapped_area() that is not shmem, hugetlb or
 *    thp_get_unmapped_area(): here private /dev/zero, and our file if
 *    it were on ramfs) as any but the first or as the first when the
 *    range goes on, a sealed VMA, a hugetlb piece or target not 2 MiB
 *    aligned, MREMAP_DONTUNMAP of VM_DONTEXPAND / VM_PFNMAP, or the
 *    target unmap failing (a hugetlb VMA cut off its 2 MiB boundaries;
 *    the munmap() may have split a VMA before it failed). 6.12 unmaps
 *    the whole target and fails with EFAULT. A refusal before anything is
 *    done that 6.12 makes alike (a hole at the address: EFAULT) is "same".
 *  - "align" (D3): MREMAP_DONTUNMAP with lengths that differ but not
 *    after page alignment: 6.12 refuses (EINVAL), mainline moves.
 *
 * D5 (map count) cannot matter in the window; D11 (uffd events) and D12
 * (Committed_AS on error paths) are not observable here.
 *
 * With -M ("the kernel lacks mainline's mremap()": the 6.12 base kernel)
 * the tester makes the call behave as mainline's: where mainline fails
 * before it changes anything ("param", "vma", a "multi" refusal) it
 * returns mainline's error without calling the kernel; a "multi" move it
 * makes itself, one single-VMA 6.12 call per piece, in mainline's order,
 * with mainline's targets and per-piece checks made first, stopping where
 * mainline stops and returning what mainline returns (the first piece's
 * address, or the error); "align" it calls with the page-aligned lengths.
 * Without -M (the patched and the mainline kernel) every call is made as
 * it is.
 *
 * Counted outside the digest, in a shared page so that fork children
 * count too, and printed at the end as
 *   difftest: seed S model native N emulated E unpredicted U
 * native: calls of the classes above made as they are, whose result was
 * mainline's (the kernel has mainline's semantics); emulated: the same
 * calls, made by the tester (-M); unpredicted: results that contradict
 * the model (a "same" call whose error was not the predicted one, a
 * native call whose result was not mainline's, an emulation whose result
 * differs from the prediction). -v shows each as a "# model:" line.
 * scripts/compare-difftest.sh checks them.
 *
 * -M on a kernel that has mainline's mremap() (7.3, or the patched 6.12)
 * tests the emulation itself: the digests must equal those of a run
 * without -M on that kernel.
 */
#include "difftest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/*
 * TASK_SIZE is 2^47 - 4096 or more (x86_64 with 4 or 5 levels, arm64 with
 * 48 or 52 bits): the generator makes no length between 1 GiB and 2^63,
 * so comparing with the smallest is exact here.
 */
#define TASK_SIZE_MIN	((1UL << 47) - 4096)

enum { C_SAME, C_PARAM, C_VMA, C_MULTI, C_ALIGN, C_EXCLUDED, C_NR };
static const char *const c_names[C_NR] = {
	"same", "param", "vma", "multi", "align", "excluded",
};

struct model_count {
	unsigned long native, emulated, unpredicted;
	unsigned long cls[C_NR];
};

static struct model_count count_local, *cnt = &count_local;
int emulate;

/* What mainline does with a call. */
enum { V_PROCEED, V_ERR, V_MULTI };

struct pred {
	int v;		/* V_* */
	int cls;	/* C_* if 6.12 differs */
	long err;	/* V_ERR: the error; V_MULTI: 0 or the error */
	const char *why;
};

/*
 * A "# model:" note, printed with -v; an unpredicted call's is printed in
 * any case, with its step (a fork child's too, to stderr: its stdout is
 * recorded).
 */
static void note(int always, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(int always, const char *fmt, ...)
{
	FILE *f = in_child ? stderr : stdout;
	va_list ap;

	if (!always && (!text || in_child))
		return;
	va_start(ap, fmt);
	fprintf(f, "# model: ");
	if (always)
		fprintf(f, "step %llu%s: ", (unsigned long long)cur_step,
			in_child ? " (fork child)" : "");
	vfprintf(f, fmt, ap);
	fprintf(f, "\n");
	va_end(ap);
	if (always)
		fflush(f);
}

void model_setup(void)
{
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		cnt = p;
}

void model_report(u64 seed)
{
	int i;

	printf("# model: calls");
	for (i = 0; i < C_NR; i++)
		printf(" %s %lu", c_names[i], cnt->cls[i]);
	printf("\n");
	printf("difftest: seed %llu model native %lu emulated %lu "
	       "unpredicted %lu\n", (unsigned long long)seed, cnt->native,
	       cnt->emulated, cnt->unpredicted);
}

/* ---- mainline's checks ---- */

/* check_mremap_params(): 0 or -EINVAL, before the lock and any VMA */
static long ml_params(unsigned long a, unsigned long ol, unsigned long nl,
		      unsigned int flags, unsigned long t, const char **why)
{
	*why = "unknown flag";
	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	*why = "address not page aligned";
	if (a & (page - 1))
		return -EINVAL;
	*why = "new_len 0";
	if (!nl)
		return -EINVAL;
	*why = "new_len > TASK_SIZE";
	if (nl > TASK_SIZE_MIN)
		return -EINVAL;
	if (!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return 0;
	*why = "new_addr > TASK_SIZE - new_len";
	if (t > TASK_SIZE_MIN - nl)
		return -EINVAL;
	*why = "new_addr not page aligned";
	if (t & (page - 1))
		return -EINVAL;
	*why = "no MREMAP_MAYMOVE";
	if (!(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	*why = "MREMAP_DONTUNMAP resizes";
	if ((flags & MREMAP_DONTUNMAP) && ol != nl)
		return -EINVAL;
	*why = "target overlaps";
	if (a + ol > t && t + nl > a)
		return -EINVAL;
	return 0;
}

/*
 * check_prep_vma() of mainline (and, from "old_len 0" on, 6.12's
 * vma_to_resize()): 0 or the error. Hugetlb rounds the lengths.
 */
static long ml_vma(struct vma *v, unsigned long a, unsigned long *olp,
		   unsigned long *nlp, unsigned int flags, unsigned long t,
		   const char **why)
{
	unsigned long ol = *olp, nl = *nlp;

	*why = "no VMA at the address";
	if (!v)
		return -EFAULT;
	*why = "sealed";
	if (vma_flags(v) & VF_SEALED)
		return -EPERM;
	if (vma_flags(v) & VF_HUGETLB) {
		ol = *olp = ALIGN_UP(ol, HPAGE);
		nl = *nlp = ALIGN_UP(nl, HPAGE);
		*why = "hugetlb address or new_addr not aligned";
		if ((a | t) & (HPAGE - 1))
			return -EINVAL;
		*why = "hugetlb grows";
		if (nl > ol)
			return -EINVAL;
	}
	if (nl <= ol && !(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return 0;
	*why = "old_len 0 on a private mapping";
	if (!ol && v->perms[3] != 's')
		return -EINVAL;
	*why = "MREMAP_DONTUNMAP of VM_DONTEXPAND or VM_PFNMAP";
	if ((flags & MREMAP_DONTUNMAP) &&
	    (vma_flags(v) & (VF_DONTEXPAND | VF_PFNMAP)))
		return -EINVAL;
	/* a shrink is checked with the new length only, and is done then */
	*why = "range crosses the end of the VMA";
	if ((nl < ol ? nl : ol) > v->end - a)
		return -EFAULT;
	if (nl <= ol)
		return 0;
	*why = "expanding VM_DONTEXPAND or VM_PFNMAP";
	if (vma_flags(v) & (VF_DONTEXPAND | VF_PFNMAP))
		return -EFAULT;
	return 0;
}

/* vma_multi_allowed() */
static int multi_allowed(struct vma *v)
{
	if (vma_flags(v) & VF_UFFD)
		return 0;
	if (v->name_hash == hash_file && file_on_ramfs)
		return 0;	/* ramfs: its own get_unmapped_area() */
	switch (vma_kind(v)) {
	case MK_ANON:
	case MK_SHMEM:
	case MK_PFILE:		/* shmem, or thp_get_unmapped_area() */
	case MK_HUGETLB:
		return 1;
	default:
		return 0;
	}
}

/*
 * The checks of one piece of remap_move() before its target is unmapped
 * (check_prep_vma() of a same-size move inside the VMA). A hugetlb piece
 * is rounded up to 2 MiB.
 */
static long piece_checks(struct vma *v, unsigned long pa,
			 unsigned long *plen, unsigned int flags,
			 unsigned long pt, const char **why)
{
	unsigned long nl = *plen;

	return ml_vma(v, pa, plen, &nl, flags, pt, why);
}

/* Would munmap(lo, hi - lo) fail? Only by cutting hugetlb off 2 MiB. */
static long unmap_err(unsigned long lo, unsigned long hi, const char **why)
{
	int i;

	*why = "target unmap cuts a hugetlb VMA";
	for (i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= lo || v->start >= hi ||
		    !(vma_flags(v) & VF_HUGETLB))
			continue;
		if ((lo > v->start && (lo & (HPAGE - 1))) ||
		    (hi < v->end && (hi & (HPAGE - 1))))
			return -EINVAL;
	}
	return 0;
}

/*
 * remap_move() over the current layout: the pieces do not meet each
 * other's targets, so the layout before the call tells each piece's fate.
 * V_ERR when nothing would be done, else V_MULTI with the result.
 */
static void ml_remap_move(unsigned long a, unsigned long len,
			  unsigned int flags, unsigned long t,
			  struct pred *pr)
{
	unsigned long end = a + len, target = t, last_end = 0, pa, plen, pt;
	int i, seen = 0, unmapping = 0;
	long err = 0;

	pr->cls = C_MULTI;
	for (i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= a)
			continue;
		if (v->start >= end)
			break;
		pr->why = "hole at the address";
		if (!seen && a < v->start) {
			err = -EFAULT;
			break;
		}
		pa = v->start > a ? v->start : a;
		plen = (v->end < end ? v->end : end) - pa;
		pt = seen ? target + (v->start - last_end) : t;
		last_end = v->end;
		pr->why = "VMA not moved with others";
		if (!multi_allowed(v) && (seen || v->end < end)) {
			err = -EFAULT;
			break;
		}
		err = piece_checks(v, pa, &plen, flags, pt, &pr->why);
		if (err)
			break;
		/* a failed munmap() may have split a VMA on its way */
		err = unmap_err(pt, pt + plen, &pr->why);
		if (err) {
			unmapping = 1;
			break;
		}
		seen = 1;
		target = pt + plen;
	}
	if (!seen && !unmapping) {
		if (!err) {
			pr->why = "no VMA in the range";
			err = -EFAULT;
		}
		pr->v = V_ERR;
		pr->err = err;
		return;
	}
	if (!err)
		pr->why = "moved";
	pr->v = V_MULTI;
	pr->err = err;
}

/* What mainline does with mremap(a, olen, nlen, flags, t). */
static void ml_predict(unsigned long a, unsigned long olen,
		       unsigned long nlen, unsigned int flags, unsigned long t,
		       struct pred *pr)
{
	unsigned long ol = ALIGN_UP(olen, page), nl = ALIGN_UP(nlen, page);
	struct vma *v;

	pr->v = V_ERR;
	pr->cls = C_PARAM;
	pr->err = ml_params(a, ol, nl, flags, t, &pr->why);
	if (pr->err)
		return;
	v = find_vma(a);
	/* vrm_move_only(): remap_move(), unless one VMA holds the range */
	if ((flags & MREMAP_FIXED) && ol == nl && (!v || a + ol > v->end)) {
		ml_remap_move(a, ol, flags, t, pr);
		return;
	}
	pr->cls = C_VMA;
	pr->err = ml_vma(v, a, &ol, &nl, flags, t, &pr->why);
	if (pr->err)
		return;
	pr->v = V_PROCEED;
	pr->cls = C_SAME;
	pr->why = "proceeds";
}

/* ---- 6.12 ---- */

/*
 * What 6.12 does before it changes anything: -errno if it fails then, 0 if
 * it returns without a change (same size), 1 if it changes something or
 * the model does not follow it further.
 */
static long v612(unsigned long a, unsigned long olen, unsigned long nlen,
		 unsigned int flags, unsigned long t)
{
	unsigned long ol, nl;
	const char *why;
	struct vma *v;
	long err;

	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || olen != nlen))
		return -EINVAL;
	if (a & (page - 1))
		return -EINVAL;
	ol = ALIGN_UP(olen, page);
	nl = ALIGN_UP(nlen, page);
	if (!nl)
		return -EINVAL;
	v = find_vma(a);
	if (!v)
		return -EFAULT;
	if (vma_flags(v) & VF_SEALED)
		return -EPERM;
	if (vma_flags(v) & VF_HUGETLB) {
		ol = ALIGN_UP(ol, HPAGE);
		nl = ALIGN_UP(nl, HPAGE);
		if (((a | t) & (HPAGE - 1)) || nl > ol)
			return -EINVAL;
	}
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		/* mremap_to() */
		if (t & (page - 1) || nl > TASK_SIZE_MIN ||
		    t > TASK_SIZE_MIN - nl || (a + ol > t && t + nl > a))
			return -EINVAL;
		if (flags & MREMAP_FIXED)
			return 1;	/* the target is unmapped first */
	} else if (ol >= nl) {
		return ol == nl ? 0 : 1;
	} else if (nl > TASK_SIZE_MIN) {
		return 1;		/* may_expand_vm() etc.: not modelled */
	}
	/* vma_to_resize(), for a grow or MREMAP_DONTUNMAP without FIXED */
	err = ml_vma(v, a, &ol, &nl, flags, t, &why);
	return err ? err : 1;
}

/* ---- making the call ---- */

/*
 * The system call itself: glibc's mremap() passes new_addr only with
 * MREMAP_FIXED or MREMAP_DONTUNMAP, and the kernel checks it for hugetlb
 * without them too.
 */
static long call(unsigned long a, unsigned long olen, unsigned long nlen,
		 unsigned int flags, unsigned long t, unsigned long *pp)
{
	long p = syscall(SYS_mremap, a, olen, nlen, flags, t);

	if (p == -1)
		return -errno;
	*pp = p;
	return 0;
}

/*
 * remap_move() made of single-VMA calls: the layout is read again before
 * each piece, the pieces are taken in address order from where the last
 * one ended (as remap_move()'s iterator continues after the VMA it
 * found), each checked as mainline checks it and then moved by the kernel
 * to mainline's target for it. 6.12's own checks of a single move are
 * mainline's, made after it unmaps the target where mainline makes them
 * before: so they are all made here first.
 */
static long emulate_remap_move(unsigned long a, unsigned long len,
			       unsigned int flags, unsigned long t,
			       unsigned long *pp)
{
	unsigned long end = a + len, target = t, last_end = 0, pos = a;
	unsigned long pa, plen, pt, p = 0;
	const char *why;
	struct vma *v;
	int i, seen = 0;
	long err;

	for (;;) {
		read_maps();
		for (i = 0; i < nvmas && vmas[i].end <= pos; i++)
			;
		if (i == nvmas || vmas[i].start >= end)
			break;
		v = &vmas[i];
		if (!seen && a < v->start)
			return -EFAULT;
		pa = v->start > a ? v->start : a;
		plen = (v->end < end ? v->end : end) - pa;
		pt = seen ? target + (v->start - last_end) : t;
		last_end = v->end;
		pos = v->end;
		if (!multi_allowed(v) && (seen || v->end < end))
			return -EFAULT;
		err = piece_checks(v, pa, &plen, flags, pt, &why);
		if (!err)
			err = call(pa, plen, plen, flags, pt, &p);
		if (err)
			return err;
		if (!seen)
			*pp = p;
		seen = 1;
		target = p + plen;
	}
	return seen ? 0 : -EFAULT;
}

/*
 * Count a call of class cls that 6.12 makes differently: emulated (-M), or
 * made by the kernel and given mainline's result (native); unpredicted if
 * the result is not the predicted one.
 */
static void tally(int cls, int ok, const char *why, long res,
		  unsigned long p, const char *want)
{
	const char *got = res_str(res ? res : (long)(p - WIN_BASE));

	cnt->cls[cls]++;
	if (!ok) {
		cnt->unpredicted++;
		note(1, "%s (%s): UNPREDICTED: got %s, mainline %s",
		     c_names[cls], why, got, want);
	} else if (emulate) {
		cnt->emulated++;
		note(0, "%s (%s): emulated = %s", c_names[cls], why, got);
	} else {
		cnt->native++;
		note(0, "%s (%s): native = %s", c_names[cls], why, got);
	}
}

/* Is the result the predicted one (the error, or 0 and address t)? */
static int as_predicted(long res, unsigned long p, long err, unsigned long t)
{
	return res == err && (res || p == t);
}

/*
 * mremap(), or what mainline's does with it (-M): 0 with the address in
 * *pp, -errno, or RES_EXCLUDED (a cross-mode exclusion, not made).
 */
long model_mremap(unsigned long old, unsigned long olen, unsigned long nlen,
		  unsigned int flags, unsigned long t, unsigned long *pp)
{
	struct pred pr;
	long s, res;

	*pp = 0;
	if (cross && cross_excluded(old, flags)) {
		cnt->cls[C_EXCLUDED]++;
		note(0, "excluded (cross mode)");
		return RES_EXCLUDED;
	}
	ml_predict(old, olen, nlen, flags, t, &pr);
	switch (pr.v) {
	case V_ERR:
		s = v612(old, olen, nlen, flags, t);
		if (s == pr.err) {
			res = call(old, olen, nlen, flags, t, pp);
			cnt->cls[C_SAME]++;
			if (res != pr.err) {
				cnt->unpredicted++;
				note(1, "same (%s): UNPREDICTED: got %s, "
				     "not %s", pr.why, res_str(res),
				     res_str(pr.err));
			}
			return res;
		}
		res = emulate ? pr.err : call(old, olen, nlen, flags, t, pp);
		tally(pr.cls, as_predicted(res, *pp, pr.err, t), pr.why, res,
		      *pp, res_str(pr.err));
		return res;
	case V_MULTI:
		if (emulate)
			res = emulate_remap_move(old, ALIGN_UP(olen, page),
						 flags, t, pp);
		else
			res = call(old, olen, nlen, flags, t, pp);
		tally(C_MULTI, as_predicted(res, *pp, pr.err, t), pr.why, res,
		      *pp, res_str(pr.err ? pr.err : (long)(t - WIN_BASE)));
		return res;
	default:
		break;
	}
	if ((flags & MREMAP_DONTUNMAP) && olen != nlen) {
		/* D3: 6.12 compares the lengths before aligning them */
		if (emulate)
			res = call(old, ALIGN_UP(olen, page),
				   ALIGN_UP(nlen, page), flags, t, pp);
		else
			res = call(old, olen, nlen, flags, t, pp);
		/*
		 * The result is not predicted, only whether it is -EINVAL:
		 * from the target unmap only, once the checks passed.
		 */
		s = (flags & MREMAP_FIXED) &&
		    unmap_err(t, t + ALIGN_UP(nlen, page), &pr.why);
		tally(C_ALIGN, (res == -EINVAL) == !!s,
		      "MREMAP_DONTUNMAP, lengths equal once aligned", res, *pp,
		      s ? "-EINVAL" : "no -EINVAL");
		return res;
	}
	s = v612(old, olen, nlen, flags, t);
	res = call(old, olen, nlen, flags, t, pp);
	cnt->cls[C_SAME]++;
	if (s < 0) {
		/* 6.12 refuses what mainline makes: the model is wrong */
		cnt->unpredicted++;
		note(1, "same: UNPREDICTED: 6.12 fails (%s) where mainline "
		     "proceeds, got %s", res_str(s), res_str(res));
	}
	return res;
}
