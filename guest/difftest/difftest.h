/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mremap-difftest: declarations shared by its parts. What the tester does,
 * its options and its exclusions are described in main.c.
 *
 *   main.c    options, setup, the step loop, digests, timing
 *   gen.c     the PRNG and the random arguments (generator)
 *   exec.c    the operations and the fork child (executor)
 *   model.c   mainline's mremap() semantics: prediction and emulation
 *   cross.c   cross-version mode (-X): the normalisations
 *   record.c  maps, smaps, status, checksums, writes and the hash (recorder)
 */
#ifndef DIFFTEST_H
#define DIFFTEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* mremap() results that are not the kernel's (see res_str()) */
#define RES_OUT		(0x0badL << 48)	/* placed outside the window */
#define RES_EXCLUDED	(0x0badL << 40)	/* not made: a cross-mode exclusion */

extern unsigned long page;

/* ---- main.c ---- */

enum { T_NONE, T_OP, T_MAPS, T_STATUS, T_SMAPS, T_SUM, T_NR };
enum {
	O_MREMAP, O_MMAP, O_WRITE, O_MUNMAP, O_MPROTECT, O_MADVISE, O_MLOCK,
	O_MUNLOCK, O_FORK, O_RESET, O_NR
};

extern int cur_op;
void tick(int what);

/* ---- gen.c ---- */

u64 rnd(void);
u64 below(u64 n);
int chance(unsigned int pct);
void seed_rng(u64 seed);
unsigned long gen_len(void);
unsigned long gen_addr(void);
void clamp(unsigned long *a, unsigned long *len);
void gen_range(unsigned long *ap, unsigned long *lenp);
int gen_prot(void);
unsigned int gen_mremap_flags(void);
unsigned long gen_new_len(unsigned long olen, unsigned int flags);
unsigned long gen_target(unsigned long old, unsigned long olen,
			 unsigned long nlen);
void gen_multi(unsigned long *ap, unsigned long *olenp, unsigned long *nlenp,
	       unsigned int *flagsp);
int gen_op(void);

/* ---- record.c ---- */

/* VmFlags (smaps) that the model and cross mode need, as bits */
#define VF_HUGETLB	0x001U	/* ht */
#define VF_UFFD		0x002U	/* um, uw, ui, ur: userfaultfd_armed() */
#define VF_DONTEXPAND	0x004U	/* de */
#define VF_PFNMAP	0x008U	/* pf */
#define VF_SEALED	0x010U	/* sl */
#define VF_WIPEONFORK	0x020U	/* wf */
#define VF_LOCKED	0x040U	/* lo */
/* those that the model needs; mseal() and UFFDIO_REGISTER change them */
#define VF_MODEL	(VF_HUGETLB | VF_UFFD | VF_DONTEXPAND | VF_PFNMAP | \
			 VF_SEALED)

/* What a mapping of the window is, from its name and its perms */
enum {
	MK_ANON,	/* private anonymous */
	MK_SHMEM,	/* shmem: shared anonymous, our memfd, our tmpfs file */
	MK_PFILE,	/* private mapping of our memfd or file */
	MK_HUGETLB,	/* hugetlb (anonymous or memfd) */
	MK_ZERO,	/* private mapping of /dev/zero */
	MK_OTHER,
};

struct vma {
	unsigned long start, end, off;
	char perms[5];
	char name[80];
	u64 name_hash;
	unsigned int vf;	/* VF_*: see layout_flags(), vma_flags() */
};

extern struct vma vmas[MAX_VMAS];
extern int nvmas, vmas_overflow;
extern int maps_fd, status_fd, smaps_fd;
extern char pbuf[1 << 20];
extern u64 hash_shm, hash_file, hash_huge, hash_anon_huge, hash_shared_anon;
extern u64 hash_zero;
extern int file_on_ramfs;

extern u64 step_hash, cur_step;
extern int text, in_child;
extern char child_buf[1 << 18];
extern size_t child_len;
extern unsigned long n_faults;

u64 fnv(u64 h, u64 v);
u64 fnv_str(u64 h, const char *s, size_t len);
u64 fnv_name(const char *s);
void hv(u64 v);
void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *rel(unsigned long a);
const char *res_str(long r);
ssize_t read_proc(int fd);
void read_maps(void);
int layout_flags(void);
unsigned int vma_flags(struct vma *v);
struct vma *find_vma(unsigned long a);
int vma_kind(const struct vma *v);
void record_maps(void);
void read_status(long *val);
void record_status(void);
void record_smaps(void);
void on_fault(int sig);
void sum_segment(unsigned long a, unsigned long b, unsigned long maxp,
		 u64 salt, int out);
void sum_range(unsigned long lo, unsigned long hi, unsigned long maxp,
	       u64 salt, int eof);
void sum_all(unsigned long maxp, u64 salt, int eof);
void write_segment(unsigned long a, unsigned long b, unsigned long maxp);
void write_range(unsigned long lo, unsigned long hi, unsigned long maxp);
extern long status_base[3];

/* ---- exec.c ---- */

extern int memfd, filefd, hugefd, guardfd, zerofd;
extern int have_hugetlb;
extern u64 perturb_step;
void rec_op(const char *name, int nargs, const u64 *args, long res);
void do_step(void);

/* ---- model.c ---- */

extern int emulate;		/* -M */
void model_setup(void);
long model_mremap(unsigned long old, unsigned long olen, unsigned long nlen,
		  unsigned int flags, unsigned long t, unsigned long *pp);
void model_report(u64 seed);

/* ---- cross.c ---- */

extern int cross;		/* -X */
int cross_setup(void);
void cross_new_mapping(unsigned long a, unsigned long len);
void cross_after_dontunmap(unsigned long a, unsigned long len);
void cross_child_start(void);
int cross_mprotect_prot(unsigned long a, unsigned long len, int prot);
int cross_excluded(unsigned long old, unsigned int flags);
int cross_madvise_excluded(unsigned long a, unsigned long len, int adv);
int cross_vmflags(const char *p, const char *nl, char *out, size_t room);

#endif /* DIFFTEST_H */
