/* dynlib (see dynlib.h). */
#include "runtime/base/dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

int dynlib_open(const char *soname, const struct dynlib_sym *syms, size_t n, char *err,
		size_t errlen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	if (!h) {
		why = dlerror();
		snprintf(err, errlen, "%s: %s", soname, why ? why : "cannot be opened");
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		dlerror();
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			why = dlerror();
			snprintf(err, errlen, "%s: no %s: %s", soname, syms[i].name,
				 why ? why : "missing");
			dlclose(h);
			return -ENOENT;
		}
	}
	return 0;
}
