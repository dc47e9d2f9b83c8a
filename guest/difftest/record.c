// SPDX-License-Identifier: GPL-2.0
/*
 * mremap-difftest recorder: the hash and the text records, the window's
 * layout from /proc/self/maps and smaps, the status counters, and memory
 * access with fault recovery (checksums and pattern writes).
 */
#include "difftest.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- hashing and records ---- */

u64 fnv(u64 h, u64 v)
{
	int i;

	for (i = 0; i < 8; i++) {
		h ^= v & 0xff;
		h *= FNV_PRIME;
		v >>= 8;
	}
	return h;
}

u64 fnv_str(u64 h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

u64 fnv_name(const char *s)
{
	return fnv_str(FNV_OFFSET, s, strlen(s));
}

u64 step_hash;
u64 cur_step;
int text;		/* produce text records for this step */
int in_child;		/* text goes to child_buf, not stdout */
char child_buf[1 << 18];
size_t child_len;

void hv(u64 v)
{
	step_hash = fnv(step_hash, v);
}

void emit(const char *fmt, ...)
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
const char *rel(unsigned long a)
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

const char *res_str(long r)
{
	static char bufs[4][24];
	static int n;
	char *b = bufs[n++ & 3];

	if (r == RES_OUT)
		snprintf(b, 24, "out");
	else if (r == RES_EXCLUDED)
		snprintf(b, 24, "excluded");
	else if (r < 0 && r > -4096)
		snprintf(b, 24, "-%s", strerrorname_np((int)-r) ?: "E?");
	else
		snprintf(b, 24, "%s", rel(WIN_BASE + r));
	return b;
}

/* ---- the window's mappings, from /proc/self/maps and smaps ---- */

struct vma vmas[MAX_VMAS];
int nvmas, vmas_overflow;
int maps_fd = -1, status_fd = -1, smaps_fd = -1;
char pbuf[1 << 20];
u64 hash_shm, hash_file, hash_huge, hash_anon_huge, hash_shared_anon;
u64 hash_zero;
int file_on_ramfs;		/* our file is on ramfs (else tmpfs, ext4...) */
static int vf_valid;		/* vmas[].vf read since the last read_maps() */

/*
 * Read a whole seq_file. A read returns at least a page of it less one
 * line unless it hit the end, so a short read (< 2 KiB, longer than any line
 * here) saves the extra read that would return 0.
 */
ssize_t read_proc(int fd)
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

void read_maps(void)
{
	const char *p, *nl;
	struct vma *v;
	size_t n;

	nvmas = 0;
	vmas_overflow = 0;
	vf_valid = 0;
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
		v->vf = 0;
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

/* The VMA that contains a (vma_lookup()), or NULL. */
struct vma *find_vma(unsigned long a)
{
	int i;

	for (i = 0; i < nvmas; i++)
		if (a < vmas[i].end)
			return a >= vmas[i].start ? &vmas[i] : NULL;
	return NULL;
}

/*
 * What a mapping is, for the model's vma_multi_allowed() and for cross
 * mode: from its name (our memfds, file and /dev/zero have known names; a
 * private anonymous mapping has none) and its perms ('s' = VM_MAYSHARE).
 */
int vma_kind(const struct vma *v)
{
	if (!v->name[0])
		return MK_ANON;
	if (v->name_hash == hash_huge || v->name_hash == hash_anon_huge)
		return MK_HUGETLB;
	if (v->name_hash == hash_shared_anon)
		return MK_SHMEM;
	if (v->name_hash == hash_zero)
		return v->perms[3] == 's' ? MK_OTHER : MK_ZERO;
	if (v->name_hash == hash_shm || v->name_hash == hash_file)
		return v->perms[3] == 's' ? MK_SHMEM : MK_PFILE;
	return MK_OTHER;
}

void record_maps(void)
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

long status_base[3];
static const char *const status_keys[3] = { "VmSize:", "VmData:", "VmLck:" };

void read_status(long *val)
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

void record_status(void)
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

/* The VF_* bits of a "VmFlags: ..." line [p, nl). */
static unsigned int vmflags(const char *p, const char *nl)
{
	static const struct {
		char name[3];
		unsigned int bit;
	} tab[] = {
		{ "ht", VF_HUGETLB }, { "um", VF_UFFD }, { "uw", VF_UFFD },
		{ "ui", VF_UFFD }, { "ur", VF_UFFD }, { "de", VF_DONTEXPAND },
		{ "pf", VF_PFNMAP }, { "sl", VF_SEALED },
		{ "wf", VF_WIPEONFORK }, { "lo", VF_LOCKED },
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
 * Fill in vmas[].vf from /proc/self/smaps (all VF_* bits), once per
 * read_maps(), and remember the model's bits of each VMA.
 */
static struct vma vf_cache[MAX_VMAS];
static int vf_ncache;

int layout_flags(void)
{
	const char *p, *nl;
	unsigned long s, e;
	struct vma *v = NULL;
	int i = 0;

	if (vf_valid)
		return 0;
	if (read_proc(smaps_fd) < 0)
		return -1;
	for (p = pbuf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (smaps_vma_line(p, &s, &e)) {
			v = NULL;
			while (i < nvmas && vmas[i].start < s)
				i++;
			if (i < nvmas && vmas[i].start == s)
				v = &vmas[i];
			continue;
		}
		if (v && !strncmp(p, "VmFlags:", 8))
			v->vf = vmflags(p, nl);
	}
	vf_valid = 1;
	memcpy(vf_cache, vmas, nvmas * sizeof(vmas[0]));
	vf_ncache = nvmas;
	return 0;
}

/*
 * The VF_MODEL bits of v, for the model. smaps is slow to read (under TCG
 * most of an mremap() step), and these bits (ht, de, pf, sl, uffd) are
 * fixed when a mapping is made and only mseal() and UFFDIO_REGISTER,
 * which the tester does not call, change them later: so a VMA whose maps
 * line has not changed since smaps was last read has the bits it had then.
 */
unsigned int vma_flags(struct vma *v)
{
	int i;

	if (vf_valid)
		return v->vf & VF_MODEL;
	for (i = 0; i < vf_ncache; i++) {
		struct vma *c = &vf_cache[i];

		if (c->start == v->start && c->end == v->end &&
		    c->off == v->off && c->name_hash == v->name_hash &&
		    !memcmp(c->perms, v->perms, 4))
			return c->vf & VF_MODEL;
	}
	layout_flags();
	return v->vf & VF_MODEL;
}

/*
 * VmFlags and THPeligible of the window's mappings, from smaps. Cross
 * mode records the VmFlags in a normal form (cross.c).
 */
void record_smaps(void)
{
	const char *p, *nl;
	unsigned long s = 0, e = 0;
	char flags[256];
	int in = 0, n;

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
		if (cross && !strncmp(p, "VmFlags:", 8)) {
			n = cross_vmflags(p, nl, flags, sizeof(flags));
			step_hash = fnv_str(step_hash, flags, n);
			if (text)
				emit(" smaps %s %s\n", rel(s), flags);
			continue;
		}
		step_hash = fnv_str(step_hash, p, nl - p);
		if (text)
			emit(" smaps %s %.*s\n", rel(s), (int)(nl - p), p);
	}
}

/* ---- memory access with fault recovery ---- */

static sigjmp_buf fault_jb;
static volatile int fault_armed;
unsigned long n_faults;

void on_fault(int sig)
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
void sum_segment(unsigned long a, unsigned long b, unsigned long maxp,
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
void sum_range(unsigned long lo, unsigned long hi, unsigned long maxp,
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

void sum_all(unsigned long maxp, u64 salt, int eof)
{
	sum_range(WIN_BASE, WIN_END, maxp, salt, eof);
}

static u64 pattern(unsigned long a, int k)
{
	return fnv(fnv(fnv(FNV_OFFSET, cur_step), a - WIN_BASE), k);
}

/* Write the step's pattern to sampled pages of [a, b). */
void write_segment(unsigned long a, unsigned long b, unsigned long maxp)
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

void write_range(unsigned long lo, unsigned long hi, unsigned long maxp)
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
