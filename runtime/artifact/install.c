/* The install pipeline. Everything is fetched and checked in memory;
 * the destination is written last, one atomic rename per file. */
#include "runtime/artifact/install.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler/ruleset.h"
#include "runtime/artifact/art_config.h"
#include "runtime/artifact/fsx.h"
#include "runtime/artifact/manifest.h"
#include "runtime/artifact/ref.h"
#include "runtime/artifact/require.h"
#include "runtime/artifact/tgz.h"
#include "runtime/artifact/verify.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define INSTALL_MAX_DEPTH 8
#define INSTALL_MAX_LAYER (256u << 20)

/* An artifact fetched and checked, ready to be written. */
struct fetched {
	char *ref;			/* full reference or URL */
	char digest[DIGEST_STR_LEN];	/* root digest (what is signed) */
	enum art_type type;
	struct art_config cfg;
	struct tgz files;
	const struct index_entry *entry;	/* when named through the index */
};

static void fetched_release(struct fetched *f)
{
	mem_free(f->ref);
	art_config_release(&f->cfg);
	tgz_release(&f->files);
	memset(f, 0, sizeof(*f));
}

/* Full reference of ref: an index name becomes registry/repository:tag. */
static int full_ref(const struct install_opts *o, const char *ref, char **out,
		    const struct index_entry **entry)
{
	char *name, *tag, *digest;
	const struct index_entry *e;
	struct strbuf sb = STRBUF_INIT;
	int err;

	*entry = NULL;
	if (!ref_is_index_name(ref) || ref_is_url(ref)) {
		*out = mem_strdup(ref);
		return *out ? 0 : -ENOMEM;
	}
	if ((err = ref_split_name(ref, &name, &tag, &digest)))
		return err;
	e = o->index ? index_find(o->index, name) : NULL;
	if (!e) {
		log_error("cannot find %s among the configured indexes", name);
		err = -ENOENT;
	} else {
		strbuf_printf(&sb, "%s/%s%c%s", e->registry, e->repository, digest ? '@' : ':',
			      digest ? digest : tag ? tag : REF_DEFAULT_TAG);
		err = sb.oom ? -ENOMEM : 0;
		*out = sb.buf;
		*entry = e;
	}
	mem_free(name);
	mem_free(tag);
	mem_free(digest);
	return err;
}

/* The keys that apply to an artifact: the configured ones, else the key an
 * index entry names. *own is set when the keys were loaded here. */
static int keys_for(const struct install_opts *o, const struct index_entry *e,
		    const struct cosign_keys **keys, struct cosign_keys **own)
{
	*keys = NULL;
	*own = NULL;
	if (o->no_verify)
		return 0;
	if (o->keys) {
		*keys = o->keys;
		return 0;
	}
	if (!e || !e->cosign.present)
		return 0;
	if (!e->cosign.key) {
		log_error("signature check failed: index entry %s asks for keyless cosign verification "
			  "(certificate identity), which needs a configured public key here "
			  "(--key, or --no-verify to skip it)", e->name);
		return -ENOKEY;
	}
	{
		const char *p = e->cosign.key;
		int err = cosign_keys__load(&p, 1, own);

		*keys = *own;
		return err;
	}
}

static int fetch_url(const struct install_opts *o, const char *url, struct fetched *f,
		     const struct cosign_keys *keys)
{
	struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT, sigurl = STRBUF_INIT;
	struct http_opts ho = o->http;
	int err;

	ho.max_body = INSTALL_MAX_LAYER;
	if ((err = http_fetch(&ho, url, NULL, &data)))
		goto out;
	digest_sha256(data.buf, data.len, f->digest);
	f->type = o->url_type;
	if (keys) {
		strbuf_printf(&sigurl, "%s.sig", url);
		ho.max_body = 64u << 10;
		err = sigurl.oom ? -ENOMEM : http_fetch(&ho, sigurl.buf, NULL, &sig);
		if (err == -ENOENT) {
			log_error("signature check failed: %s is not signed (no %s)", url, sigurl.buf);
			err = -ENOKEY;
			goto out;
		}
		if (err)
			goto out;
		while (sig.len && (sig.buf[sig.len - 1] == '\n' || sig.buf[sig.len - 1] == '\r'))
			sig.buf[--sig.len] = '\0';
		if (cosign_verify(keys, data.buf, data.len, sig.buf)) {
			log_error("signature check failed: %s does not verify with the configured key(s)",
				  url);
			err = -EKEYREJECTED;
			goto out;
		}
	}
	err = tgz_read(url, data.buf, data.len, &f->files);
out:
	strbuf_release(&data);
	strbuf_release(&sig);
	strbuf_release(&sigurl);
	return err;
}

