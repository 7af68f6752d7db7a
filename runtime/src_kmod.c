/* placeholder */
#include "runtime/evt_source.h"
#include <errno.h>
#include <stdio.h>
static int km_open(const struct evt_source_opts *o, struct evt_source **out, char *err, size_t errlen)
{
	(void)o; *out = NULL; snprintf(err, errlen, "kmod: not yet"); return -ENOTSUP;
}
static void km_close(struct evt_source *s) { (void)s; }
const struct evt_source_ops src_kmod_ops = { .kind = "kmod", .open = km_open, .close = km_close };
