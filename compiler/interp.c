/* interp: memoised evaluation of the shared IR DAG. */
#include "compiler/interp.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler/fields.h"
#include "compiler/ir.h"
#include "compiler/irop_rt.h"
#include "compiler/ruleset.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/base/strmap.h"

/* A node of the evaluation program (one per IR node). */
struct inode {
	const struct ir_node *ir;
	uint32_t lhs, rhs;		/* field operand ids (rhs: val()/xform only) */
	struct irop_rhs cmp;
	bool compiled;
};

/* A field operand: a field, or a transformer over one. */
struct ifield {
	const struct ir_opnd *o;
	uint32_t inner;			/* transformer: id of its operand */
	struct strbuf scratch;		/* transformer output */
	struct fval val;
	uint32_t epoch;
};

struct interp {
	struct ruleset *rs;
	interp_extract_fn extract;
	struct inode *nodes;		/* by IR node id */
	uint32_t nnodes;
	uint32_t *node_epoch;
	uint8_t *node_val;
	struct ifield *fields;
	uint32_t nfields, capfields;
	struct strmap field_idx;
	char **field_keys;
	bool *rule_ok;
	uint32_t epoch;
};

static int field_id(struct interp *ip, const struct ir_opnd *o, uint32_t *out)
{
	struct strbuf key = STRBUF_INIT;
	int64_t id;
	char *k;

	ir_opnd_format(o, &key);
	if (key.oom || !key.buf)
		return -ENOMEM;
	id = strmap_get(&ip->field_idx, key.buf);
	if (id >= 0) {
		strbuf_release(&key);
		*out = (uint32_t)id;
		return 0;
	}
	if (ip->nfields == ip->capfields) {
		uint32_t cap = ip->capfields ? ip->capfields * 2 : 64;
		struct ifield *nf = mem_reallocarray(ip->fields, cap, sizeof(*nf));
		char **nk;

		if (!nf)
			goto oom;
		ip->fields = nf;
		nk = mem_reallocarray(ip->field_keys, cap, sizeof(*nk));
		if (!nk)
			goto oom;
		ip->field_keys = nk;
		ip->capfields = cap;
	}
	k = key.buf;	/* the map borrows the key: keep it */
	key.buf = NULL;
	memset(&ip->fields[ip->nfields], 0, sizeof(ip->fields[0]));
	ip->fields[ip->nfields].o = o;
	ip->field_keys[ip->nfields] = k;
	if (strmap_put(&ip->field_idx, k, ip->nfields)) {
		mem_free(k);
		return -ENOMEM;
	}
	*out = ip->nfields++;
	if (o->kind == IRV_XFORM) {
		uint32_t inner;
		int err = field_id(ip, o->inner, &inner);

		if (err)
			return err;
		ip->fields[*out].inner = inner;
	}
	return 0;
oom:
	strbuf_release(&key);
	return -ENOMEM;
}

static int build_node(struct interp *ip, const struct ir_node *n)
{
	struct inode *in = &ip->nodes[n->id];
	int err;

	if (in->ir)
		return 0;
	in->ir = n;
	for (uint32_t i = 0; i < n->n; i++)
		if ((err = build_node(ip, n->kids[i])))
			return err;
	if (n->kind != IR_CMP)
		return 0;
	if ((err = field_id(ip, n->lhs, &in->lhs)))
		return err;
	if (n->rhs && (n->rhs->kind == IRV_FIELD || n->rhs->kind == IRV_XFORM) &&
	    (err = field_id(ip, n->rhs, &in->rhs)))
		return err;
	{
		char msg[256];

		err = irop_compile(n->op, n->lhs->type, n->rhs, &in->cmp, msg, sizeof(msg));
		if (err == -ENOMEM)
			return err;
		in->compiled = err == 0;
		if (in->compiled && n->lhs->kind == IRV_FIELD && (n->lhs->fi->flags & FF_DOMAIN)) {
			in->cmp.dns = true;
			irop_dns_register(&in->cmp);
		}
	}
	return 0;
}

