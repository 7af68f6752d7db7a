/* index.yaml: parsing with located errors, merging of several indexes,
 * keyword search, and writing in the canonical (sorted) form. */
#include "runtime/artifact/index.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/artifact/yfile.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

static void entry_release(struct index_entry *e)
{
	mem_free(e->name);
	mem_free(e->type);
	mem_free(e->registry);
	mem_free(e->repository);
	mem_free(e->description);
	mem_free(e->home);
	mem_free(e->license);
	for (size_t i = 0; i < e->nkeywords; i++)
		mem_free(e->keywords[i]);
	mem_free(e->keywords);
	for (size_t i = 0; i < e->nsources; i++)
		mem_free(e->sources[i]);
	mem_free(e->sources);
	for (size_t i = 0; i < e->nmaints; i++) {
		mem_free(e->maints[i].name);
		mem_free(e->maints[i].email);
	}
	mem_free(e->maints);
	mem_free(e->cosign.key);
	mem_free(e->cosign.identity);
	mem_free(e->cosign.identity_regexp);
	mem_free(e->cosign.issuer);
	mem_free(e->cosign.issuer_regexp);
	memset(e, 0, sizeof(*e));
}

static int dup_member(const struct yfile *y, const struct ydoc_node *m, const char *key,
		      bool required, char **out)
{
	const char *s;
	int err = yfile_str(y, m, key, required, &s);

	*out = NULL;
	if (err || !s)
		return err;
	*out = mem_strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* A sequence of strings (keywords, sources). */
static int str_list(const struct yfile *y, const struct ydoc_node *m, const char *key,
		    char ***out, size_t *n)
{
	const struct ydoc_node *s = ydoc_map_get(m, key);
	char msg[128];

	*out = NULL;
	*n = 0;
	if (!s || s->kind == YDOC_NULL)
		return 0;
	snprintf(msg, sizeof(msg), "'%s' must be a list of strings", key);
	if (s->kind != YDOC_SEQ)
		return yfile_err(y, s, msg);
	*out = mem_calloc(s->n + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		if (s->kids[i]->kind != YDOC_SCALAR)
			return yfile_err(y, s->kids[i], msg);
		if (!((*out)[(*n)++] = mem_strdup(s->kids[i]->str)))
			return -ENOMEM;
	}
	return 0;
}

static int parse_cosign(const struct yfile *y, const struct ydoc_node *m, struct index_cosign *c)
{
	const struct ydoc_node *sig = ydoc_map_get(m, "signature"), *cs;
	int err;

	if (!sig || sig->kind == YDOC_NULL)
		return 0;
	if (sig->kind != YDOC_MAP)
		return yfile_err(y, sig, "'signature' must be a mapping");
	cs = ydoc_map_get(sig, "cosign");
	if (!cs || cs->kind == YDOC_NULL)
		return 0;
	if (cs->kind != YDOC_MAP)
		return yfile_err(y, cs, "'signature.cosign' must be a mapping");
	c->present = true;
	if ((err = dup_member(y, cs, "key", false, &c->key)) ||
	    (err = dup_member(y, cs, "certificate-identity", false, &c->identity)) ||
	    (err = dup_member(y, cs, "certificate-identity-regexp", false, &c->identity_regexp)) ||
	    (err = dup_member(y, cs, "certificate-oidc-issuer", false, &c->issuer)) ||
	    (err = dup_member(y, cs, "certificate-oidc-issuer-regexp", false, &c->issuer_regexp)))
		return err;
	return 0;
}

static int parse_entry(const struct yfile *y, const struct ydoc_node *m, struct index_entry *e)
{
	const struct ydoc_node *mt;
	int err;

	if (m->kind != YDOC_MAP)
		return yfile_err(y, m, "an index entry must be a mapping");
	if ((err = dup_member(y, m, "name", true, &e->name)) ||
	    (err = dup_member(y, m, "type", true, &e->type)) ||
	    (err = dup_member(y, m, "registry", true, &e->registry)) ||
	    (err = dup_member(y, m, "repository", true, &e->repository)) ||
	    (err = dup_member(y, m, "description", false, &e->description)) ||
	    (err = dup_member(y, m, "home", false, &e->home)) ||
	    (err = dup_member(y, m, "license", false, &e->license)) ||
	    (err = str_list(y, m, "keywords", &e->keywords, &e->nkeywords)) ||
	    (err = str_list(y, m, "sources", &e->sources, &e->nsources)) ||
	    (err = parse_cosign(y, m, &e->cosign)))
		return err;
	mt = ydoc_map_get(m, "maintainers");
	if (!mt || mt->kind == YDOC_NULL)
		return 0;
	if (mt->kind != YDOC_SEQ)
		return yfile_err(y, mt, "'maintainers' must be a list");
	e->maints = mem_calloc(mt->n + 1, sizeof(*e->maints));
	if (!e->maints)
		return -ENOMEM;
	for (size_t i = 0; i < mt->n; i++) {
		struct index_maint *mm = &e->maints[e->nmaints++];

		if (mt->kids[i]->kind != YDOC_MAP)
			return yfile_err(y, mt->kids[i], "a maintainer must be a mapping");
		if ((err = dup_member(y, mt->kids[i], "name", false, &mm->name)) ||
		    (err = dup_member(y, mt->kids[i], "email", false, &mm->email)))
			return err;
	}
	return 0;
}

int index_parse(const char *what, const char *text, size_t len, struct index *out)
{
	struct yfile y;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > INDEX_MAX_BYTES) {
		log_error("%s: larger than %u bytes", what, INDEX_MAX_BYTES);
		return -EINVAL;
	}
	if ((err = yfile_parse(what, text, len, &y)))
		return err;
	if (!y.root || y.root->kind == YDOC_NULL)
		goto out;
	if (y.root->kind != YDOC_SEQ) {
		err = yfile_err(&y, y.root, "an index is a list of entries");
		goto out;
	}
	if (y.root->n > INDEX_MAX_ENTRIES) {
		err = yfile_err(&y, y.root, "too many entries");
		goto out;
	}
	out->e = mem_calloc(y.root->n + 1, sizeof(*out->e));
	if (!out->e) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < y.root->n; i++) {
		const struct ydoc_node *item = y.root->kids[i];
		char msg[300];

		out->n++;
		if ((err = parse_entry(&y, item, &out->e[i])))
			goto out;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(out->e[k].name, out->e[i].name))
				continue;
			snprintf(msg, sizeof(msg), "duplicate entry '%s'", out->e[i].name);
			err = yfile_err(&y, item, msg);
			goto out;
		}
	}
