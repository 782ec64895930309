/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: a bump allocator freed as a whole, shared by libscap and
 * libfilter (compiled into each, hidden; never installed). */
#ifndef COMMON_ARENA_H
#define COMMON_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t bytes; /* allocated from the system, for budgets */
};

/* n zeroed bytes, 16-byte aligned; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of len bytes. */
char *arena_strndup(struct arena *a, const void *s, size_t len);
void arena_free(struct arena *a);

#endif
