// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest generator: the PRNG and the random choices. Everything
 * here depends on the seed and on the window's layout (vmas[]) only, so
 * two kernels that agree on the layout make the same choices.
 */
#include "difftest.h"

#include <sys/mman.h>

/* ---- PRNG: xorshift64* ---- */

static u64 rng;

u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

int chance(unsigned int pct)
{
	return below(100) < pct;
}

void seed_rng(u64 seed)
{
	int i;

	rng = seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	if (!rng)
		rng = 1;
	for (i = 0; i < 8; i++)
		rnd();
}

/* ---- argument generators ---- */

unsigned long gen_len(void)
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

unsigned long gen_addr(void)
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
void clamp(unsigned long *a, unsigned long *len)
{
	if (*a < WIN_BASE)
		*a = WIN_BASE;
	if (*a >= WIN_END)
		*a = WIN_END - page + (*a & (page - 1));
	if (*len > WIN_END - *a)
		*len = WIN_END - *a;
}

void gen_range(unsigned long *ap, unsigned long *lenp)
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

int gen_prot(void)
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

unsigned int gen_mremap_flags(void)
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

/*
 * The new length. With MREMAP_DONTUNMAP mostly the old one, at times one
 * that differs but not after page alignment (6.12 refuses it, mainline
 * does not). -page is longer than TASK_SIZE; no length generated lies
 * between 1 GiB and 2^63 (the model does not know TASK_SIZE exactly).
 */
unsigned long gen_new_len(unsigned long olen, unsigned int flags)
{
	unsigned int r = below(100);
	unsigned long ol = ALIGN_UP(olen, page);

	if ((flags & MREMAP_DONTUNMAP) && chance(70))
		return chance(80) || !ol ? olen : ol - below(page);
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

unsigned long gen_target(unsigned long old, unsigned long olen,
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

enum { MARK_HOLE, MARK_HUGETLB, MARK_NOT_MULTI };

/*
 * Is vmas[j] followed by a hole, hugetlb, or a mapping that mainline does
 * not move with others (vma_multi_allowed(): private /dev/zero)?
 */
static int multi_mark(int j, int what)
{
	switch (what) {
	case MARK_HOLE:
		return j + 1 < nvmas && vmas[j].end < vmas[j + 1].start;
	case MARK_HUGETLB:
		return vma_kind(&vmas[j]) == MK_HUGETLB;
	default:
		return vma_kind(&vmas[j]) == MK_ZERO;
	}
}

/*
 * A same-size MREMAP_MAYMOVE | MREMAP_FIXED call over a run of 2..8
 * adjacent VMAs of the window (mainline moves them all, keeping the
 * holes): from inside the first or the last one at times, sometimes over a
 * hole, a hugetlb mapping or one that mainline refuses to move with others,
 * sometimes with MREMAP_DONTUNMAP (moved piece by piece too) or another
 * new length (then one VMA only, as 6.12).
 */
void gen_multi(unsigned long *ap, unsigned long *olenp, unsigned long *nlenp,
	       unsigned int *flagsp)
{
	unsigned long a, e, np, len;
	int i, j, k, n, r, small, what;

	k = 2 + below(7);
	r = below(100);
	i = -1;
	if (r < 27) {	/* over a hole, a hugetlb VMA, private /dev/zero */
		what = r < 9 ? MARK_HOLE : r < 18 ? MARK_HUGETLB
						  : MARK_NOT_MULTI;
		for (j = n = 0; j < nvmas; j++)
			n += multi_mark(j, what);
		n = n ? below(n) + 1 : 0;
		for (j = 0; j < nvmas && n; j++) {
			n -= multi_mark(j, what);
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
	} else if (r < 80) {
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

/* The next operation (O_*): a reset when the window holds too many VMAs. */
int gen_op(void)
{
	unsigned int r;

	if (nvmas > MAX_LIVE_VMAS)
		return O_RESET;
	r = below(1000);
	if (r < 400)
		return O_MREMAP;
	if (r < 560)
		return O_MMAP;
	if (r < 680)
		return O_WRITE;
	if (r < 750)
		return O_MUNMAP;
	if (r < 810)
		return O_MPROTECT;
	if (r < 880)
		return O_MADVISE;
	if (r < 920)
		return O_MLOCK;
	if (r < 950)
		return O_MUNLOCK;
	if (r < 953)
		return O_FORK;
	if (r < 955)
		return O_RESET;
	return O_MREMAP;
}
