// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU TCG plugin for 'make profile-call': the instructions of every kernel
 * function inside calls of one function (the syscall's entry point),
 * inclusive and exclusive. At exit it writes
 *
 *	calls N
 *	name inclusive exclusive entries
 *
 * summed over the N calls of the entry function, one line per function
 * that ran inside them.
 *
 * It keeps a shadow stack of frames, worked out per translation block (TB)
 * from the instruction that ends the block before:
 *  - a call pushes a frame for the function the next block is in, with the
 *    address after the call as the frame's return address;
 *  - a return to address P pops the topmost frame returning to P, with the
 *    frames that were tail-called from it (they return there too);
 *  - anything else that lands in another function (a tail call, a jump to
 *    a .cold part or a return thunk, an interrupt or exception entry) pushes
 *    a tail frame, unless that function already has a frame on the stack,
 *    which is then made the top again (the return from an interrupt).
 * A function's inclusive count runs from its frame's push to its pop; a
 * function with two frames on the stack (recursion) counts once.
 * Interrupts taken during a call count to the functions they interrupted,
 * and show as their own rows (exclusive).
 *
 * Arguments: map=System.map, entry=function, out=file. One vCPU (-icount).
 * Declares the plugin API functions it uses (QEMU 7.2, API version 1): Debian
 * ships no qemu-plugin.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysmap.h"

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t, void *), void *userdata);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
	void (*cb)(unsigned int, void *), enum qemu_plugin_cb_flags flags,
	void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define NO_FUNC		((uint32_t)-1)	/* not in the kernel's text */
#define ANY_RET		((uint64_t)-1)
#define MAX_DEPTH	512

enum tb_end { END_OTHER, END_CALL, END_RET };

struct func_count {
	uint64_t incl, excl, entries;
	uint32_t on_stack;		/* frames of it on the stack */
};

struct tb_info {
	uint64_t pc;
	uint32_t func;			/* index into map, or NO_FUNC */
	uint32_t n_insns;
	enum tb_end end;
	uint64_t next;			/* address after the last instruction */
};

struct frame {
	uint32_t func;
	int tail;			/* reached without a call */
	uint64_t ret;			/* return address, or ANY_RET */
	uint64_t start;			/* total instructions at the push */
};

static struct sysmap map;
static struct func_count *fc;		/* one per symbol of map */
static uint32_t entry_func = NO_FUNC;
static const char *out_path;
static int arm64;

static struct frame stack[MAX_DEPTH];
static int depth;			/* 0: not inside the entry function */
static uint64_t total, calls, lost;
static const struct tb_info *prev;

/* The function whose text holds pc. */
static uint32_t find_func(uint64_t pc)
{
	size_t i = sysmap_find(&map, pc);

	return i == SYSMAP_NONE ? NO_FUNC : (uint32_t)i;
}

static enum tb_end x86_end(const uint8_t *b, size_t n)
{
	size_t i = 0;

	/* REX, operand size, segment (notrack), rep/repne prefixes */
	while (i < n && ((b[i] >= 0x40 && b[i] <= 0x4f) || b[i] == 0x66 ||
			 b[i] == 0x2e || b[i] == 0x3e || b[i] == 0xf2 ||
			 b[i] == 0xf3))
		i++;
	if (i >= n)
		return END_OTHER;
	if (b[i] == 0xe8)
		return END_CALL;
	if (b[i] == 0xff && i + 1 < n && ((b[i + 1] >> 3) & 7) == 2)
		return END_CALL;
	if (b[i] == 0xc3 || b[i] == 0xc2)
		return END_RET;
	return END_OTHER;
}

static enum tb_end arm64_end(const uint8_t *b, size_t n)
{
	uint32_t w;

	if (n != 4)
		return END_OTHER;
	memcpy(&w, b, 4);
	if ((w & 0xfc000000) == 0x94000000 ||	/* bl */
	    (w & 0xfffffc1f) == 0xd63f0000 ||	/* blr */
	    (w & 0xfefff800) == 0xd63f0800)	/* blraa(z), blrab(z) */
		return END_CALL;
	if ((w & 0xfffffc1f) == 0xd65f0000 ||	/* ret */
	    w == 0xd65f0bff || w == 0xd65f0fff)	/* retaa, retab */
		return END_RET;
	return END_OTHER;
}

