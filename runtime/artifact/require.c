/* Requirements and built-in dependencies: the engine version comes from
 * the rule compiler's SAKER_ENGINE_VERSION, the plugins saker provides are
 * asked of the compiler itself (a required_plugin_versions item). */
#include "runtime/artifact/require.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ruleset.h"
#include "compiler/rules_load.h"
#include "runtime/base/log.h"

struct semver {
	unsigned long v[3];
	const char *pre;	/* after '-', up to '+' or the end; NULL when none */
	size_t prelen;
};

static bool semver_parse(const char *s, struct semver *o)
{
	memset(o, 0, sizeof(*o));
	if (s[0] == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		char *end;

		if (!isdigit((unsigned char)*s))
			return false;
		o->v[i] = strtoul(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return false;
	}
	if (*s == '-') {
		o->pre = ++s;
		o->prelen = strcspn(s, "+");
		if (!o->prelen)
			return false;
		s += o->prelen;
	}
	return *s == '\0' || *s == '+';
}

/* Pre-releases by SemVer's precedence: identifier by identifier (split at
 * '.'), numbers by value and below any other identifier, the others by
 * their bytes; when one runs out first, it is the older. */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && bn) {
		size_t al = 0, bl = 0;
		bool anum = true, bnum = true;
		int c;

		while (al < an && a[al] != '.')
			anum &= isdigit((unsigned char)a[al++]) != 0;
		while (bl < bn && b[bl] != '.')
			bnum &= isdigit((unsigned char)b[bl++]) != 0;
		if (anum && bnum) {
			unsigned long x = strtoul(a, NULL, 10), y = strtoul(b, NULL, 10);

			if (x != y)
				return x < y ? -1 : 1;
		} else if (anum != bnum) {
			return anum ? -1 : 1;
		} else if ((c = strncmp(a, b, al < bl ? al : bl)) || al != bl) {
			return c ? (c < 0 ? -1 : 1) : al < bl ? -1 : 1;
		}
		a += al + (al < an);
		an -= al + (al < an);
		b += bl + (bl < bn);
		bn -= bl + (bl < bn);
	}
	return an ? 1 : bn ? -1 : 0;
}

int require_semver_cmp(const char *a, const char *b, bool *ok)
{
	struct semver x, y;

	*ok = semver_parse(a, &x) && semver_parse(b, &y);
	if (!*ok)
		return 0;
	for (int i = 0; i < 3; i++)
		if (x.v[i] != y.v[i])
			return x.v[i] < y.v[i] ? -1 : 1;
	if (!x.pre || !y.pre)	/* a pre-release is older than the release */
		return x.pre ? -1 : y.pre ? 1 : 0;
	return pre_cmp(x.pre, x.prelen, y.pre, y.prelen);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* saker's value for a requirement name, NULL when it has none. */
static const char *offered(const char *name, char *buf, size_t n)
{
	if (!strcmp(name, "engine_version_semver"))
		return SAKER_ENGINE_VERSION;
	if (!strcmp(name, "engine_version")) {	/* Falco's integer form: the minor */
		const char *dot = strchr(SAKER_ENGINE_VERSION, '.');

		snprintf(buf, n, "%lu", strtoul(dot ? dot + 1 : "0", NULL, 10));
		return buf;
	}
	return NULL;
}

static int check_one(const char *what, const struct art_req *r)
{
	char buf[32];
	const char *have = offered(r->name, buf, sizeof(buf));
	bool ok;
	int c;

	if (!have) {
		log_error("%s: requirement %s %s: saker has no such capability", what, r->name,
			  r->version);
		return -EPERM;
	}
	if (all_digits(r->version)) {
		if (!all_digits(have) || strtoul(have, NULL, 10) < strtoul(r->version, NULL, 10))
			goto unmet;
		return 0;
	}
	c = require_semver_cmp(have, r->version, &ok);
	if (!ok) {
		log_error("%s: requirement %s: '%s' is not a semantic version", what, r->name,
			  r->version);
		return -EPERM;
	}
	if (strtoul(have, NULL, 10) != strtoul(r->version[0] == 'v' ? r->version + 1 : r->version,
					       NULL, 10) || c < 0)
		goto unmet;
	return 0;
unmet:
	log_error("%s: requirement %s %s not met: saker provides %s", what, r->name, r->version,
		  have);
	return -EPERM;
}

int require_check(const char *what, const struct art_config *c)
{
	for (size_t i = 0; i < c->nreqs; i++) {
		int err = check_one(what, &c->reqs[i]);

		if (err)
			return err;
	}
	return 0;
}

bool require_builtin_plugin(const char *name, const char *version)
{
	char text[512];
	struct ruleset *rs;
	bool ok;
	int n;

	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return false;
	for (const char *p = version; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.+", *p))
			return false;
	n = snprintf(text, sizeof(text),
		     "- required_plugin_versions:\n  - name: %s\n    version: %s\n", name, version);
	if (n < 0 || (size_t)n >= sizeof(text) || ruleset__new(&rs))
		return false;
	/* a plugin saker lacks is a warning (its rules are skipped): not provided */
	ok = !ruleset__load_text(rs, "dependency", text, (size_t)n) && !rs->diags.nerr &&
	     !rs->diags.nwarn;
	ruleset__free(rs);
	return ok;
}
