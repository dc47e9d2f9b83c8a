/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mremap-inject: fail each allocation mremap() makes, one site and one
 * allocation at a time, and check what every failed call left.
 */
#ifndef INJECT_H
#define INJECT_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_PARTS	3

/* The operations, as bits of struct kind's ops. */
enum op {
	OP_MOVE,	/* MREMAP_FIXED, same length */
	OP_EXPAND,	/* MREMAP_FIXED, twice the length */
	OP_DONTUNMAP,	/* MREMAP_FIXED | MREMAP_DONTUNMAP */
	OP_MULTI,	/* MREMAP_FIXED across MAX_PARTS VMAs and the gaps */
	NR_OPS
};

struct scene;

/* What is mapped: one part of the source range, at a fixed address. */
struct kind {
	const char *name;
	unsigned long len;	/* of one part */
	unsigned long align;	/* of the source, the target and the gaps */
	unsigned int ops;	/* 1 << OP_* that apply */
	unsigned long skew;	/* added to the source's alignment */
	bool same_data;		/* every page holds the same bytes (KSM) */
	bool no_data;		/* never touched: reservations stay unused */
	int (*begin)(void);	/* once before the kind's scenes; 0 or -1 */
	void (*end)(void);
	int (*map)(struct scene *sc, char *at, unsigned long len);
	int (*ready)(struct scene *sc);	/* after the data is written */
};

struct scene {
	const struct kind *kind;
	enum op op;
	int nparts;
	char *src;		/* the source range, gaps included */
	unsigned long span;
	char *dst;		/* the target: a free, PUD-aligned area */
	unsigned long new_len;	/* of the call */
	unsigned long part_off[MAX_PARTS];
	int uffd;		/* -1 unless the kind registers the range */
	char seed;
};

/* The state a failed call must leave unchanged. */
struct snap {
	char maps[32768];
	long vm_size, vm_lck, vm_data;
	long committed, hp_rsvd, hp_free;
};

extern const struct kind kinds[];
extern const unsigned int nr_kinds;
extern const char *const op_names[NR_OPS];
extern unsigned long page_size;
extern char problem[512];

/* scene.c */
int scene_setup(struct scene *sc, const struct kind *k, enum op op, char seed);
void *scene_call(struct scene *sc);
void scene_teardown(struct scene *sc);
int snap_take(struct snap *s);
bool check_unchanged(struct scene *sc, const struct snap *before,
		     const struct snap *after, bool *only_counters);
bool check_partial(struct scene *sc, const struct snap *before,
		   const struct snap *after, bool *only_counters);
bool check_moved(struct scene *sc, void *ret);
bool probe_multi(void);
int write_str(const char *path, const char *val);
int read_str(const char *path, char *buf, size_t size);
long file_field(const char *path, const char *key);

#endif
