/* Dynamic values: what plugins attach to threads and fds (the fields they
 * add to the threads and file_descriptors tables), kept by the state with
 * the entry and freed with it. An entry's values are a small array of typed
 * slots, grown on the first write of a slot, each number or owned string;
 * slot numbers and types are the plugin table layer's (runtime). */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

struct state_dynv {
	uint32_t n;
	struct {
		uint8_t kind;	/* 0 unset, 1 number, 2 string */
		union {
			uint64_t num;
			char *str;
		};
	} v[];
};

void state_dynv_free(struct state_dynv *v)
{
	if (!v)
		return;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->v[i].kind == 2)
			mem_free(v->v[i].str);
	mem_free(v);
}

struct state_dynv *state_dynv_dup(const struct state_dynv *v)
{
	struct state_dynv *c;

	if (!v)
		return NULL;
	c = mem_calloc(1, sizeof(*c) + v->n * sizeof(c->v[0]));
	if (!c)
		return NULL;
	c->n = v->n;
	for (uint32_t i = 0; i < v->n; i++) {
		c->v[i] = v->v[i];
		if (v->v[i].kind == 2 && !(c->v[i].str = mem_strdup(v->v[i].str))) {
			c->v[i].kind = 0;
			state_dynv_free(c);
			return NULL;
		}
	}
	return c;
}

bool state_dynv_num(const struct state_dynv *v, uint32_t slot, uint64_t *out)
{
	if (!v || slot >= v->n || v->v[slot].kind != 1)
		return false;
	*out = v->v[slot].num;
	return true;
}

const char *state_dynv_str(const struct state_dynv *v, uint32_t slot)
{
	if (!v || slot >= v->n || v->v[slot].kind != 2)
		return NULL;
	return v->v[slot].str;
}

/* Room for slot in *v. */
static int reserve(struct state_dynv **v, uint32_t slot)
{
	struct state_dynv *nv;
	uint32_t n = *v ? (*v)->n : 0;

	if (slot >= STATE_DYNV_MAX)
		return -ERANGE;
	if (slot < n)
		return 0;
	nv = mem_realloc(*v, sizeof(*nv) + (slot + 1) * sizeof(nv->v[0]));
	if (!nv)
		return -ENOMEM;
	memset(&nv->v[n], 0, (slot + 1 - n) * sizeof(nv->v[0]));
	nv->n = slot + 1;
	*v = nv;
	return 0;
}

int state_dynv_set_num(struct state_dynv **v, uint32_t slot, uint64_t num)
{
	int err = reserve(v, slot);

	if (err)
		return err;
	if ((*v)->v[slot].kind == 2)
		mem_free((*v)->v[slot].str);
	(*v)->v[slot].kind = 1;
	(*v)->v[slot].num = num;
	return 0;
}

int state_dynv_set_str(struct state_dynv **v, uint32_t slot, const char *s)
{
	char *c = mem_strdup(s ? s : "");
	int err;

	if (!c)
		return -ENOMEM;
	if ((err = reserve(v, slot))) {
		mem_free(c);
		return err;
	}
	if ((*v)->v[slot].kind == 2)
		mem_free((*v)->v[slot].str);
	(*v)->v[slot].kind = 2;
	(*v)->v[slot].str = c;
	return 0;
}
