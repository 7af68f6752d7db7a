/* The artifact tool's settings, with falcoctl's configuration keys
 * (indexes, registry.auth.basic, artifact.allowedTypes, artifact.noVerify,
 * artifact.install.*, artifact.follow.* with refs, every, rulesfilesdir,
 * pluginsdir, statedir) plus saker's own (registry.tls.cafile,
 * artifact.signature.cosign.key, artifact.follow.pidfile and pid), read
 * from a falcoctl.yaml-shaped file or saker's own configuration file. Key
 * names match without regard to case, '_' or '-' (rulesFilesDir,
 * rulesfiles_dir). Prefix settings_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "runtime/artifact/oci.h"

struct settings_list {
	char **v;
	size_t n;
};

struct settings_index {
	char *name, *url, *backend;
};

struct settings {
	struct settings_index *indexes;
	size_t nindexes;
	struct oci_cred *creds;			/* strings owned */
	size_t ncreds;
	char *cafile;
	unsigned allowed_types;			/* 0: every type */
	bool no_verify, resolve_deps;
	struct settings_list keys;		/* public keys (PEM files) */
	struct settings_list install_refs, follow_refs;
	char *install_dirs[3], *follow_dirs[3];	/* by art_type (rulesfile, plugin, asset) */
	unsigned long every_ms;			/* 0: not set */
	char *state_dir, *pidfile;
	long pid;
};

/* Reads the keys above from a YAML file; others are ignored. -EINVAL
 * (logged with file:line:col) on a value of the wrong kind. */
int settings_load(struct settings *s, const char *path);
void settings_release(struct settings *s);
/* Parses a duration as falcoctl writes it ("6h", "1m30s", "500ms", or
 * plain seconds) into milliseconds. -EINVAL when it is not one. */
int settings_duration(const char *s, unsigned long *ms);
/* Appends a copy of v. */
int settings_list_add(struct settings_list *l, const char *v);
/* Replaces *dst with a copy of v. */
int settings_set_str(char **dst, const char *v);
