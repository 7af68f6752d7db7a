/* evt: bounds-checked decoding of event records into zero-copy views. */
#include "runtime/base/evt.h"

#include <errno.h>

#include "runtime/base/evt_schema.h"

int evt_decode(struct evt *e, const void *buf, size_t avail)
{
	const uint8_t *p = buf;
	struct ppm_hdr h;
	uint32_t lensz, pos;

	if (avail < PPM_HDR_LEN)
		return -EINVAL;
	memcpy(&h, p, PPM_HDR_LEN);
	if (h.len < PPM_HDR_LEN || h.len > avail || h.nparams > PPM_MAX_EVENT_PARAMS)
		return -EINVAL;
	e->raw = p;
	e->ts = h.ts;
	e->tid = (int64_t)h.tid;
	e->len = h.len;
	e->type = h.type;
	e->nparams = h.nparams;
	e->info = evt_schema_get(h.type);
	lensz = e->info && (e->info->flags & EVF_LARGE_PAYLOAD) ? 4 : 2;
	pos = PPM_HDR_LEN + h.nparams * lensz;
	if (pos > h.len)
		return -EINVAL;
	for (uint32_t i = 0; i < h.nparams; i++) {
		uint32_t l = 0;

		if (lensz == 4) {
			memcpy(&l, p + PPM_HDR_LEN + 4 * i, 4);
		} else {
			uint16_t s;

			memcpy(&s, p + PPM_HDR_LEN + 2 * i, 2);
			l = s;
		}
		if (l > h.len - pos)
			return -EINVAL;
		e->off[i] = pos;
		e->plen[i] = l;
		pos += l;
	}
	return e->info ? 0 : -ENOENT;
}

int evt_param_index(const struct evt *e, const char *name)
{
	if (!e->info)
		return -1;
	for (uint32_t i = 0; i < e->info->nparams; i++)
		if (e->info->params[i].name[0] == name[0] && !strcmp(e->info->params[i].name, name))
			return (int)i;
	return -1;
}