out:
	yfile_release(&y);
	if (err)
		index_release(out);
	return err;
}

void index_release(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		entry_release(&ix->e[i]);
	mem_free(ix->e);
	memset(ix, 0, sizeof(*ix));
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct index_entry *)a)->name, ((const struct index_entry *)b)->name);
}

static void kv(struct strbuf *sb, const char *indent, const char *key, const char *v)
{
	if (!v)
		return;
	strbuf_printf(sb, "%s%s: ", indent, key);
	yfile_add_str(sb, v);
	strbuf_addc(sb, '\n');
}

static void list(struct strbuf *sb, const char *key, char **v, size_t n)
{
	if (!n)
		return;
	strbuf_printf(sb, "  %s:\n", key);
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(sb, "    - ");
		yfile_add_str(sb, v[i]);
		strbuf_addc(sb, '\n');
	}
}

void index_write(const struct index *ix, struct strbuf *out)
{
	struct index_entry *e = ix->n ? mem_calloc(ix->n, sizeof(*e)) : NULL;

	if (ix->n && !e) {
		out->oom = true;
		return;
	}
	if (ix->n)
		memcpy(e, ix->e, ix->n * sizeof(*e));
	if (ix->n)
		qsort(e, ix->n, sizeof(*e), cmp_entry);
	if (!ix->n)
		strbuf_adds(out, "[]\n");
	for (size_t i = 0; i < ix->n; i++) {
		strbuf_adds(out, "- name: ");
		yfile_add_str(out, e[i].name);
		strbuf_addc(out, '\n');
		kv(out, "  ", "type", e[i].type);
		kv(out, "  ", "registry", e[i].registry);
		kv(out, "  ", "repository", e[i].repository);
		if (e[i].cosign.present) {
			strbuf_adds(out, "  signature:\n    cosign:\n");
			kv(out, "      ", "key", e[i].cosign.key);
			kv(out, "      ", "certificate-identity", e[i].cosign.identity);
			kv(out, "      ", "certificate-identity-regexp", e[i].cosign.identity_regexp);
			kv(out, "      ", "certificate-oidc-issuer", e[i].cosign.issuer);
			kv(out, "      ", "certificate-oidc-issuer-regexp", e[i].cosign.issuer_regexp);
		}
		kv(out, "  ", "description", e[i].description);
		kv(out, "  ", "home", e[i].home);
		list(out, "keywords", e[i].keywords, e[i].nkeywords);
		kv(out, "  ", "license", e[i].license);
		if (e[i].nmaints)
			strbuf_adds(out, "  maintainers:\n");
		for (size_t k = 0; k < e[i].nmaints; k++) {
			strbuf_adds(out, "    - ");
			if (e[i].maints[k].email) {
				kv(out, "", "email", e[i].maints[k].email);
				kv(out, "      ", "name", e[i].maints[k].name);
			} else {
				kv(out, "", "name", e[i].maints[k].name ? e[i].maints[k].name : "");
			}
		}
		list(out, "sources", e[i].sources, e[i].nsources);
	}
	mem_free(e);
}