/* Whether every comparison below n compiled. */
static bool node_ok(const struct interp *ip, const struct ir_node *n)
{
	if (n->kind == IR_CMP)
		return ip->nodes[n->id].compiled;
	for (uint32_t i = 0; i < n->n; i++)
		if (!node_ok(ip, n->kids[i]))
			return false;
	return true;
}

int interp__new(struct ruleset *rs, interp_extract_fn fn, struct interp **out)
{
	struct interp *ip = mem_calloc(1, sizeof(*ip));
	int err = -ENOMEM;

	if (!ip)
		return -ENOMEM;
	ip->rs = rs;
	ip->extract = fn;
	ip->nnodes = rs->ir.nnodes;
	ip->nodes = mem_calloc(ip->nnodes + 1, sizeof(*ip->nodes));
	ip->node_epoch = mem_calloc(ip->nnodes + 1, sizeof(*ip->node_epoch));
	ip->node_val = mem_calloc(ip->nnodes + 1, sizeof(*ip->node_val));
	ip->rule_ok = mem_calloc(rs->nrules + 1, sizeof(*ip->rule_ok));
	if (!ip->nodes || !ip->node_epoch || !ip->node_val || !ip->rule_ok)
		goto fail;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (!r->root)
			continue;
		if ((err = build_node(ip, r->root)))
			goto fail;
		ip->rule_ok[i] = node_ok(ip, r->root);
	}
	ip->epoch = 1;
	*out = ip;
	return 0;
fail:
	interp__free(ip);
	return err;
}

void interp__free(struct interp *ip)
{
	if (!ip)
		return;
	for (uint32_t i = 0; i < ip->nnodes; i++)
		if (ip->nodes && ip->nodes[i].ir)
			irop_release(&ip->nodes[i].cmp);
	for (uint32_t i = 0; i < ip->nfields; i++) {
		strbuf_release(&ip->fields[i].scratch);
		mem_free(ip->field_keys[i]);
	}
	strmap_release(&ip->field_idx);
	mem_free(ip->fields);
	mem_free(ip->field_keys);
	mem_free(ip->nodes);
	mem_free(ip->node_epoch);
	mem_free(ip->node_val);
	mem_free(ip->rule_ok);
	mem_free(ip);
}

uint32_t interp_nfields(const struct interp *ip)
{
	return ip->nfields;
}

const struct ir_opnd *interp_field(const struct interp *ip, uint32_t id)
{
	return id < ip->nfields ? ip->fields[id].o : NULL;
}

bool interp_rule_ok(const struct interp *ip, uint32_t rule)
{
	return rule < ip->rs->nrules && ip->rule_ok[rule];
}

void interp_begin_event(struct interp *ip)
{
	if (++ip->epoch == 0) {	/* wrapped: clear the stamps */
		memset(ip->node_epoch, 0, (ip->nnodes + 1) * sizeof(*ip->node_epoch));
		for (uint32_t i = 0; i < ip->nfields; i++)
			ip->fields[i].epoch = 0;
		ip->epoch = 1;
	}
}

static const struct fval *get_field(struct interp *ip, uint32_t id, void *ctx);

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* A transformer applied to one string value, into sb. false: no value. */
static bool xform_str(enum ast_xform x, const char *p, uint32_t len, struct strbuf *sb)
{
	switch (x) {
	case AST_XF_TOLOWER:
	case AST_XF_TOUPPER:
		for (uint32_t i = 0; i < len; i++)
			strbuf_addc(sb, (char)(x == AST_XF_TOLOWER ? tolower((unsigned char)p[i])
								  : toupper((unsigned char)p[i])));
		return true;
	case AST_XF_BASENAME: {
		uint32_t end = len, start;

		while (end > 1 && p[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && p[start - 1] != '/')
			start--;
		strbuf_add(sb, p + start, end - start);
		return true;
	}
	case AST_XF_B64: {
		uint32_t acc = 0, bits = 0;

		for (uint32_t i = 0; i < len; i++) {
			int v;

			if (p[i] == '=')
				break;
			v = b64_val(p[i]);
			if (v < 0)
				return false;
			acc = (acc << 6) | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				strbuf_addc(sb, (char)((acc >> bits) & 0xff));
			}
		}
		return true;
	}
	default:
		return false;
	}
}