/* The manifest for this platform: root is the tag's document, which may be
 * an index of per-platform manifests. */
static int platform_manifest(const struct install_opts *o, const struct ref *r,
			     const struct strbuf *root, struct oci_manifest *m)
{
	struct strbuf body = STRBUF_INIT;
	const struct oci_desc *d;
	char dg[DIGEST_STR_LEN];
	int err;

	if ((err = manifest_parse(r->repo, root->buf, root->len, m)) || !m->is_index)
		return err;
	d = manifest_platform(m, o->os, o->arch);
	if (!d) {
		log_error("%s/%s: no manifest for platform %s/%s", r->registry, r->repo, o->os, o->arch);
		manifest_release(m);
		return -ENOENT;
	}
	err = oci_get_manifest(o->oci, r->registry, r->repo, d->digest, &body, dg);
	manifest_release(m);
	if (!err)
		err = manifest_parse(r->repo, body.buf, body.len, m);
	if (!err && m->is_index) {
		log_error("%s/%s: nested image index", r->registry, r->repo);
		manifest_release(m);
		err = -EINVAL;
	}
	strbuf_release(&body);
	return err;
}

static int fetch_oci(const struct install_opts *o, const char *full, struct fetched *f,
		     const struct cosign_keys *keys, bool meta_only)
{
	struct strbuf root = STRBUF_INIT, cfg = STRBUF_INIT, layer = STRBUF_INIT;
	struct oci_manifest m = { 0 };
	const struct oci_desc *l;
	struct ref r;
	int err, t;

	if ((err = ref_parse(full, &r)))
		return err;
	err = oci_get_manifest(o->oci, r.registry, r.repo, r.digest ? r.digest : r.tag, &root,
			       f->digest);
	if (err || (err = platform_manifest(o, &r, &root, &m)))
		goto out;
	if (!m.ndescs) {
		log_error("%s: the manifest has no layer", full);
		err = -EINVAL;
		goto out;
	}
	l = &m.descs[0];
	t = art_type_from_layer_media(l->media_type);
	if (t < 0) {
		log_error("%s: unknown media type '%s': not a rules file, plugin or asset artifact",
			  full, l->media_type ? l->media_type : "");
		err = -EINVAL;
		goto out;
	}
	f->type = (enum art_type)t;
	if (o->allowed_types && !(o->allowed_types & ART_TYPE_BIT(t))) {
		log_error("%s: artifact type %s is not among the allowed types", full,
			  art_type_name(f->type));
		err = -EPERM;
		goto out;
	}
	if (m.config.media_type && strcmp(m.config.media_type, art_type_config_media(f->type)))
		log_warn("%s: config media type '%s' is not %s's", full, m.config.media_type,
			 art_type_name(f->type));
	if ((err = oci_get_blob(o->oci, r.registry, r.repo, m.config.digest, ART_CONFIG_MAX_BYTES,
				&cfg)) ||
	    (err = art_config_parse(m.config.digest, cfg.buf, cfg.len, &f->cfg)) ||
	    (!meta_only && (err = require_check(full, &f->cfg))))
		goto out;
	if (meta_only)
		goto out;
	if (keys && (err = verify_oci(o->oci, r.registry, r.repo, f->digest, keys)))
		goto out;
	if ((size_t)l->size > INSTALL_MAX_LAYER) {
		log_error("%s: layer of %lld bytes is larger than %u", full, l->size, INSTALL_MAX_LAYER);
		err = -EFBIG;
		goto out;
	}
	if ((err = oci_get_blob(o->oci, r.registry, r.repo, l->digest, INSTALL_MAX_LAYER, &layer)))
		goto out;
	err = tgz_read(full, layer.buf, layer.len, &f->files);
out:
	manifest_release(&m);
	strbuf_release(&root);
	strbuf_release(&cfg);
	strbuf_release(&layer);
	ref_release(&r);
	return err;
}

