/* Small helpers for fixed arrays with a separate element count. */
#ifndef IKESH_LIB_ARRAY_H
#define IKESH_LIB_ARRAY_H

#include <string.h>

/* Close the gap at index at of arr, which holds n elements; the caller lowers
 * n once (parallel arrays share one count). */
#define ARRAY_DEL(arr, n, at) \
	memmove(&(arr)[at], &(arr)[(at) + 1], (size_t)((n) - (at) - 1) * sizeof(arr)[0])

#endif