const struct index_entry *index_find(const struct index *ix, const char *name)
{
	for (size_t i = 0; i < ix->n; i++)
		if (!strcmp(ix->e[i].name, name))
			return &ix->e[i];
	return NULL;
}

int index_merge(struct index *into, struct index *from, const char *index_name)
{
	struct index_entry *ne = mem_reallocarray(into->e, into->n + from->n + 1, sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	into->e = ne;
	for (size_t i = 0; i < from->n; i++) {
		struct index_entry *old = (struct index_entry *)index_find(into, from->e[i].name);

		from->e[i].index_name = index_name;
		if (old) {
			entry_release(old);
			*old = from->e[i];
		} else {
			into->e[into->n++] = from->e[i];
		}
	}
	mem_free(from->e);
	from->e = NULL;
	from->n = 0;
	return 0;
}

static size_t edit_distance(const char *s, const char *t)
{
	size_t ls = strlen(s), lt = strlen(t), *row, best;

	if (ls > 256 || lt > 256)
		return ls > lt ? ls : lt;
	row = mem_calloc(lt + 1, sizeof(*row));
	if (!row)
		return ls > lt ? ls : lt;
	for (size_t j = 0; j <= lt; j++)
		row[j] = j;
	for (size_t i = 1; i <= ls; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lt; j++) {
			size_t up = row[j], v;

			v = tolower((unsigned char)s[i - 1]) == tolower((unsigned char)t[j - 1])
				    ? diag
				    : 1 + (diag < up ? (diag < row[j - 1] ? diag : row[j - 1])
						    : (up < row[j - 1] ? up : row[j - 1]));
			diag = up;
			row[j] = v;
		}
	}
	best = row[lt];
	mem_free(row);
	return best;
}

bool index_entry_matches(const struct index_entry *e, const char *keyword, double min_score)
{
	size_t ln = strlen(e->name), lk = strlen(keyword), longer = ln > lk ? ln : lk;

	if (longer && (double)(longer - edit_distance(e->name, keyword)) / (double)longer >= min_score)
		return true;
	for (size_t i = 0; i < e->nkeywords; i++)
		if (strstr(e->keywords[i], keyword))
			return true;
	return false;
}
