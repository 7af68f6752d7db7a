/* The extractor family of plugin fields (FC_PLUGIN, compiler/field_reg.h):
 * the field's plugin in the engine's lane extracts it (plugin_lane.h) and
 * its answer is copied into the caller's scratch at once (the plugin owns
 * its memory only until its next call): strings, numbers, booleans, IP
 * addresses and networks, and lists of them. No plugin, an event type or
 * source the plugin does not take, or a failure: no value. */
#include <sys/socket.h>

#include "runtime/extract_int.h"
#include "runtime/plugin_abi.h"
#include "runtime/plugin_lane.h"

/* Items a list-valued plugin field may give. */
#define XT_PLUGIN_MAX_ITEMS 4096

/* Value i of the answer (not a string) into out. */
static void one(const struct pa_extract_field *r, uint32_t type, uint64_t i, struct fval *out)
{
	const struct pa_byte_buffer *b;

	switch (type) {
	case PT_UINT64: case PT_RELTIME: case PT_ABSTIME:
		fval_set_u64(out, r->res.u64[i]);
		break;
	case PT_BOOL:
		fval_set_bool(out, r->res.boolean[i] != 0);
		break;
	case PT_IPADDR: case PT_IPNET:
		b = &r->res.buf[i];
		if (b->ptr && (b->len == 4 || b->len == 16))
			xt_ip(out, b->len == 4 ? AF_INET : AF_INET6, b->ptr);
		else
			xt_none(out);
		break;
	default:
		xt_none(out);
		break;
	}
}

static void plugin_field(const struct extract_evt *x, uint32_t id, const char *arg,
			 struct extract_scratch *sc, struct fval *out)
{
	const struct pa_extract_field *r;
	uint64_t n;
	uint32_t type;

	xt_none(out);
	if (!x->plugins || !x->e)
		return;
	r = plugin_lane_extract(x->plugins, x->e, x->num, x->source, id, arg);
	if (!r || !r->res_len || !r->res.u64)
		return;
	type = r->ftype;
	n = r->res_len > XT_PLUGIN_MAX_ITEMS ? XT_PLUGIN_MAX_ITEMS : r->res_len;
	if (!r->flist) {
		if (type == PT_CHARBUF) {
			strbuf_reset(&sc->sb);
			strbuf_adds(&sc->sb, r->res.str[0] ? r->res.str[0] : "");
			xt_sb(out, sc);
		} else {
			one(r, type, 0, out);
		}
		return;
	}
	{
		struct fval *items = xt_items(sc, (uint32_t)n);

		if (!items)
			return;
		if (type == PT_CHARBUF) {
			/* the texts first, back to back; then the items into them */
			size_t off = 0;

			strbuf_reset(&sc->sb);
			for (uint64_t i = 0; i < n; i++) {
				const char *s = r->res.str[i] ? r->res.str[i] : "";

				strbuf_add(&sc->sb, s, strlen(s) + 1);
			}
			if (sc->sb.oom)
				return;
			for (uint64_t i = 0; i < n; i++) {
				size_t l = strlen(sc->sb.buf + off);

				fval_set_str(&items[i], sc->sb.buf + off, (uint32_t)l);
				off += l + 1;
			}
		} else {
			for (uint64_t i = 0; i < n; i++)
				one(r, type, i, &items[i]);
		}
		out->kind = FV_LIST;
		out->list.items = items;
		out->list.n = (uint32_t)n;
		out->list.any = false;
	}
}

static bool plugin_family(const struct extract_evt *x, uint32_t id, const char *arg,
			  struct extract_scratch *sc, struct fval *out)
{
	plugin_field(x, id, arg, sc, out);
	return true;
}

XT_FAMILY(plugin, plugin_family)
