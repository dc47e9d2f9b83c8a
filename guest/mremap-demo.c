// SPDX-License-Identifier: GPL-2.0
/*
 * The mremap() walk-through from the project's seed documents: map one page,
 * fill it, grow the mapping to two pages with MREMAP_MAYMOVE, fill the new
 * page, check both, unmap. Prints every step and its addresses, and a TAP
 * line per check so that the harness can count them.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int checks, failed;

static void check(int ok, const char *what)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++checks, what);
	if (!ok)
		failed++;
}

static int all_bytes(const unsigned char *p, size_t len, unsigned char v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

int main(void)
{
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned char *p, *q;

	printf("TAP version 13\n1..6\n");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("# mmap(NULL, %zu) = %p\n", page, (void *)p);
	check(p != MAP_FAILED, "mmap one page");
	if (p == MAP_FAILED)
		return 1;

	memset(p, 0x11, page);
	printf("# wrote 0x11 to [%p, %p)\n", (void *)p, (void *)(p + page));

	q = mremap(p, page, 2 * page, MREMAP_MAYMOVE);
	printf("# mremap(%p, %zu, %zu, MREMAP_MAYMOVE) = %p (%s)\n", (void *)p,
	       page, 2 * page, (void *)q,
	       q == MAP_FAILED ? "failed" : q == p ? "grown in place" : "moved");
	check(q != MAP_FAILED, "mremap to two pages");
	if (q == MAP_FAILED)
		return 1;
	check(all_bytes(q, page, 0x11), "first page still holds 0x11");
	check(all_bytes(q + page, page, 0), "new page reads as zero");

	memset(q + page, 0x12, page);
	printf("# wrote 0x12 to [%p, %p)\n", (void *)(q + page),
	       (void *)(q + 2 * page));
	check(all_bytes(q + page, page, 0x12) && all_bytes(q, page, 0x11),
	      "both pages hold what was written");

	check(munmap(q, 2 * page) == 0, "munmap both pages");
	printf("# munmap(%p, %zu) done\n", (void *)q, 2 * page);
	printf("# %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
