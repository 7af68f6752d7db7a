/* Container records (see ctr_meta.h): the runtime types' names and Falco
 * numbers from ctr_types.def, and the builder the runtime clients and the
 * container-event parser fill a record with. Every string and array of a
 * record is its own allocation, freed with it. */
#include "state/ctr_meta.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/base/mem.h"

/* The builders count what they allocate and free into the record's heap. */
#define META_HEAP_BEGIN() int64_t heap0_ = mem_thread_net()
#define META_HEAP_END(m) ((m)->heap += mem_thread_net() - heap0_)

static const char *const type_names[CTR_TYPE_MAX] = {
#define CTR_TYPE(e, name, falco) [CTR_TYPE_##e] = name,
#include "state/ctr_types.def"
#undef CTR_TYPE
};

static const uint32_t type_falco[CTR_TYPE_MAX] = {
	[CTR_TYPE_UNKNOWN] = 0xffff,
#define CTR_TYPE(e, name, falco) [CTR_TYPE_##e] = falco,
#include "state/ctr_types.def"
#undef CTR_TYPE
};

const char *ctr_type_name(uint8_t type)
{
	return type < CTR_TYPE_MAX ? type_names[type] : NULL;
}

uint32_t ctr_type_falco(uint8_t type)
{
	return type < CTR_TYPE_MAX ? type_falco[type] : 0xffff;
}

uint8_t ctr_type_from_falco(uint32_t n)
{
	for (uint8_t t = 1; t < CTR_TYPE_MAX; t++)
		if (type_falco[t] == n)
			return t;
	return CTR_TYPE_UNKNOWN;
}

struct ctr_meta *ctr_meta__new(void)
{
	META_HEAP_BEGIN();
	struct ctr_meta *m = mem_calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	META_HEAP_END(m);
	m->privileged = m->host_pid = m->host_network = m->host_ipc = -1;
	m->lookup = CTR_LOOKUP_SUCCESSFUL;
	return m;
}

static void free_labels(const struct ctr_label *l, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		mem_free((char *)l[i].key);
		mem_free((char *)l[i].value);
	}
	mem_free((void *)l);
}

void ctr_meta__free(struct ctr_meta *m)
{
	if (!m)
		return;
	const char *strs[] = {
		m->id, m->full_id, m->name, m->image, m->image_id, m->image_repo, m->image_tag,
		m->image_digest, m->user, m->healthcheck, m->liveness_probe, m->readiness_probe,
		m->cni_json, m->pod_sandbox_id,
	};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		mem_free((char *)strs[i]);
	for (uint32_t i = 0; i < m->nmounts; i++) {
		mem_free((char *)m->mounts[i].source);
		mem_free((char *)m->mounts[i].dest);
		mem_free((char *)m->mounts[i].mode);
		mem_free((char *)m->mounts[i].propagation);
	}
	mem_free((void *)m->mounts);
	free_labels(m->labels, m->nlabels);
	free_labels(m->pod_labels, m->npod_labels);
	mem_free(m);
}

static char *dup_n(const char *s, size_t n)
{
	return mem_strndup(s ? s : "", s ? (n == (size_t)-1 ? strlen(s) : n) : 0);
}

static int set(const char **member, const char *s, size_t n)
{
	char *c = dup_n(s, n);

	if (!c)
		return -ENOMEM;
	mem_free((char *)*member);
	*member = c;
	return 0;
}

int ctr_meta__set(struct ctr_meta *m, const char **member, const char *s, size_t n)
{
	META_HEAP_BEGIN();
	int err = set(member, s, n);

	META_HEAP_END(m);
	return err;
}

static int add_mount(struct ctr_meta *m, const char *source, const char *dest, const char *mode,
		     bool rdwr, const char *propagation)
{
	struct ctr_mount *v = mem_realloc((void *)m->mounts, (m->nmounts + 1) * sizeof(*v));
	struct ctr_mount *mt;

	if (!v)
		return -ENOMEM;
	m->mounts = v;
	mt = &v[m->nmounts];
	*mt = (struct ctr_mount){ .source = dup_n(source, (size_t)-1), .dest = dup_n(dest, (size_t)-1),
				  .mode = dup_n(mode, (size_t)-1),
				  .propagation = dup_n(propagation, (size_t)-1), .rdwr = rdwr };
	m->nmounts++;
	return mt->source && mt->dest && mt->mode && mt->propagation ? 0 : -ENOMEM;
}

