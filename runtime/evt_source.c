/* The kinds of event source (see evt_source.h), found by name. */
#include "runtime/evt_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct evt_source_ops *const kinds[] = {
	&src_capture_ops,
	&src_probe_ops,
	&src_kmod_ops,
	&src_plugin_ops,
	&src_nodriver_ops,
};

const struct evt_source_ops *evt_source_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->kind, kind))
			return kinds[i];
	return NULL;
}

int evt_source__open(const char *kind, const struct evt_source_opts *o, struct evt_source **out,
		     char *err, size_t errlen)
{
	const struct evt_source_ops *ops = evt_source_kind(kind);

	*out = NULL;
	if (!ops) {
		snprintf(err, errlen, "no event source of kind '%s' (capture, modern_ebpf, kmod, plugin, "
			 "nodriver)",
			 kind);
		return -ENOENT;
	}
	return ops->open(o, out, err, errlen);
}
