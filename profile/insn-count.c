// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU TCG plugin for 'make profile': count the guest instructions executed
 * in each kernel function. At exit it writes one line per function that ran:
 *
 *	name instructions entries
 *
 * where entries is how often the function's first instruction ran (its
 * calls, for a function that is not a loop target at its first byte).
 * Arguments: map=System.map of the guest kernel, out=file to write.
 * Declares the few plugin API functions it uses itself: Debian's QEMU has
 * plugin support but ships no qemu-plugin.h (API version 1, QEMU 7.2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t, void *), void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
	enum qemu_plugin_op op, void *ptr, uint64_t imm);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct sym {
	uint64_t addr;
	char *name;
};

static struct sym *syms;
static size_t nr_syms;
static uint64_t text_lo, text_hi;	/* first and last text symbol */
static uint64_t *counts;		/* one per byte of [text_lo, text_hi) */
static const char *out_path;

static int load_map(const char *path)
{
	FILE *f = fopen(path, "r");
	char name[512], type;
	uint64_t addr;
	size_t cap = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%" SCNx64 " %c %511s", &addr, &type, name) == 3) {
		if (!strchr("tTwW", type) || addr < 0xffff000000000000ULL)
			continue;	/* not kernel text */
		if (nr_syms && addr < syms[nr_syms - 1].addr)
			continue;	/* System.map is sorted; skip oddities */
		if (nr_syms == cap) {
			cap = cap ? 2 * cap : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				return -1;
		}
		syms[nr_syms].addr = addr;
		syms[nr_syms].name = strdup(name);
		nr_syms++;
	}
	fclose(f);
	if (nr_syms < 2)
		return -1;
	text_lo = syms[0].addr;
	text_hi = syms[nr_syms - 1].addr;
	return 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);

		if (pc >= text_lo && pc < text_hi)
			qemu_plugin_register_vcpu_insn_exec_inline(insn,
				QEMU_PLUGIN_INLINE_ADD_U64,
				&counts[pc - text_lo], 1);
	}
}

static void write_counts(qemu_plugin_id_t id, void *userdata)
{
	FILE *f = fopen(out_path, "w");
	size_t s;

	if (!f) {
		fprintf(stderr, "insn-count: %s: %s\n", out_path, strerror(errno));
		return;
	}
	for (s = 0; s + 1 < nr_syms; s++) {
		uint64_t a, total = 0;

		for (a = syms[s].addr; a < syms[s + 1].addr; a++)
			total += counts[a - text_lo];
		if (total)
			fprintf(f, "%s %" PRIu64 " %" PRIu64 "\n", syms[s].name,
				total, counts[syms[s].addr - text_lo]);
	}
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	const char *map = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "map=", 4))
			map = argv[i] + 4;
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
	}
	if (!map || !out_path) {
		fprintf(stderr, "insn-count: needs map=System.map and out=FILE\n");
		return -1;
	}
	if (load_map(map)) {
		fprintf(stderr, "insn-count: %s: no kernel text symbols read\n", map);
		return -1;
	}
	/* The last symbol (an end marker) gets no range and is not counted. */
	counts = calloc(text_hi - text_lo, sizeof(*counts));
	if (!counts) {
		fprintf(stderr, "insn-count: out of memory\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
