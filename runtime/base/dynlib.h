/* Libraries opened on first use (dlopen) instead of linked: a process pays
 * for a library's code, its relocations and its dependencies only when it
 * uses it (libcurl alone brings some thirty libraries). Prefix dynlib_. */
#pragma once
#include <stddef.h>

struct dynlib_sym {
	const char *name;
	void **slot;		/* where its address goes */
};

/* Opens soname (RTLD_NOW | RTLD_LOCAL) and fills every slot. 0; -ENOENT
 * with err naming the library and why when it cannot be opened or lacks
 * a symbol. The library stays open for the process's life. */
int dynlib_open(const char *soname, const struct dynlib_sym *syms, size_t n, char *err,
		size_t errlen);