static void push(uint32_t func, int tail, uint64_t ret)
{
	struct frame *f;

	if (depth == MAX_DEPTH) {
		lost++;			/* should not happen: start over */
		depth = 0;
		return;
	}
	f = &stack[depth++];
	f->func = func;
	f->tail = tail;
	f->ret = ret;
	f->start = total;
	if (func != NO_FUNC) {
		fc[func].entries++;
		fc[func].on_stack++;
	}
}

/* Pop the frames above index keep. */
static void pop_to(int keep)
{
	while (depth > keep) {
		struct frame *f = &stack[--depth];

		if (f->func == NO_FUNC)
			continue;
		if (--fc[f->func].on_stack == 0)
			fc[f->func].incl += total - f->start;
		if (depth == 0)
			calls++;
	}
}

static void return_to(uint64_t pc)
{
	int i;

	for (i = depth - 1; i >= 0; i--)
		if (stack[i].ret == pc)
			break;
	if (i < 0) {
		/* The entry function, or a tail call of it, returns. */
		if (stack[depth - 1].ret == ANY_RET)
			pop_to(0);
		return;
	}
	while (i > 0 && stack[i].tail)
		i--;
	pop_to(i);
}

static void tb_exec(unsigned int vcpu, void *udata)
{
	const struct tb_info *tb = udata;
	const struct tb_info *before = prev;

	prev = tb;
	if (!depth) {
		/* However it was reached: a call or a tail call. */
		if (tb->func != entry_func || tb->pc != map.addr[entry_func])
			return;
		push(entry_func, 0, ANY_RET);
	} else if (before && before->end == END_CALL) {
		push(tb->func, 0, before->next);
	} else if (before && before->end == END_RET) {
		return_to(tb->pc);
	}
	if (depth && tb->func != stack[depth - 1].func) {
		int i;

		for (i = depth - 1; i >= 0; i--)
			if (stack[i].func == tb->func)
				break;
		if (i >= 0)
			pop_to(i + 1);
		else
			push(tb->func, 1, stack[depth - 1].ret);
	}
	if (!depth)
		return;
	total += tb->n_insns;
	if (tb->func != NO_FUNC)
		fc[tb->func].excl += tb->n_insns;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct qemu_plugin_insn *last;
	struct tb_info *info;
	const uint8_t *bytes;
	size_t len;

	if (!n)
		return;
	info = calloc(1, sizeof(*info));
	if (!info)
		return;
	last = qemu_plugin_tb_get_insn(tb, n - 1);
	bytes = qemu_plugin_insn_data(last);
	len = qemu_plugin_insn_size(last);
	info->pc = qemu_plugin_tb_vaddr(tb);
	info->func = find_func(info->pc);
	info->n_insns = n;
	info->next = qemu_plugin_insn_vaddr(last) + len;
	info->end = arm64 ? arm64_end(bytes, len) : x86_end(bytes, len);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
					     info);
}

static void write_counts(qemu_plugin_id_t id, void *userdata)
{
	FILE *f = fopen(out_path, "w");
	size_t s;

	if (!f) {
		fprintf(stderr, "call-tree: %s: %s\n", out_path, strerror(errno));
		return;
	}
	fprintf(f, "calls %" PRIu64 "\n", calls);
	if (lost)
		fprintf(f, "lost %" PRIu64 "\n", lost);
	for (s = 0; s < map.n; s++)
		if (fc[s].incl || fc[s].excl)
			fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				map.name[s], fc[s].incl, fc[s].excl,
				fc[s].entries);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	const char *map_path = NULL, *entry = NULL;
	size_t s;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "map=", 4))
			map_path = argv[i] + 4;
		else if (!strncmp(argv[i], "entry=", 6))
			entry = argv[i] + 6;
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strcmp(argv[i], "arch=arm64"))
			arm64 = 1;
	}
	if (!map_path || !entry || !out_path) {
		fprintf(stderr, "call-tree: needs map=System.map, entry=FUNCTION and out=FILE\n");
		return -1;
	}
	if (sysmap_load(&map, map_path)) {
		fprintf(stderr, "call-tree: %s: no kernel text symbols read\n", map_path);
		return -1;
	}
	for (s = 0; s < map.n; s++)
		if (!strcmp(map.name[s], entry))
			entry_func = s;
	if (entry_func == NO_FUNC) {
		fprintf(stderr, "call-tree: %s: no function %s\n", map_path, entry);
		return -1;
	}
	fc = calloc(map.n, sizeof(*fc));
	if (!fc) {
		fprintf(stderr, "call-tree: out of memory\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
