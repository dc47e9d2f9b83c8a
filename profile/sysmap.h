/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest kernel's text symbols from its System.map, for the QEMU
 * plugins of make profile and make profile-call: sorted addresses and
 * names; symbol i's text runs to symbol i + 1 (the last one only ends the
 * text).
 */
#ifndef PROFILE_SYSMAP_H
#define PROFILE_SYSMAP_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSMAP_NONE	((size_t)-1)

struct sysmap {
	uint64_t *addr;
	char **name;
	size_t n;
};

/* Returns 0, or -1 if the file cannot be read or holds under 2 symbols. */
static inline int sysmap_load(struct sysmap *m, const char *path)
{
	FILE *f = fopen(path, "r");
	char name[512], type;
	uint64_t addr;
	size_t cap = 0;
	int oom = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%" SCNx64 " %c %511s", &addr, &type, name) == 3) {
		if (!strchr("tTwW", type) || addr < 0xffff000000000000ULL)
			continue;	/* not kernel text */
		if (m->n && addr < m->addr[m->n - 1])
			continue;	/* System.map is sorted; skip oddities */
		if (m->n == cap) {
			uint64_t *a;
			char **nm;

			cap = cap ? 2 * cap : 65536;
			a = realloc(m->addr, cap * sizeof(*m->addr));
			if (a)
				m->addr = a;
			nm = realloc(m->name, cap * sizeof(*m->name));
			if (nm)
				m->name = nm;
			oom = !a || !nm;
			if (oom)
				break;
		}
		m->name[m->n] = strdup(name);
		oom = !m->name[m->n];
		if (oom)
			break;
		m->addr[m->n] = addr;
		m->n++;
	}
	/* Out of memory before the end of the file: no map. */
	if (oom)
		m->n = 0;
	fclose(f);
	return m->n < 2 ? -1 : 0;
}

/* The symbol whose text holds pc, or SYSMAP_NONE. */
static inline size_t sysmap_find(const struct sysmap *m, uint64_t pc)
{
	size_t lo = 0, hi = m->n;

	if (pc < m->addr[0] || pc >= m->addr[m->n - 1])
		return SYSMAP_NONE;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (m->addr[mid] <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

#endif