int ctr_meta__add_mount(struct ctr_meta *m, const char *source, const char *dest,
			const char *mode, bool rdwr, const char *propagation)
{
	META_HEAP_BEGIN();
	int err = add_mount(m, source, dest, mode, rdwr, propagation);

	META_HEAP_END(m);
	return err;
}

static int add_label(struct ctr_meta *m, bool pod, const char *key, const char *value)
{
	const struct ctr_label **lp = pod ? &m->pod_labels : &m->labels;
	uint32_t *np = pod ? &m->npod_labels : &m->nlabels;
	struct ctr_label *v = (struct ctr_label *)*lp;
	char *val = dup_n(value, (size_t)-1);

	if (!val)
		return -ENOMEM;
	for (uint32_t i = 0; i < *np; i++) {
		if (!strcmp(v[i].key, key)) {
			mem_free((char *)v[i].value);
			v[i].value = val;
			return 0;
		}
	}
	v = mem_realloc(v, (*np + 1) * sizeof(*v));
	if (!v) {
		mem_free(val);
		return -ENOMEM;
	}
	*lp = v;
	v[*np] = (struct ctr_label){ .key = dup_n(key, (size_t)-1), .value = val };
	(*np)++;
	return v[*np - 1].key ? 0 : -ENOMEM;
}

int ctr_meta__add_label(struct ctr_meta *m, bool pod, const char *key, const char *value)
{
	META_HEAP_BEGIN();
	int err = add_label(m, pod, key, value);

	META_HEAP_END(m);
	return err;
}

const char *ctr_meta_label(const struct ctr_label *l, uint32_t n, const char *key)
{
	for (uint32_t i = 0; key && i < n; i++)
		if (l[i].key && !strcmp(l[i].key, key))
			return l[i].value;
	return NULL;
}

static int label_cmp(const void *a, const void *b)
{
	const struct ctr_label *x = a, *y = b;

	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

void ctr_meta__finish(struct ctr_meta *m)
{
	if (m->nlabels)
		qsort((void *)m->labels, m->nlabels, sizeof(*m->labels), label_cmp);
	if (m->npod_labels)
		qsort((void *)m->pod_labels, m->npod_labels, sizeof(*m->pod_labels), label_cmp);
	if ((!m->id || !*m->id) && m->full_id)
		ctr_meta__set(m, &m->id, m->full_id, strnlen(m->full_id, 12));
}

/* a[0..n) cut at the first sep: the part before in *l, after in *r. */
static bool cut(const char *a, size_t n, char sep, size_t *l, const char **r, size_t *rn)
{
	const char *p = memchr(a, sep, n);

	if (!p)
		return false;
	*l = (size_t)(p - a);
	*r = p + 1;
	*rn = n - *l - 1;
	return true;
}

static int split_image(struct ctr_meta *m, const char *image)
{
	size_t n = strlen(image), hl = 0, rn, nl, tn = 0, dn = 0;
	const char *rem = image, *tag = NULL, *dig = NULL, *r2;
	int err = 0;

	/* a registry (and port) before the first '/' belongs to the repository */
	if (cut(image, n, '/', &hl, &rem, &rn))
		hl++;
	else
		rn = n;
	nl = rn;
	if (cut(rem, rn, '@', &nl, &dig, &dn)) {
		if (cut(rem, nl, ':', &nl, &r2, &tn))
			tag = r2;
	} else if (cut(rem, rn, ':', &nl, &r2, &tn)) {
		tag = r2;
	}
	if (hl || nl) {
		char *repo = mem_malloc(hl + nl + 1);

		if (!repo)
			return -ENOMEM;
		memcpy(repo, image, hl);
		memcpy(repo + hl, rem, nl);
		repo[hl + nl] = '\0';
		mem_free((char *)m->image_repo);
		m->image_repo = repo;
	}
	if (tag && tn)
		err = set(&m->image_tag, tag, tn);
	if (!err && dig && dn)
		err = set(&m->image_digest, dig, dn);
	return err;
}

int ctr_meta__split_image(struct ctr_meta *m, const char *image)
{
	META_HEAP_BEGIN();
	int err = split_image(m, image);

	META_HEAP_END(m);
	return err;
}
