/* The config layer of a rules file or plugin artifact (JSON): name,
 * version, dependencies on other artifacts (with alternatives) and
 * requirements on the engine. Prefix art_config_. */
#pragma once
#include <stddef.h>

#define ART_CONFIG_MAX_BYTES (1u << 20)
#define ART_CONFIG_MAX_ITEMS 256

struct art_dep {
	char *name, *version;
	struct art_dep *alts;	/* alternatives: any one satisfies the dependency */
	size_t nalts;
};

struct art_req {
	char *name, *version;	/* "engine_version_semver", "0.31.0" */
};

struct art_config {
	char *name, *version;	/* NULL when absent */
	struct art_dep *deps;
	size_t ndeps;
	struct art_req *reqs;
	size_t nreqs;
};

/* -EINVAL (logged, naming the member) on a malformed document. Owned. */
int art_config_parse(const char *what, const char *buf, size_t len, struct art_config *out);
void art_config_release(struct art_config *c);