static int fetch(const struct install_opts *o, const char *ref, struct fetched *f, bool meta_only)
{
	const struct cosign_keys *keys;
	struct cosign_keys *own;
	int err;

	memset(f, 0, sizeof(*f));
	if ((err = full_ref(o, ref, &f->ref, &f->entry)) ||
	    (err = keys_for(o, f->entry, &keys, &own)))
		goto out;
	if (f->entry && art_type_from_name(f->entry->type) < 0)
		log_warn("index entry %s: unknown type '%s'", f->entry->name, f->entry->type);
	err = ref_is_url(f->ref) ? fetch_url(o, f->ref, f, keys) : fetch_oci(o, f->ref, f, keys, meta_only);
	cosign_keys__free(own);
out:
	if (err)
		fetched_release(f);
	return err;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcmp(s + n - k, suf);
}

/* Rules files must load and compile without error. */
static int validate(const struct fetched *f)
{
	struct ruleset *rs;
	struct strbuf sb = STRBUF_INIT;
	size_t nrules = 0;
	int err;

	if (f->type == ART_PLUGIN) {
		for (size_t i = 0; i < f->files.n; i++) {
			const struct tgz_file *tf = &f->files.files[i];

			if (has_suffix(tf->name, ".so") &&
			    (tf->data.len < 4 || memcmp(tf->data.buf, "\177ELF", 4))) {
				log_error("%s: plugin %s is not an ELF shared object", f->ref, tf->name);
				return -EINVAL;
			}
		}
		return 0;
	}
	if (f->type != ART_RULESFILE)
		return 0;
	if ((err = ruleset__new(&rs)))
		return err;
	for (size_t i = 0; i < f->files.n && err != -ENOMEM; i++) {
		const struct tgz_file *tf = &f->files.files[i];

		if (!has_suffix(tf->name, ".yaml") && !has_suffix(tf->name, ".yml"))
			continue;
		nrules++;
		err = ruleset__load_text(rs, tf->name, tf->data.buf ? tf->data.buf : "", tf->data.len);
	}
	if (err != -ENOMEM)
		err = ruleset__compile(rs);
	if (!nrules) {
		log_error("%s: the rules file artifact holds no .yaml file", f->ref);
		err = -EINVAL;
	} else if (err || rs->diags.nerr) {
		for (size_t i = 0; i < rs->diags.n; i++)
			if (diag_code_is_error(rs->diags.items[i]->code))
				diag_format_text(rs->diags.items[i], &sb);
		log_error("rules validation failed: %s does not compile:\n%s", f->ref,
			  sb.buf ? sb.buf : "");
		err = err ? err : -EINVAL;
	}
	strbuf_release(&sb);
	ruleset__free(rs);
	return err;
}

static int write_files(const struct install_opts *o, const struct fetched *f)
{
	const char *dir = o->dirs[f->type];
	int err = 0;

	if (!dir) {
		log_error("%s: no destination directory for %s artifacts", f->ref,
			  art_type_name(f->type));
		return -EINVAL;
	}
	if ((err = fsx_mkdirs(dir, 0755)))
		return err;
	for (size_t i = 0; i < f->files.n && !err; i++) {
		const struct tgz_file *tf = &f->files.files[i];
		struct strbuf path = STRBUF_INIT;
		char *slash;

		strbuf_printf(&path, "%s/%s", dir, tf->name);
		if (path.oom) {
			err = -ENOMEM;
			break;
		}
		slash = strrchr(path.buf, '/');
		*slash = '\0';
		err = fsx_mkdirs(path.buf, 0755);
		*slash = '/';
		if (!err)
			err = fsx_write_atomic(path.buf, tf->data.buf ? tf->data.buf : "", tf->data.len,
					       tf->mode & 0111 ? 0755 : 0644);
		if (!err)
			log_info("installed %s", path.buf);
		strbuf_release(&path);
	}
	return err;
}

