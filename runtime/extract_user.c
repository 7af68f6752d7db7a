/* The user.* and group.* fields (libsinsp's user and group checks): the
 * event thread's effective user and group and its audit login user, named
 * from the state's user and group tables. An id the tables do not know
 * reads as Falco's stand-in: "root" and "/root" for id 0, else "<NA>". */
#include <stdint.h>

#include "runtime/extract_int.h"

#define NO_ID 0xffffffffu

static const char *user_text(const struct extract_evt *x, int64_t uid, uint32_t id)
{
	const struct state_user *u =
		x->st && uid >= 0 && uid <= NO_ID ? state__user(x->st, (uint32_t)uid) : NULL;

	if (u)
		return id == FID_USER_HOMEDIR ? u->homedir : id == FID_USER_SHELL ? u->shell : u->name;
	if (id == FID_USER_SHELL || uid != 0)
		return "<NA>";
	return id == FID_USER_HOMEDIR ? "/root" : "root";
}

static bool user_field(const struct extract_evt *x, uint32_t id, const char *arg,
		      struct extract_scratch *sc, struct fval *out)
{
	const struct thr *t = x->cur.thr;
	const struct state_group *g;

	(void)arg;
	(void)sc;
	xt_none(out);
	switch (id) {
	case FID_USER_UID: if (t) fval_set_u64(out, t->uid); break;
	case FID_USER_NAME: case FID_USER_HOMEDIR: case FID_USER_SHELL:
		if (t)
			xt_cstr(out, user_text(x, t->uid, id));
		break;
	case FID_USER_LOGINUID:
		if (t)
			fval_set_s64(out, t->loginuid >= 0 && t->loginuid < NO_ID ? t->loginuid : -1);
		break;
	case FID_USER_LOGINNAME:
		if (t)
			xt_cstr(out, user_text(x, t->loginuid < 0 ? NO_ID : t->loginuid, FID_USER_NAME));
		break;
	case FID_GROUP_GID: if (t) fval_set_u64(out, t->gid); break;
	case FID_GROUP_NAME:
		if (!t)
			break;
		g = x->st ? state__group(x->st, t->gid) : NULL;
		xt_cstr(out, g ? g->name : t->gid == 0 ? "root" : "<NA>");
		break;
	default:
		return false;
	}
	return true;
}

XT_FAMILY(user, user_field)