static void eval_xform(struct interp *ip, struct ifield *f, void *ctx)
{
	const struct fval *in = get_field(ip, f->inner, ctx);
	enum ast_xform x = f->o->xf;

	f->val.kind = FV_NONE;
	if (in->kind == FV_NONE)
		return;
	if (x == AST_XF_VAL) {
		f->val = *in;
		return;
	}
	if (x == AST_XF_LEN) {
		f->val = fval_u64(in->kind == FV_STR ? in->s.len : in->kind == FV_LIST ? in->list.n : 0);
		return;
	}
	if (in->kind != FV_STR)
		return;
	strbuf_reset(&f->scratch);
	if (xform_str(x, in->s.p, in->s.len, &f->scratch) && !f->scratch.oom)
		f->val = fval_str(f->scratch.buf ? f->scratch.buf : "", (uint32_t)f->scratch.len);
}

static const struct fval *get_field(struct interp *ip, uint32_t id, void *ctx)
{
	struct ifield *f = &ip->fields[id];

	if (f->epoch != ip->epoch) {
		f->epoch = ip->epoch;
		if (f->o->kind == IRV_XFORM)
			eval_xform(ip, f, ctx);
		else
			ip->extract(ctx, id, f->o, &f->val);
	}
	return &f->val;
}

static bool eval_node(struct interp *ip, const struct ir_node *n, void *ctx)
{
	struct inode *in = &ip->nodes[n->id];
	bool v = false;

	if (ip->node_epoch[n->id] == ip->epoch)
		return ip->node_val[n->id];
	switch (n->kind) {
	case IR_CONST:
		v = n->val;
		break;
	case IR_AND:
		v = true;
		for (uint32_t i = 0; i < n->n && v; i++)
			v = eval_node(ip, n->kids[i], ctx);
		break;
	case IR_OR:
		for (uint32_t i = 0; i < n->n && !v; i++)
			v = eval_node(ip, n->kids[i], ctx);
		break;
	case IR_NOT:
		v = !eval_node(ip, n->kids[0], ctx);
		break;
	case IR_CMP: {
		const struct fval *l = get_field(ip, in->lhs, ctx);

		if (in->cmp.is_field)
			v = irop_eval_fields(n->op, l, get_field(ip, in->rhs, ctx));
		else
			v = irop_eval(&in->cmp, l);
		break;
	}
	}
	ip->node_epoch[n->id] = ip->epoch;
	ip->node_val[n->id] = v;
	return v;
}

const struct ruleset *interp_ruleset(const struct interp *ip)
{
	return ip->rs;
}

const struct fval *interp_field_value(struct interp *ip, uint32_t id, void *ctx)
{
	return get_field(ip, id, ctx);
}

void interp_field_slot(struct interp *ip, uint32_t id, struct fval **val, uint32_t **epoch)
{
	*val = &ip->fields[id].val;
	*epoch = &ip->fields[id].epoch;
}

uint32_t *interp_epoch(struct interp *ip)
{
	return &ip->epoch;
}

void interp_node_cmp(const struct interp *ip, uint32_t node, struct interp_cmp *out)
{
	const struct inode *in = &ip->nodes[node];

	out->cmp = &in->cmp;
	out->node = node;
	out->lhs = in->lhs;
	out->rhs = in->rhs;
}

bool interp_eval_rule(struct interp *ip, uint32_t rule, void *ctx)
{
	if (!interp_rule_ok(ip, rule))
		return false;
	return eval_node(ip, ip->rs->rules[rule].root, ctx);
}
