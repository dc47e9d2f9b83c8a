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

#include "sysmap.h"

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

static struct sysmap map;
static uint64_t text_lo, text_hi;	/* first and last text symbol */
static uint64_t *counts;		/* one per byte of [text_lo, text_hi) */
static const char *out_path;

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
	for (s = 0; s + 1 < map.n; s++) {
		uint64_t a, total = 0;

		for (a = map.addr[s]; a < map.addr[s + 1]; a++)
			total += counts[a - text_lo];
		if (total)
			fprintf(f, "%s %" PRIu64 " %" PRIu64 "\n", map.name[s],
				total, counts[map.addr[s] - text_lo]);
	}
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	const char *map_path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "map=", 4))
			map_path = argv[i] + 4;
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
	}
	if (!map_path || !out_path) {
		fprintf(stderr, "insn-count: needs map=System.map and out=FILE\n");
		return -1;
	}
	if (sysmap_load(&map, map_path)) {
		fprintf(stderr, "insn-count: %s: no kernel text symbols read\n", map_path);
		return -1;
	}
	text_lo = map.addr[0];
	text_hi = map.addr[map.n - 1];
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
