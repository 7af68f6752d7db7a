/* Older event layouts in captures upgraded on read, as Falco's capture
 * reader upgrades them (scap_convert.h): the exits of read, pread, bind,
 * socket and listen that lack the parameters their enter events carried
 * get them appended from the thread's enter event (zeros when it was not
 * recorded), and an old accept exit becomes the current five-parameter one. */
#include "runtime/scap_convert.h"

#include <errno.h>
#include <string.h>

#include "bpf/shared/ppm_hdr.h"
#include "runtime/base/evt_schema.h"

/* One conversion: an event code with exactly nparams parameters. */
enum conv_action { CONV_STORE = 1, CONV_ADD_FROM_ENTER, CONV_TO_ACCEPT5 };

static const struct conv_rule {
	uint16_t code;
	uint8_t nparams;
	uint8_t action;		/* enum conv_action */
	uint8_t nadd;		/* parameters taken from the enter event, in order */
} rules[] = {
	{ PPME_SYSCALL_READ_E, 2, CONV_STORE, 0 },
	{ PPME_SYSCALL_READ_X, 2, CONV_ADD_FROM_ENTER, 2 },
	{ PPME_SYSCALL_PREAD_E, 3, CONV_STORE, 0 },
	{ PPME_SYSCALL_PREAD_X, 2, CONV_ADD_FROM_ENTER, 3 },
	{ PPME_SOCKET_BIND_E, 1, CONV_STORE, 0 },
	{ PPME_SOCKET_BIND_X, 2, CONV_ADD_FROM_ENTER, 1 },
	{ PPME_SOCKET_SOCKET_E, 3, CONV_STORE, 0 },
	{ PPME_SOCKET_SOCKET_X, 1, CONV_ADD_FROM_ENTER, 3 },
	{ PPME_SOCKET_LISTEN_E, 2, CONV_STORE, 0 },
	{ PPME_SOCKET_LISTEN_X, 1, CONV_ADD_FROM_ENTER, 2 },
	{ PPME_SOCKET_ACCEPT_X, 3, CONV_TO_ACCEPT5, 0 },
};

void scap_conv__init(struct scap_conv *c)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		c->has_rule[rules[i].code / 8] |= (uint8_t)(1u << (rules[i].code % 8));
}

static const struct conv_rule *rule_of(const struct scap_conv *c, const struct evt *e)
{
	if (!scap_conv_may_apply(c, e->type))
		return NULL;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].code == e->type && rules[i].nparams == e->nparams)
			return &rules[i];
	return NULL;
}

static uint32_t slot_of(int64_t tid)
{
	uint64_t h = (uint64_t)tid * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) & (SCAP_CONV_SLOTS - 1);
}

/* Appends parameter i of src (or, src NULL, the zero value of the new
 * event's parameter k) to the record being built. */
struct builder {
	uint8_t *buf;
	size_t cap;
	uint32_t nparams, off;
	bool full;
};

static void push(struct builder *b, const uint8_t *p, uint32_t len)
{
	uint16_t l = (uint16_t)len;

	if (b->full || len > 0xffff || PPM_HDR_LEN + 2u * (b->nparams + 1) > b->off ||
	    b->off + len > b->cap) {
		b->full = true;
		return;
	}
	memcpy(b->buf + PPM_HDR_LEN + 2 * b->nparams, &l, 2);
	if (len) {
		if (p)
			memcpy(b->buf + b->off, p, len);
		else
			memset(b->buf + b->off, 0, len);
	}
	b->off += len;
	b->nparams++;
}

static int build(struct scap_conv *c, const struct evt *e, const struct conv_rule *r,
		 const struct evt *enter, struct evt *out)
{
	uint16_t type = r->action == CONV_TO_ACCEPT5 ? PPME_SOCKET_ACCEPT_5_X : e->type;
	const struct evt_info *ni = evt_schema_get(type);
	uint32_t total = r->action == CONV_TO_ACCEPT5 ? 5 : e->nparams + r->nadd;
	struct builder b = { .buf = c->buf, .cap = sizeof(c->buf) };
	struct ppm_hdr h;
	uint32_t len;
	const uint8_t *p;

	if (!ni || total > ni->nparams)
		return 0;
	b.off = PPM_HDR_LEN + 2 * total;
	for (uint32_t i = 0; i < e->nparams; i++) {
		p = evt_param(e, i, &len);
		push(&b, p, len);
	}
	for (uint32_t k = e->nparams; k < total; k++) {
		uint32_t from = k - e->nparams;

		if (r->action == CONV_ADD_FROM_ENTER && enter && from < enter->nparams) {
			p = evt_param(enter, from, &len);
			push(&b, p, len);
		} else {
			push(&b, NULL, evt_schema_int_size(ni->params[k].type));
		}
	}
	if (b.full)
		return 0;
	h.ts = e->ts;
	h.tid = (uint64_t)e->tid;
	h.len = b.off;
	h.type = type;
	h.nparams = total;
	memcpy(c->buf, &h, sizeof(h));
	if (evt_decode(out, c->buf, b.off))
		return 0;
	out->cpu = e->cpu;
	out->flags = e->flags;
	c->converted++;
	return 1;
}

int scap_conv__apply(struct scap_conv *c, const struct evt *e, struct evt *out)
{
	const struct conv_rule *r;

	r = rule_of(c, e);
	struct scap_conv_slot *s;
	struct evt enter;
	bool have;

	if (!r)
		return 0;
	s = &c->slots[slot_of(e->tid)];
	switch (r->action) {
	case CONV_STORE:
		if (e->len > sizeof(s->rec))
			return 0;
		if (s->len && s->tid != e->tid)
			c->evicted++;
		memcpy(s->rec, e->raw, e->len);
		s->len = e->len;
		s->tid = e->tid;
		return 0;
	default:
		have = s->len && s->tid == e->tid && !evt_decode(&enter, s->rec, s->len) &&
		       enter.type + 1 == e->type;
		if (s->tid == e->tid)
			s->len = 0;	/* an exit ends its enter's use */
		return build(c, e, r, have ? &enter : NULL, out);
	}
}