/* Dependencies: satisfied by saker itself, or installed from the index. */
static int install_deps(const struct install_opts *o, const struct fetched *f, int depth)
{
	for (size_t i = 0; i < f->cfg.ndeps; i++) {
		const struct art_dep *d = &f->cfg.deps[i];
		const struct art_dep *pick = NULL;
		struct strbuf ref = STRBUF_INIT;
		int err;

		for (size_t k = 0; k <= d->nalts && !pick; k++) {
			const struct art_dep *c = k ? &d->alts[k - 1] : d;

			if (require_builtin_plugin(c->name, c->version)) {
				log_info("%s: dependency %s %s is provided by saker", f->ref, c->name,
					 c->version);
				pick = c;
			}
		}
		if (pick)
			continue;
		if (!o->resolve_deps) {
			log_warn("%s: dependency %s:%s is not installed (resolve dependencies to install it)",
				 f->ref, d->name, d->version);
			continue;
		}
		for (size_t k = 0; k <= d->nalts && !pick; k++) {
			const struct art_dep *c = k ? &d->alts[k - 1] : d;

			if (o->index && index_find(o->index, c->name))
				pick = c;
		}
		if (!pick) {
			log_error("%s: dependency %s:%s is not in any configured index", f->ref, d->name,
				  d->version);
			return -ENOENT;
		}
		if (depth >= INSTALL_MAX_DEPTH) {
			log_error("%s: dependencies nest deeper than %d", f->ref, INSTALL_MAX_DEPTH);
			return -ELOOP;
		}
		strbuf_printf(&ref, "%s:%s", pick->name, pick->version);
		if (ref.oom)
			return -ENOMEM;
		{
			struct fetched df;

			err = fetch(o, ref.buf, &df, false);
			if (!err && !(err = install_deps(o, &df, depth + 1)) && !(err = validate(&df)))
				err = write_files(o, &df);
			if (!err)
				log_info("dependency %s installed (%s)", ref.buf, df.digest);
			fetched_release(&df);
		}
		strbuf_release(&ref);
		if (err)
			return err;
	}
	return 0;
}

int install_artifact(const struct install_opts *o, const char *ref, char *digest)
{
	struct fetched f;
	int err;

	if ((err = fetch(o, ref, &f, false)))
		return err;
	if (!(err = validate(&f)) && !(err = install_deps(o, &f, 0)) && !(err = write_files(o, &f))) {
		log_info("%s: %s %s installed (%s)", ref, art_type_name(f.type),
			 f.cfg.version ? f.cfg.version : "", f.digest);
		if (digest)
			memcpy(digest, f.digest, DIGEST_STR_LEN);
	}
	fetched_release(&f);
	return err;
}

int install_resolve(const struct install_opts *o, const char *ref, struct install_target *t)
{
	const struct index_entry *e;
	struct strbuf body = STRBUF_INIT;
	struct ref r;
	int err;

	memset(t, 0, sizeof(*t));
	if ((err = full_ref(o, ref, &t->ref, &e)))
		goto out;
	if (ref_is_url(t->ref)) {
		struct http_opts ho = o->http;

		ho.max_body = INSTALL_MAX_LAYER;
		if (!(err = http_fetch(&ho, t->ref, NULL, &body)))
			digest_sha256(body.buf, body.len, t->digest);
	} else if (!(err = ref_parse(t->ref, &r))) {
		err = oci_get_manifest(o->oci, r.registry, r.repo, r.digest ? r.digest : r.tag, &body,
				       t->digest);
		ref_release(&r);
	}
out:
	strbuf_release(&body);
	if (err)
		install_target_release(t);
	return err;
}

void install_target_release(struct install_target *t)
{
	mem_free(t->ref);
	t->ref = NULL;
}

int install_info(const struct install_opts *o, const char *ref)
{
	struct fetched f;
	int err = fetch(o, ref, &f, true);

	if (err)
		return err;
	printf("reference:    %s\ndigest:       %s\ntype:         %s\n", f.ref, f.digest,
	       art_type_name(f.type));
	if (f.cfg.name)
		printf("name:         %s\n", f.cfg.name);
	if (f.cfg.version)
		printf("version:      %s\n", f.cfg.version);
	for (size_t i = 0; i < f.cfg.ndeps; i++) {
		printf("dependency:   %s:%s", f.cfg.deps[i].name, f.cfg.deps[i].version);
		for (size_t k = 0; k < f.cfg.deps[i].nalts; k++)
			printf(" | %s:%s", f.cfg.deps[i].alts[k].name, f.cfg.deps[i].alts[k].version);
		printf("\n");
	}
	for (size_t i = 0; i < f.cfg.nreqs; i++)
		printf("requirement:  %s %s\n", f.cfg.reqs[i].name, f.cfg.reqs[i].version);
	fetched_release(&f);
	return 0;
}
