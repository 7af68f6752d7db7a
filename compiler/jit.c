/* jit: IR -> LLVM IR -> native code, one function per type group and
 * direction, compiled in parallel modules. */
#define _GNU_SOURCE	/* RTLD_DEFAULT */
#include "compiler/jit.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm/Config/llvm-config.h>
#include <xxhash.h>
#include <llvm-c/Transforms/IPO.h>
#include <llvm-c/Transforms/InstCombine.h>
#include <llvm-c/Transforms/Scalar.h>

#include "bpf/shared/ppm_events.h"
#include "compiler/evttypes.h"
#include "compiler/fields.h"
#include "compiler/interp.h"
#include "compiler/ir.h"
#include "compiler/jit_cache.h"
#include "compiler/jit_load.h"
#include "compiler/irop_rt.h"
#include "compiler/ruleset.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

/* The optimisations worth their compile time on this code, in order: the
 * linked evaluators inlined (the rest of their file dropped), memo slots
 * to registers, redundant loads and branches folded. jit_opts.passes
 * names a list of them instead. */
static const struct {
	const char *name;
	void (*add)(LLVMPassManagerRef pm);
	bool module;		/* a module pass (else one per function) */
} jit_pass_tab[] = {
	{ "always-inline", LLVMAddAlwaysInlinerPass, true },
	{ "globaldce", LLVMAddGlobalDCEPass, true },
	{ "sroa", LLVMAddScalarReplAggregatesPass, false },
	{ "early-cse", LLVMAddEarlyCSEPass, false },
	{ "instcombine", LLVMAddInstructionCombiningPass, false },
	{ "simplifycfg", LLVMAddCFGSimplificationPass, false },
};

#define JIT_PASSES "always-inline,globaldce,sroa,early-cse,instcombine,simplifycfg"

/* Largest numeric `in` set turned into a switch. */
#define JIT_MAX_INLINE_SET 32

typedef uint32_t (*jit_fn)(struct interp *ip, void *ctx, uint32_t *out, uint32_t t);

/* What a group has for a direction: no function (no event of it can match
 * a candidate), one of its own, or the enter one (direction decides none of
 * the conditions). */
enum { JIT_FN_NONE, JIT_FN_OWN, JIT_FN_AS_ENTER };

/* Parallel compilation: each shard is a module of some groups with an
 * LLJIT of its own. */
#define JIT_MAX_SHARDS 4

struct shard {
	struct jit *j;
	const struct jit_opts *o;
	LLVMOrcLLJITRef lljit;	/* the shard's code linked by LLVM, or */
	struct jit_image *img;	/* loaded by jit_load.c */
	uint32_t *leaders;	/* the groups compiled here, by leader type */
	uint32_t nleaders;
	uint64_t weight;	/* candidates in all, for balancing */
	struct jit_stats st;
	uint8_t key[JIT_CACHE_KEY_LEN];	/* its code's entry in the cache */
	int ret;
	char err[256];
};

struct jit {
	struct interp *ip;
	uint32_t *epoch;	/* the interpreter's event stamp */
	struct shard *shards;
	uint32_t nshards;
	jit_fn *fns;		/* by evt.type index x 2 + direction, NULL: none */
	uint8_t *fn_kind;	/* the same: JIT_FN_NONE, _OWN, _AS_ENTER */
	uint32_t *group;	/* by evt.type index: the leader of its group */
	jit_fn by_code[PPM_EVENT_MAX];	/* by event code (generic events: NULL) */
	uint16_t type_of_code[PPM_EVENT_MAX];
	bool *has_code;		/* by evt.type index: it has candidates */
	uint32_t ntypes;
	uint8_t *(*proc_memo)(void *ctx);
	uint32_t *proc_slot;	/* by IR node id: index + 1 in the thread memo, 0 none */
	uint32_t nproc;
	struct jit_field *fields;	/* by field operand id: direct extraction */
	bool (*static_value)(void *ctx, uint32_t id, uint16_t code, struct fval *out);
	void *static_ctx;
	size_t evt_ctx_off;	/* jit_opts.evt_ctx_off */
	struct jit_cache *cache;	/* NULL: none */
	struct jit_stats st;
};

/* A field operand with a direct extractor: its slot in the interpreter
 * (value and stamp), the event stamp, the extractor. */
struct jit_field {
	struct fval *val;
	uint32_t *epoch;
	const uint32_t *now;
	void (*fn)(const void *a, const void *b, struct fval *out);
	const void *a, *b;
};

/* compiler/irop_rt.c as LLVM bitcode (generated at build time). */
extern const unsigned char saker_irop_bc[];
extern const size_t saker_irop_bc_len;

/* Helpers the generated code calls, with C types the IR can state. */
static const struct fval *rt_direct_field(struct jit_field *f)
{
	if (*f->epoch != *f->now) {
		*f->epoch = *f->now;
		f->fn(f->a, f->b, f->val);
	}
	return f->val;
}

static const struct fval *rt_field(struct interp *ip, uint32_t id, void *ctx)
{
	return interp_field_value(ip, id, ctx);
}

/* Field and comparison in one call: the common case of a helper compare. */
static uint8_t rt_field_cmp(struct interp *ip, uint32_t id, void *ctx, const struct irop_rhs *r)
{
	return irop_eval(r, interp_field_value(ip, id, ctx));
}

static uint8_t rt_cmp_fields(uint32_t op, const struct fval *a, const struct fval *b)
{
	return irop_eval_fields((enum ast_op)op, a, b);
}

/* Code generation state of one module. */
struct gen {
	LLVMContextRef c;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i1, i8, i32, i64, p8, p32;
	LLVMTypeRef ty_field, ty_cmp, ty_fcmp, ty_cmpf, ty_pm, ty_dfield;
	LLVMValueRef fn_field, fn_cmp, fn_fcmp, fn_cmpf, fn_dfield;
	struct interp *ip;
	const struct ruleset *rs;
	const struct jit_opts *o;
	struct jit_stats *st;
	/* the function being built */
	LLVMValueRef fn, a_ip, a_ctx, a_type;
	const uint32_t *types;	/* the evt.type indexes sharing this function */
	uint32_t ntypes;
	const uint16_t *codes;	/* the PPM codes it serves (one direction) */
	uint32_t ncodes;
	const uint16_t *codes2;	/* codes that may run it too: those of the exit
				 * direction, which may share the enter function */
	uint32_t ncodes2;
	uint8_t *fold;		/* by node: 0 not yet, 1 false, 2 true, 3 varies */
	uint8_t *nref;		/* references from this function, saturating at 2 */
	uint32_t *nslot;	/* shared nodes: index + 1 of their byte in the
				 * group's memo: 0 unknown, 1 false, 2 true */
	uint32_t nshared;
	LLVMValueRef a_memo;
	/* the thread memo: slots by node, the pointer (fetched on first use
	 * in the entry block), whether a kept node is being emitted */
	const struct jit *j;
	LLVMBasicBlockRef entry;
	LLVMValueRef a_pm;
	bool in_proc;
	uint32_t in_not;	/* inside negations (rule exceptions): rarely run */
	uint32_t nnodes;
};

static LLVMValueRef c_i32(struct gen *g, uint64_t v)
{
	return LLVMConstInt(g->i32, v, 0);
}

static LLVMValueRef c_i64(struct gen *g, uint64_t v)
{
	return LLVMConstInt(g->i64, v, 0);
}

static LLVMValueRef c_bool(struct gen *g, bool v)
{
	return LLVMConstInt(g->i1, v, 0);
}

/* Addresses of this process the code uses are named, not written in it:
 * sk_f<id> a direct field's slot (struct jit_field), sk_r<node> and
 * sk_e<node> a comparison's compiled right side and its evaluator, sk_pm
 * the thread memo's function. define_refs gives them their addresses when
 * the object is linked, so an object compiled by another process (the
 * cache) links here as well. */
static LLVMValueRef sym_data(struct gen *g, char kind, uint32_t id)
{
	char name[32];
	LLVMValueRef v;

	snprintf(name, sizeof(name), "sk_%c%u", kind, id);
	v = LLVMGetNamedGlobal(g->m, name);
	if (!v)
		v = LLVMAddGlobal(g->m, g->i8, name);
	return v;
}

static LLVMValueRef sym_fn(struct gen *g, LLVMTypeRef ty, const char *name)
{
	LLVMValueRef f = LLVMGetNamedFunction(g->m, name);

	return f ? f : LLVMAddFunction(g->m, name, ty);
}

static LLVMBasicBlockRef new_bb(struct gen *g, const char *name)
{
	return LLVMAppendBasicBlockInContext(g->c, g->fn, name);
}

/* Loads a value of type ty at byte offset off of pointer p. */
static LLVMValueRef load_at(struct gen *g, LLVMValueRef p, size_t off, LLVMTypeRef ty)
{
	LLVMValueRef idx = c_i64(g, off);
	LLVMValueRef q = LLVMBuildInBoundsGEP2(g->b, g->i8, p, &idx, 1, "");

	q = LLVMBuildBitCast(g->b, q, LLVMPointerType(ty, 0), "");
	return LLVMBuildLoad2(g->b, ty, q, "");
}

static LLVMValueRef call(struct gen *g, LLVMTypeRef ty, LLVMValueRef fn, LLVMValueRef *args,
			 unsigned n)
{
	return LLVMBuildCall2(g->b, ty, fn, args, n, "");
}

/* The value of field operand id for this event, as a pointer to its
 * struct fval: through its direct extractor when it has one (one call,
 * memoised in the interpreter's slot), else through the interpreter. */
static LLVMValueRef field_ptr(struct gen *g, uint32_t id)
{
	LLVMValueRef args[3] = { g->a_ip, c_i32(g, id), g->a_ctx };

	if (g->j->fields && g->j->fields[id].fn) {
		args[0] = sym_data(g, 'f', id);
		return call(g, g->ty_dfield, g->fn_dfield, args, 1);
	}
	return call(g, g->ty_field, g->fn_field, args, 3);
}

/* A number in a set of numbers of one kind: a switch. */
static LLVMValueRef num_in_set(struct gen *g, LLVMValueRef v, const struct irop_set *s)
{
	uint32_t n = irop_set_count(s);
	LLVMBasicBlockRef join = new_bb(g, "in.end"), hit = new_bb(g, "in.hit");
	LLVMBasicBlockRef here = LLVMGetInsertBlock(g->b);
	LLVMValueRef sw = LLVMBuildSwitch(g->b, v, join, n);
	LLVMValueRef phi, vals[2] = { c_bool(g, false), c_bool(g, true) };
	LLVMBasicBlockRef bbs[2] = { here, hit };
	bool dup;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = irop_set_member(s, i)->v.u;

		dup = false;
		for (uint32_t k = 0; k < i && !dup; k++)
			dup = irop_set_member(s, k)->v.u == x;
		if (!dup)
			LLVMAddCase(sw, c_i64(g, x), hit);
	}
	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, join);
	phi = LLVMBuildPhi(g->b, g->i1, "");
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* Which kind of value a set's members all have (FV_NONE: mixed, or a set
 * the fast paths do not handle). */
static enum fval_kind set_kind(const struct irop_set *s)
{
	uint32_t n = irop_set_count(s);
	enum fval_kind k;

	if (!n || n > JIT_MAX_INLINE_SET || !irop_set_exact(s))
		return FV_NONE;
	k = irop_set_member(s, 0)->kind;
	if (k != FV_U64 && k != FV_S64)
		return FV_NONE;
	for (uint32_t i = 1; i < n; i++)
		if (irop_set_member(s, i)->kind != k)
			return FV_NONE;
	return k;
}

/* The kind of value a comparison has an inline path for (FV_NONE: none). */
static enum fval_kind fast_kind(const struct irop_rhs *r)
{
	switch (r->op) {
	case AST_OP_EQ:
	case AST_OP_NE:
		if (r->one.kind == FV_BOOL)
			return FV_BOOL;
		/* fallthrough */
	case AST_OP_LT:
	case AST_OP_LE:
	case AST_OP_GT:
	case AST_OP_GE:
		if (r->one.kind == FV_U64 || r->one.kind == FV_S64)
			return r->one.kind;
		return FV_NONE;
	case AST_OP_IN:
	case AST_OP_INTERSECTS:
		return r->set ? set_kind(r->set) : FV_NONE;
	default:
		return FV_NONE;
	}
}

static LLVMIntPredicate num_pred(enum ast_op op, bool sgn)
{
	switch (op) {
	case AST_OP_EQ: return LLVMIntEQ;
	case AST_OP_NE: return LLVMIntNE;
	case AST_OP_LT: return sgn ? LLVMIntSLT : LLVMIntULT;
	case AST_OP_LE: return sgn ? LLVMIntSLE : LLVMIntULE;
	case AST_OP_GT: return sgn ? LLVMIntSGT : LLVMIntUGT;
	default: return sgn ? LLVMIntSGE : LLVMIntUGE;
	}
}

/* The inline comparison of a value of kind k at fv. */
static LLVMValueRef emit_fast(struct gen *g, const struct irop_rhs *r, enum fval_kind k,
			      LLVMValueRef fv)
{
	bool set = r->op == AST_OP_IN || r->op == AST_OP_INTERSECTS;

	if (k == FV_BOOL) {
		LLVMValueRef b = load_at(g, fv, offsetof(struct fval, b), g->i8);
		LLVMValueRef t = LLVMBuildICmp(g->b, LLVMIntNE, b, LLVMConstInt(g->i8, 0, 0), "");

		t = LLVMBuildICmp(g->b, LLVMIntEQ, t, c_bool(g, r->one.v.b), "");
		return r->op == AST_OP_NE ? LLVMBuildNot(g->b, t, "") : t;
	}
	{	/* FV_U64, FV_S64 */
		LLVMValueRef v = load_at(g, fv, offsetof(struct fval, u), g->i64);

		if (set)
			return num_in_set(g, v, r->set);
		return LLVMBuildICmp(g->b, num_pred(r->op, k == FV_S64), v, c_i64(g, r->one.v.u), "");
	}
}

static bool is_evt_type_cmp(const struct ir_node *n, const struct irop_rhs *r)
{
	return n->lhs->kind == IRV_FIELD && !n->lhs->arg && !r->is_field &&
	       !strcmp(n->lhs->fi->name, "evt.type");
}

/* The evt.type comparison r on each of the function's types (into res
 * when not NULL); how many hold. */
static uint32_t evt_type_results(struct gen *g, const struct irop_rhs *r, bool *res)
{
	uint32_t ntrue = 0;

	for (uint32_t i = 0; i < g->ntypes; i++) {
		const char *name = evttypes_name(g->types[i]);
		struct fval v = fval_str(name, (uint32_t)strlen(name));
		bool t = irop_eval(r, &v);

		if (res)
			res[i] = t;
		ntrue += t;
	}
	return ntrue;
}

/* A function serves a few event types (those with the same candidates):
 * a comparison on evt.type is decided per type at compile time and becomes
 * a constant or a switch on the type argument. NULL when n is not one. */
static LLVMValueRef fold_cmp(struct gen *g, const struct ir_node *n, const struct irop_rhs *r)
{
	LLVMBasicBlockRef join, hit, here;
	LLVMValueRef sw, phi, vals[2];
	LLVMBasicBlockRef bbs[2];
	uint32_t ntrue;
	bool *res;

	if (!is_evt_type_cmp(n, r))
		return NULL;
	res = mem_calloc(g->ntypes, sizeof(*res));
	if (!res)
		return NULL;
	ntrue = evt_type_results(g, r, res);
	if (!ntrue || ntrue == g->ntypes) {
		mem_free(res);
		return c_bool(g, ntrue != 0);
	}
	join = new_bb(g, "type.end");
	hit = new_bb(g, "type.hit");
	here = LLVMGetInsertBlock(g->b);
	sw = LLVMBuildSwitch(g->b, g->a_type, join, ntrue);
	for (uint32_t i = 0; i < g->ntypes; i++)
		if (res[i])
			LLVMAddCase(sw, c_i32(g, g->types[i]), hit);
	mem_free(res);
	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, join);
	phi = LLVMBuildPhi(g->b, g->i1, "");
	vals[0] = c_bool(g, false);
	vals[1] = c_bool(g, true);
	bbs[0] = here;
	bbs[1] = hit;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* What a comparison is on every event this function serves: 1 false,
 * 2 true, 3 varies. evt.type over the function's types; a field whose
 * value the event code decides over its codes. */
static uint8_t fold_cmp_static(struct gen *g, const struct ir_node *n)
{
	struct interp_cmp ic;
	uint32_t ntrue = 0;

	interp_node_cmp(g->ip, n->id, &ic);
	if (ic.cmp->is_field || n->lhs->kind != IRV_FIELD)
		return 3;
	if (is_evt_type_cmp(n, ic.cmp)) {
		ntrue = evt_type_results(g, ic.cmp, NULL);
		return !ntrue ? 1 : ntrue == g->ntypes ? 2 : 3;
	}
	if (!g->j->static_value || !g->ncodes)
		return 3;
	for (uint32_t i = 0; i < g->ncodes; i++) {
		struct fval v;

		if (!g->j->static_value(g->j->static_ctx, ic.lhs, g->codes[i], &v))
			return 3;
		ntrue += irop_eval(ic.cmp, &v);
	}
	return !ntrue ? 1 : ntrue == g->ncodes ? 2 : 3;
}

static uint8_t fold_node(struct gen *g, const struct ir_node *n)
{
	uint8_t r = g->fold[n->id];

	if (r)
		return r;
	switch (n->kind) {
	case IR_CONST:
		r = n->val ? 2 : 1;
		break;
	case IR_NOT:
		r = fold_node(g, n->kids[0]);
		r = r == 3 ? 3 : 3 - r;
		break;
	case IR_AND:
	case IR_OR: {
		uint8_t decide = n->kind == IR_AND ? 1 : 2;
		bool varies = false;

		r = 0;
		for (uint32_t i = 0; i < n->n && r != decide; i++) {
			uint8_t k = fold_node(g, n->kids[i]);

			if (k == decide)
				r = decide;
			varies |= k == 3;
		}
		if (!r)
			r = varies ? 3 : 3 - decide;
		break;
	}
	case IR_CMP:
	default:
		r = fold_cmp_static(g, n);
		if (r != 3)
			g->st->folded_cmps++;
		break;
	}
	g->fold[n->id] = r;
	return r;
}

/* fold_node for n and every node below it. */
static uint8_t fold_all(struct gen *g, const struct ir_node *n)
{
	if (!g->fold[n->id])
		for (uint32_t i = 0; i < n->n; i++)
			fold_all(g, n->kids[i]);
	return fold_node(g, n);
}

/* The comparison's own evaluator (irop_evaluator) on the value at fv: on
 * the path most events take, the linked bitcode's copy, called with its
 * own types so that it is inlined; under a per-thread memo (run once per
 * thread) or a negation (a rule's exceptions, reached when the rest of
 * the rule held) the process's, which costs no code here. */
static LLVMValueRef call_evaluator(struct gen *g, const struct interp_cmp *ic, LLVMValueRef fv)
{
	const struct irop_rhs *r = ic->cmp;
	LLVMValueRef fn = LLVMGetNamedFunction(g->m, irop_evaluator_name(r)), args[2], v;
	LLVMTypeRef fty, pt[2], rt;
	char name[32];

	args[0] = sym_data(g, 'r', ic->node);
	args[1] = fv;
	if (!fn || LLVMIsDeclaration(fn) || g->in_proc || g->in_not) {
		snprintf(name, sizeof(name), "sk_e%u", ic->node);
		v = call(g, g->ty_cmp, sym_fn(g, g->ty_cmp, name), args, 2);
		return LLVMBuildICmp(g->b, LLVMIntNE, v, LLVMConstInt(g->i8, 0, 0), "");
	}
	fty = LLVMGlobalGetValueType(fn);
	LLVMGetParamTypes(fty, pt);
	args[0] = LLVMBuildBitCast(g->b, args[0], pt[0], "");
	args[1] = LLVMBuildBitCast(g->b, args[1], pt[1], "");
	v = LLVMBuildCall2(g->b, fty, fn, args, 2, "");
	rt = LLVMGetReturnType(fty);
	if (rt == g->i1)
		return v;
	return LLVMBuildICmp(g->b, LLVMIntNE, v, LLVMConstInt(rt, 0, 0), "");
}

static LLVMValueRef emit_node(struct gen *g, const struct ir_node *n);

/* Where the builder stands (a join block): the truth value a from block
 * abb or b from block bbb. */
static LLVMValueRef phi2(struct gen *g, LLVMValueRef a, LLVMBasicBlockRef abb, LLVMValueRef b,
			 LLVMBasicBlockRef bbb)
{
	LLVMValueRef phi = LLVMBuildPhi(g->b, g->i1, ""), vals[2] = { a, b };
	LLVMBasicBlockRef bbs[2] = { abb, bbb };

	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* The helper's verdict (irop_eval of r) on the value at fv, then a branch to
 * join; *from is the block the verdict comes from. */
static LLVMValueRef helper_verdict(struct gen *g, const struct interp_cmp *ic, LLVMValueRef fv,
				   LLVMBasicBlockRef join, LLVMBasicBlockRef *from)
{
	LLVMValueRef args[2] = { sym_data(g, 'r', ic->node), fv };
	LLVMValueRef v = LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->ty_cmp, g->fn_cmp, args, 2),
				       LLVMConstInt(g->i8, 0, 0), "");

	*from = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, join);
	return v;
}

/* Where field operand id is on the events that may run the function, when
 * they all agree (o->param_of). Events of one direction may have no such
 * parameter at all (an enter event has no result) when those of the other
 * all agree: *dir is then the direction the read applies to (the others
 * take the extractor), else -1. */
static bool param_layout(struct gen *g, const struct jit_opts *o, uint32_t id,
			 struct jit_param *out, int *dir)
{
	struct jit_param p = { 0 };
	bool have = false, dir_ok[2] = { true, true }, dir_seen[2] = { false, false };

	if (!o->param_of || !g->ncodes)
		return false;
	for (uint32_t pass = 0; pass < 2; pass++) {
		const uint16_t *codes = pass ? g->codes2 : g->codes;
		uint32_t n = pass ? g->ncodes2 : g->ncodes;

		for (uint32_t i = 0; i < n; i++) {
			int d = PPM_EVENT_DIR(codes[i]);

			dir_seen[d] = true;
			if (!o->param_of(o->direct_ctx, id, codes[i], &p)) {
				dir_ok[d] = false;
				continue;
			}
			if (!have) {
				*out = p;
				have = true;
			} else if (p.index != out->index || p.size != out->size || p.sgn != out->sgn) {
				return false;
			}
		}
	}
	if (!have)
		return false;
	for (int d = 0; d < 2; d++) {
		if (!dir_ok[d] && dir_seen[d]) {
			/* a code of direction d lacks it: all of the other must have it */
			*dir = !d;
			return dir_ok[!d];
		}
	}
	*dir = -1;
	return true;
}

/* A comparison of an integer parameter read in place: when the event has
 * the parameter with its schema length, its bytes are loaded from the
 * record and compared inline; anything else (absent, another length) takes
 * the extractor and the helper. */
static LLVMValueRef emit_param_cmp(struct gen *g, const struct interp_cmp *ic,
				   const struct jit_param *p, int dir, enum fval_kind k)
{
	LLVMTypeRef ity = LLVMIntTypeInContext(g->c, p->size * 8u);
	LLVMBasicBlockRef bb_len = new_bb(g, "par.len"), bb_read = new_bb(g, "par.read");
	LLVMBasicBlockRef bb_slow = new_bb(g, "par.slow"), join = new_bb(g, "par.end");
	LLVMBasicBlockRef from_fast, from_slow;
	LLVMValueRef e, np, plen, raw, off, at, v, fast, slow;

	e = load_at(g, g->a_ctx, g->j->evt_ctx_off, g->p8);
	if (dir >= 0) {
		/* only events of that direction have it: the low bit of the code */
		LLVMBasicBlockRef bb_dir = new_bb(g, "par.dir");
		LLVMValueRef code = load_at(g, e, offsetof(struct evt, type), LLVMInt16TypeInContext(g->c));
		LLVMValueRef low = LLVMBuildAnd(g->b, code, LLVMConstInt(LLVMInt16TypeInContext(g->c), 1, 0), "");

		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, low,
						    LLVMConstInt(LLVMInt16TypeInContext(g->c),
								 (unsigned)dir, 0), ""),
				bb_dir, bb_slow);
		LLVMPositionBuilderAtEnd(g->b, bb_dir);
	}
	np = load_at(g, e, offsetof(struct evt, nparams), g->i32);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, np, c_i32(g, p->index), ""), bb_len,
			bb_slow);
	LLVMPositionBuilderAtEnd(g->b, bb_len);
	plen = load_at(g, e, offsetof(struct evt, plen) + 4 * (size_t)p->index, g->i32);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, plen, c_i32(g, p->size), ""), bb_read,
			bb_slow);
	LLVMPositionBuilderAtEnd(g->b, bb_read);
	raw = load_at(g, e, offsetof(struct evt, raw), g->p8);
	off = load_at(g, e, offsetof(struct evt, off) + 4 * (size_t)p->index, g->i32);
	off = LLVMBuildZExt(g->b, off, g->i64, "");
	at = LLVMBuildInBoundsGEP2(g->b, g->i8, raw, &off, 1, "");
	at = LLVMBuildBitCast(g->b, at, LLVMPointerType(ity, 0), "");
	v = LLVMBuildLoad2(g->b, ity, at, "");
	LLVMSetAlignment(v, 1);
	if (p->size < 8)
		v = p->sgn ? LLVMBuildSExt(g->b, v, g->i64, "") : LLVMBuildZExt(g->b, v, g->i64, "");
	if (ic->cmp->op == AST_OP_IN || ic->cmp->op == AST_OP_INTERSECTS)
		fast = num_in_set(g, v, ic->cmp->set);
	else
		fast = LLVMBuildICmp(g->b, num_pred(ic->cmp->op, k == FV_S64), v,
				     c_i64(g, ic->cmp->one.v.u), "");
	from_fast = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, bb_slow);
	slow = helper_verdict(g, ic, field_ptr(g, ic->lhs), join, &from_slow);
	LLVMPositionBuilderAtEnd(g->b, join);
	return phi2(g, fast, from_fast, slow, from_slow);
}

static LLVMValueRef emit_cmp(struct gen *g, const struct ir_node *n)
{
	struct jit_param par = { 0 };
	int pdir = -1;
	struct interp_cmp ic;
	enum fval_kind k;
	LLVMValueRef fv, kind, args[3], slow, fast, folded;
	LLVMBasicBlockRef bb_fast, bb_slow, join, from_fast, from_slow;

	interp_node_cmp(g->ip, n->id, &ic);
	if ((folded = fold_cmp(g, n, ic.cmp)))
		return folded;
	if (ic.cmp->is_field) {
		g->st->helper_cmps++;
		args[0] = c_i32(g, (uint32_t)n->op);
		args[1] = field_ptr(g, ic.lhs);
		args[2] = field_ptr(g, ic.rhs);
		return LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->ty_cmpf, g->fn_cmpf, args, 3),
				     LLVMConstInt(g->i8, 0, 0), "");
	}
	k = fast_kind(ic.cmp);
	if (k == FV_NONE && n->op != AST_OP_EXISTS) {
		LLVMValueRef fargs[4] = { g->a_ip, c_i32(g, ic.lhs), g->a_ctx,
					  sym_data(g, 'r', ic.node) };

		g->st->helper_cmps++;
		if (g->j->fields && g->j->fields[ic.lhs].fn)
			return call_evaluator(g, &ic, field_ptr(g, ic.lhs));
		return LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->ty_fcmp, g->fn_fcmp, fargs, 4),
				     LLVMConstInt(g->i8, 0, 0), "");
	}
	if ((k == FV_U64 || k == FV_S64) && param_layout(g, g->o, ic.lhs, &par, &pdir) &&
	    (par.sgn ? FV_S64 : FV_U64) == k) {
		g->st->inline_cmps++;
		g->st->param_reads++;
		return emit_param_cmp(g, &ic, &par, pdir, k);
	}
	fv = field_ptr(g, ic.lhs);
	kind = load_at(g, fv, offsetof(struct fval, kind), g->i32);
	if (n->op == AST_OP_EXISTS) {
		g->st->inline_cmps++;
		return LLVMBuildICmp(g->b, LLVMIntNE, kind, c_i32(g, FV_NONE), "");
	}
	g->st->inline_cmps++;
	bb_fast = new_bb(g, "cmp.fast");
	bb_slow = new_bb(g, "cmp.slow");
	join = new_bb(g, "cmp.end");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, kind, c_i32(g, k), ""), bb_fast,
			bb_slow);
	LLVMPositionBuilderAtEnd(g->b, bb_fast);
	fast = emit_fast(g, ic.cmp, k, fv);
	from_fast = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, join);
	/* any other kind (none, lists, the other signedness): the helper */
	LLVMPositionBuilderAtEnd(g->b, bb_slow);
	slow = helper_verdict(g, &ic, fv, join, &from_slow);
	LLVMPositionBuilderAtEnd(g->b, join);
	return phi2(g, fast, from_fast, slow, from_slow);
}

/* and/or with short-circuit evaluation, kids in the IR's (cost) order. */
static LLVMValueRef emit_junction(struct gen *g, const struct ir_node *n)
{
	bool is_and = n->kind == IR_AND;
	LLVMBasicBlockRef join = new_bb(g, is_and ? "and.end" : "or.end");
	LLVMValueRef *vals = mem_calloc(n->n, sizeof(*vals));
	LLVMBasicBlockRef *bbs = mem_calloc(n->n, sizeof(*bbs));
	const struct ir_node **kids = mem_calloc(n->n, sizeof(*kids));
	uint32_t nk = 0;
	LLVMValueRef phi;

	/* kids that cannot decide here (true in and, false in or) are left
	 * out; none decides, or the node itself would have folded */
	for (uint32_t i = 0; kids && i < n->n; i++)
		if (fold_node(g, n->kids[i]) == 3)
			kids[nk++] = n->kids[i];
	for (uint32_t i = 0; vals && bbs && kids && i < nk; i++) {
		LLVMValueRef v = emit_node(g, kids[i]);

		bbs[i] = LLVMGetInsertBlock(g->b);
		if (i + 1 == nk) {
			vals[i] = v;
			LLVMBuildBr(g->b, join);
		} else {
			LLVMBasicBlockRef next = new_bb(g, is_and ? "and.next" : "or.next");

			vals[i] = c_bool(g, !is_and);
			if (is_and)
				LLVMBuildCondBr(g->b, v, next, join);
			else
				LLVMBuildCondBr(g->b, v, join, next);
			LLVMPositionBuilderAtEnd(g->b, next);
		}
	}
	if (!vals || !bbs || !kids || !nk) {	/* out of memory: the module will not verify */
		mem_free(vals);
		mem_free(bbs);
		mem_free(kids);
		return c_bool(g, false);
	}
	LLVMPositionBuilderAtEnd(g->b, join);
	phi = LLVMBuildPhi(g->b, g->i1, "");
	LLVMAddIncoming(phi, vals, bbs, nk);
	mem_free(vals);
	mem_free(bbs);
	mem_free(kids);
	return phi;
}

static LLVMValueRef emit_raw(struct gen *g, const struct ir_node *n)
{
	switch (n->kind) {
	case IR_CONST:
		return c_bool(g, n->val);
	case IR_NOT: {
		LLVMValueRef v;

		g->in_not++;
		v = emit_node(g, n->kids[0]);
		g->in_not--;
		return LLVMBuildNot(g->b, v, "");
	}
	case IR_AND:
	case IR_OR:
		return emit_junction(g, n);
	case IR_CMP:
	default:
		return emit_cmp(g, n);
	}
}

/* The memo pattern around n's code: the byte at slot says 0 unknown,
 * 1 false, 2 true; unknown computes n and stores the answer. */
static LLVMValueRef emit_memo(struct gen *g, const struct ir_node *n, LLVMValueRef slot)
{
	LLVMValueRef st, v, kv, phi, vals[2];
	LLVMBasicBlockRef bb_known, bb_eval, join, bbs[2];

	bb_known = new_bb(g, "memo.hit");
	bb_eval = new_bb(g, "memo.miss");
	join = new_bb(g, "memo.end");
	st = LLVMBuildLoad2(g->b, g->i8, slot, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, st, LLVMConstInt(g->i8, 0, 0), ""),
			bb_known, bb_eval);
	LLVMPositionBuilderAtEnd(g->b, bb_known);
	kv = LLVMBuildICmp(g->b, LLVMIntEQ, st, LLVMConstInt(g->i8, 2, 0), "");
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, bb_eval);
	v = emit_raw(g, n);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, LLVMBuildZExt(g->b, v, g->i8, ""),
					  LLVMConstInt(g->i8, 1, 0), ""), slot);
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, join);
	phi = LLVMBuildPhi(g->b, g->i1, "");
	vals[0] = kv;
	vals[1] = v;
	bbs[0] = bb_known;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* The thread memo's pointer, fetched once per call, in the entry block. */
static LLVMValueRef proc_memo_ptr(struct gen *g)
{
	LLVMBasicBlockRef here = LLVMGetInsertBlock(g->b);
	LLVMValueRef arg = g->a_ctx;

	if (g->a_pm)
		return g->a_pm;
	LLVMPositionBuilderBefore(g->b, LLVMGetBasicBlockTerminator(g->entry));
	g->a_pm = call(g, g->ty_pm, sym_fn(g, g->ty_pm, "sk_pm"), &arg, 1);
	LLVMPositionBuilderAtEnd(g->b, here);
	return g->a_pm;
}

static LLVMValueRef slot_at(struct gen *g, LLVMValueRef base, uint32_t i)
{
	LLVMValueRef idx = c_i64(g, i);

	return LLVMBuildInBoundsGEP2(g->b, g->i8, base, &idx, 1, "");
}

/* A node: kept per thread when it reads process-static fields only (the
 * outermost such node), else computed once per event when several rules
 * (or parents) of this function use it. */
static LLVMValueRef emit_node(struct gen *g, const struct ir_node *n)
{
	uint32_t ps = g->j->proc_slot ? g->j->proc_slot[n->id] : 0;
	uint8_t f = fold_node(g, n);

	if (f != 3)
		return c_bool(g, f == 2);
	if (ps && !g->in_proc) {
		LLVMValueRef v, slot = slot_at(g, proc_memo_ptr(g), ps - 1);

		g->in_proc = true;
		v = emit_memo(g, n, slot);
		g->in_proc = false;
		return v;
	}
	if (g->nref[n->id] < 2)
		return emit_raw(g, n);
	return emit_memo(g, n, slot_at(g, g->a_memo, g->nslot[n->id] - 1));
}

static void count_refs(struct gen *g, const struct ir_node *n)
{
	if (g->nref[n->id] < 2)
		g->nref[n->id]++;
	if (g->nref[n->id] > 1)
		return;		/* children were counted on the first visit */
	for (uint32_t i = 0; i < n->n; i++)
		count_refs(g, n->kids[i]);
}

/* uint32_t t<type>(struct interp *ip, void *ctx, uint32_t *out, uint32_t type)
 * for the types g->types, which share the candidates cands. Shared nodes
 * are memoised in a byte array of the frame. */
static void emit_type_fn(struct gen *g, uint32_t t, int dir, const uint32_t *cands,
			 uint32_t ncand, bool first)
{
	LLVMTypeRef params[4] = { g->p8, g->p8, g->p32, g->i32 };
	LLVMTypeRef fty = LLVMFunctionType(g->i32, params, 4, 0);
	LLVMValueRef count, out, memo_size;
	LLVMBasicBlockRef entry, body;
	char name[32];

	snprintf(name, sizeof(name), "t%u_%d", t, dir);
	g->fn = LLVMAddFunction(g->m, name, fty);
	g->a_ip = LLVMGetParam(g->fn, 0);
	g->a_ctx = LLVMGetParam(g->fn, 1);
	out = LLVMGetParam(g->fn, 2);
	g->a_type = LLVMGetParam(g->fn, 3);
	memset(g->nref, 0, g->nnodes);
	memset(g->nslot, 0, g->nnodes * sizeof(*g->nslot));
	g->nshared = 0;
	for (uint32_t i = 0; i < ncand; i++)
		if (fold_node(g, g->rs->rules[cands[i]].root) == 3)
			count_refs(g, g->rs->rules[cands[i]].root);
	for (uint32_t i = 0; i < g->nnodes; i++)
		if (g->nref[i] > 1)
			g->nslot[i] = ++g->nshared;
	entry = g->entry = new_bb(g, "entry");
	g->a_pm = NULL;
	body = new_bb(g, "body");
	LLVMPositionBuilderAtEnd(g->b, entry);
	count = LLVMBuildAlloca(g->b, g->i32, "count");
	memo_size = c_i32(g, g->nshared ? g->nshared : 1);
	g->a_memo = LLVMBuildAlloca(g->b, LLVMArrayType(g->i8, g->nshared ? g->nshared : 1), "memo");
	g->a_memo = LLVMBuildBitCast(g->b, g->a_memo, g->p8, "");
	LLVMBuildStore(g->b, c_i32(g, 0), count);
	LLVMBuildMemSet(g->b, g->a_memo, LLVMConstInt(g->i8, 0, 0), memo_size, 1);
	LLVMBuildBr(g->b, body);
	LLVMPositionBuilderAtEnd(g->b, body);
	for (uint32_t i = 0; i < ncand; i++) {
		LLVMValueRef v, c, idx, slot;
		LLVMBasicBlockRef hit, next;

		if (fold_node(g, g->rs->rules[cands[i]].root) == 1)
			continue;	/* cannot match events of these codes */
		v = emit_node(g, g->rs->rules[cands[i]].root);
		hit = new_bb(g, "hit");
		next = new_bb(g, "next");
		g->st->rule_bodies++;
		LLVMBuildCondBr(g->b, v, hit, next);
		LLVMPositionBuilderAtEnd(g->b, hit);
		c = LLVMBuildLoad2(g->b, g->i32, count, "");
		idx = LLVMBuildZExt(g->b, c, g->i64, "");
		slot = LLVMBuildInBoundsGEP2(g->b, g->i32, out, &idx, 1, "");
		LLVMBuildStore(g->b, c_i32(g, cands[i]), slot);
		c = LLVMBuildAdd(g->b, c, c_i32(g, 1), "");
		if (first) {
			LLVMBuildRet(g->b, c);
		} else {
			LLVMBuildStore(g->b, c, count);
			LLVMBuildBr(g->b, next);
		}
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	LLVMBuildRet(g->b, LLVMBuildLoad2(g->b, g->i32, count, ""));
}

static void gen_types(struct gen *g)
{
	g->i1 = LLVMInt1TypeInContext(g->c);
	g->i8 = LLVMInt8TypeInContext(g->c);
	g->i32 = LLVMInt32TypeInContext(g->c);
	g->i64 = LLVMInt64TypeInContext(g->c);
	g->p8 = LLVMPointerType(g->i8, 0);
	g->p32 = LLVMPointerType(g->i32, 0);
	{
		LLVMTypeRef p[3] = { g->p8, g->i32, g->p8 };

		g->ty_field = LLVMFunctionType(g->p8, p, 3, 0);
		g->fn_field = LLVMAddFunction(g->m, "saker_rt_field", g->ty_field);
	}
	{
		LLVMTypeRef p[2] = { g->p8, g->p8 };

		g->ty_cmp = LLVMFunctionType(g->i8, p, 2, 0);
		/* irop_eval under a name of its own: the linked bitcode has
		 * irop_eval with its C types */
		g->fn_cmp = LLVMAddFunction(g->m, "saker_rt_cmp", g->ty_cmp);
	}
	{
		LLVMTypeRef p[4] = { g->p8, g->i32, g->p8, g->p8 };

		g->ty_fcmp = LLVMFunctionType(g->i8, p, 4, 0);
		g->fn_fcmp = LLVMAddFunction(g->m, "saker_rt_field_cmp", g->ty_fcmp);
	}
	{
		LLVMTypeRef p[3] = { g->i32, g->p8, g->p8 };

		g->ty_cmpf = LLVMFunctionType(g->i8, p, 3, 0);
		g->fn_cmpf = LLVMAddFunction(g->m, "saker_rt_cmp_fields", g->ty_cmpf);
	}
	{
		LLVMTypeRef p[1] = { g->p8 };

		g->ty_dfield = LLVMFunctionType(g->p8, p, 1, 0);
		g->fn_dfield = LLVMAddFunction(g->m, "saker_rt_direct_field", g->ty_dfield);
	}
	{
		LLVMTypeRef p[1] = { g->p8 };

		g->ty_pm = LLVMFunctionType(g->p8, p, 1, 0);
	}
}

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;
static bool llvm_ready;

static void llvm_init(void)
{
	llvm_ready = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter();
}

/* LLVM's native target, set up the first time LLVM compiles or links (a
 * start that loads its code from the cache never needs it). 0, or -EIO
 * with the reason in err. */
static int llvm_native(char *err, size_t errlen)
{
	pthread_once(&llvm_once, llvm_init);
	if (llvm_ready)
		return 0;
	snprintf(err, errlen, "LLVM has no native target");
	return -EIO;
}

static int llvm_fail(LLVMErrorRef e, const char *what, char *err, size_t errlen)
{
	char *msg = LLVMGetErrorMessage(e);

	snprintf(err, errlen, "%s: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return -EIO;
}

/* The helpers, visible to the generated code by name; libc (memcmp, bcmp,
 * memset) from the process. */
static const struct {
	const char *name;
	const void *fn;
} helpers[] = {
	{ "saker_rt_field", (const void *)rt_field },
	{ "saker_rt_cmp_fields", (const void *)rt_cmp_fields },
	{ "saker_rt_field_cmp", (const void *)rt_field_cmp },
	{ "saker_rt_direct_field", (const void *)rt_direct_field },
	{ "saker_rt_cmp", (const void *)irop_eval },
	/* what the linked evaluators call */
	{ "irop_eval", (const void *)irop_eval },
	{ "irop_set_has", (const void *)irop_set_has },
	{ "irop_affix_has", (const void *)irop_affix_has },
	{ "irop_mem_has", (const void *)irop_mem_has },
	{ "irop_pmatch_set", (const void *)irop_pmatch_set },
};

static int define_helpers(LLVMOrcLLJITRef lljit, char *err, size_t errlen)
{
	LLVMJITCSymbolMapPair pairs[sizeof(helpers) / sizeof(helpers[0])];
	LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(lljit);
	LLVMOrcDefinitionGeneratorRef gen;
	LLVMErrorRef e;

	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		pairs[i].Name = LLVMOrcLLJITMangleAndIntern(lljit, helpers[i].name);
		pairs[i].Sym.Address = (LLVMOrcJITTargetAddress)(uintptr_t)helpers[i].fn;
		pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
						  LLVMJITSymbolGenericFlagsCallable;
		pairs[i].Sym.Flags.TargetFlags = 0;
	}
	e = LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs, sizeof(helpers) /
							      sizeof(helpers[0])));
	if (e)
		return llvm_fail(e, "defining the runtime helpers", err, errlen);
	e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
		&gen, LLVMOrcLLJITGetGlobalPrefix(lljit), NULL, NULL);
	if (e)
		return llvm_fail(e, "searching the process for symbols", err, errlen);
	LLVMOrcJITDylibAddGenerator(jd, gen);
	return 0;
}

/* The address of a name the code uses (sym_data, sym_fn): a helper, a
 * direct field (sk_f<id>), a comparison's right side and evaluator
 * (sk_r<node>, sk_e<node>), the thread memo (sk_pm), else libc's from the
 * process. jit_load.c resolves through it, and define_refs gives LLVM the
 * same addresses. */
static bool resolve_sym(void *ctx, const char *name, uint64_t *addr)
{
	const struct jit *j = ctx;
	const struct ruleset *rs = interp_ruleset(j->ip);
	uint32_t id, nf = j->fields ? interp_nfields(j->ip) : 0;
	char kind;
	int end = 0;
	void *p;

	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		if (!strcmp(name, helpers[i].name)) {
			*addr = (uint64_t)(uintptr_t)helpers[i].fn;
			return true;
		}
	}
	if (!strcmp(name, "sk_pm")) {
		*addr = (uint64_t)(uintptr_t)j->proc_memo;
		return j->proc_memo != NULL;
	}
	if (sscanf(name, "sk_%c%u%n", &kind, &id, &end) == 2 && !name[end]) {
		struct interp_cmp ic;

		if (kind == 'f') {
			*addr = (uint64_t)(uintptr_t)&j->fields[id];
			return id < nf && j->fields[id].fn;
		}
		if ((kind != 'r' && kind != 'e') || id >= rs->ir.nnodes || !rs->ir.nodes[id] ||
		    rs->ir.nodes[id]->kind != IR_CMP)
			return false;
		interp_node_cmp(j->ip, id, &ic);
		*addr = kind == 'r' ? (uint64_t)(uintptr_t)ic.cmp
				    : (uint64_t)(uintptr_t)irop_evaluator(ic.cmp);
		return true;
	}
	if (!(p = dlsym(RTLD_DEFAULT, name)))
		return false;
	*addr = (uint64_t)(uintptr_t)p;
	return true;
}

/* One of define_refs' symbols: its address as resolve_sym gives it. */
static void add_ref(LLVMOrcLLJITRef lljit, const struct jit *j, const char *name, bool callable,
		    LLVMJITCSymbolMapPair *pairs, uint32_t *n)
{
	uint64_t addr;

	if (!resolve_sym((void *)j, name, &addr))
		return;
	pairs[*n].Name = LLVMOrcLLJITMangleAndIntern(lljit, name);
	pairs[*n].Sym.Address = (LLVMOrcJITTargetAddress)addr;
	pairs[*n].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
		(callable ? LLVMJITSymbolGenericFlagsCallable : 0);
	(*n)++;
}

/* The rules' addresses (sk_*) as absolute symbols, for LLVM's linker. */
static int define_refs(LLVMOrcLLJITRef lljit, const struct jit *j, char *err, size_t errlen)
{
	const struct ruleset *rs = interp_ruleset(j->ip);
	uint32_t nf = j->fields ? interp_nfields(j->ip) : 0, n = 0, cap = nf + 1;
	LLVMJITCSymbolMapPair *pairs;
	LLVMErrorRef e;
	char name[32];

	for (uint32_t id = 0; id < rs->ir.nnodes; id++)
		cap += rs->ir.nodes[id] && rs->ir.nodes[id]->kind == IR_CMP ? 2 : 0;
	pairs = mem_calloc(cap, sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (uint32_t id = 0; id < nf; id++) {
		snprintf(name, sizeof(name), "sk_f%u", id);
		add_ref(lljit, j, name, false, pairs, &n);
	}
	for (uint32_t id = 0; id < rs->ir.nnodes; id++) {
		snprintf(name, sizeof(name), "sk_r%u", id);
		add_ref(lljit, j, name, false, pairs, &n);
		snprintf(name, sizeof(name), "sk_e%u", id);
		add_ref(lljit, j, name, true, pairs, &n);
	}
	add_ref(lljit, j, "sk_pm", true, pairs, &n);
	e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(lljit), LLVMOrcAbsoluteSymbols(pairs, n));
	mem_free(pairs);
	return e ? llvm_fail(e, "defining the rules' addresses", err, errlen) : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool same_cands(const struct jit_opts *o, uint32_t a, uint32_t b)
{
	uint32_t na, nb;
	const uint32_t *ca = o->cands(o->cands_ctx, a, &na), *cb = o->cands(o->cands_ctx, b, &nb);

	return na == nb && !memcmp(ca, cb, na * sizeof(*ca));
}

/* Types with the same candidates (open, openat, openat2, ...) share one
 * function: group[t] is the first type of t's group, its leader. */
static void make_groups(struct jit *j, const struct jit_opts *o)
{
	for (uint32_t t = 0; t < j->ntypes; t++) {
		uint32_t n;

		j->group[t] = t;
		j->has_code[t] = o->cands(o->cands_ctx, t, &n) && n;
	}
	for (uint32_t t = 0; t < j->ntypes; t++) {
		if (!j->has_code[t] || j->group[t] != t)
			continue;
		for (uint32_t u = t + 1; u < j->ntypes; u++)
			if (j->has_code[u] && j->group[u] == u && same_cands(o, t, u))
				j->group[u] = t;
	}
}

static int code_dir(uint16_t code)
{
	const struct evt_info *ei = evt_schema_get(code);

	return ei && ei->dir == EVD_ENTER ? 0 : 1;
}

/* The PPM codes of direction dir whose events the group led by t sees:
 * its types' own codes, and the generic event's when one of its types is
 * a syscall without events of its own (written to out; their number). */
static uint32_t group_codes(const struct jit *j, uint32_t t, int dir, uint16_t *out)
{
	uint32_t n = 0;
	bool generic = false;

	for (uint32_t c = 0; c < PPM_EVENT_MAX; c++) {
		int u = evttypes_of_event((uint16_t)c);

		if (u >= 0 && (uint32_t)u < j->ntypes && j->has_code[u] && j->group[u] == t &&
		    code_dir((uint16_t)c) == dir)
			out[n++] = (uint16_t)c;
	}
	for (size_t i = 0; i < evt_schema_syscall_count() && !generic; i++) {
		const struct evt_syscall_info *sc = evt_schema_syscall(i);
		int u = evttypes_of_syscall(sc->ppm_sc);

		generic = sc->enter_event == PPME_GENERIC_E && u >= 0 && (uint32_t)u < j->ntypes &&
			  j->has_code[u] && j->group[u] == t;
	}
	if (generic)
		out[n++] = dir ? PPME_GENERIC_X : PPME_GENERIC_E;
	return n;
}

/* One module: the groups led by the types in leaders. */
static int build_module(struct shard *sh, struct gen *g)
{
	struct jit *j = sh->j;
	const struct jit_opts *o = sh->o;
	uint32_t *members = mem_calloc(j->ntypes ? j->ntypes : 1, sizeof(*members));
	int ret = 0;

	uint16_t *codes = mem_calloc(PPM_EVENT_MAX, sizeof(*codes));
	uint16_t *codes2 = mem_calloc(PPM_EVENT_MAX, sizeof(*codes2));
	uint8_t *fold0;

	g->nnodes = g->rs->ir.nnodes + 1;
	g->nref = mem_calloc(g->nnodes, 1);
	g->nslot = mem_calloc(g->nnodes, sizeof(*g->nslot));
	g->fold = mem_calloc(g->nnodes, 1);
	fold0 = mem_calloc(g->nnodes, 1);
	g->o = o;
	if (!g->nref || !g->nslot || !g->fold || !fold0 || !members || !codes || !codes2) {
		ret = -ENOMEM;
		goto out;
	}
	gen_types(g);
	for (uint32_t i = 0; i < sh->nleaders; i++) {
		uint32_t t = sh->leaders[i], n, nm = 0;
		const uint32_t *c = o->cands(o->cands_ctx, t, &n);

		for (uint32_t u = t; u < j->ntypes; u++)
			if (j->has_code[u] && j->group[u] == t)
				members[nm++] = u;
		g->types = members;
		g->ntypes = nm;
		for (int dir = 0; dir < 2; dir++) {
			uint8_t *kind = &j->fn_kind[t * 2 + dir];
			bool any = false;

			g->codes = codes;
			g->ncodes = group_codes(j, t, dir, codes);
			/* the enter function may end up serving the exit codes */
			g->codes2 = codes2;
			g->ncodes2 = dir == 0 ? group_codes(j, t, 1, codes2) : 0;
			memset(g->fold, 0, g->nnodes);
			for (uint32_t k = 0; k < n; k++)
				any |= fold_all(g, g->rs->rules[c[k]].root) != 1;
			*kind = !g->ncodes || !any ? JIT_FN_NONE : JIT_FN_OWN;
			if (dir == 0) {
				memcpy(fold0, g->fold, g->nnodes);
			} else if (*kind == JIT_FN_OWN && j->fn_kind[t * 2] == JIT_FN_OWN &&
				   !memcmp(fold0, g->fold, g->nnodes)) {
				*kind = JIT_FN_AS_ENTER;
			}
			if (*kind != JIT_FN_OWN)
				continue;
			emit_type_fn(g, t, dir, c, n, o->first_match);
			sh->st.functions++;
		}
	}
out:
	mem_free(members);
	mem_free(codes);
	mem_free(codes2);
	mem_free(fold0);
	mem_free(g->nref);
	mem_free(g->nslot);
	mem_free(g->fold);
	return ret;
}

/* The evaluators worth inlining: those whose common case takes a few
 * instructions (string equality, prefix, suffix, substring: a length test
 * first). A set or path-prefix test is one call either way. */
static bool inlined_evaluator(const char *name, size_t len)
{
	return len > 3 && !strncmp(name, "ev_", 3) && strcmp(name, "ev_in") &&
	       strcmp(name, "ev_pmatch");
}

/* Links the evaluators' bitcode into the module: the evaluators worth it
 * become internal, always-inlined bodies; every other definition of the
 * file becomes a declaration, resolved to this process's copy, so the
 * module compiles nothing but the rules. */
static int link_helpers(struct gen *g, char *err, size_t errlen)
{
	LLVMMemoryBufferRef mb = LLVMCreateMemoryBufferWithMemoryRange(
		(const char *)saker_irop_bc, saker_irop_bc_len, "irop_rt", 0);
	unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	unsigned never = LLVMGetEnumAttributeKindForName("noinline", 8);
	LLVMModuleRef src;
	LLVMValueRef f, v;

	if (!mb)
		return -ENOMEM;
	if (LLVMParseBitcodeInContext2(g->c, mb, &src)) {
		LLVMDisposeMemoryBuffer(mb);
		snprintf(err, errlen, "the evaluators' bitcode does not load");
		return -EIO;
	}
	LLVMDisposeMemoryBuffer(mb);
	LLVMSetDataLayout(g->m, LLVMGetDataLayoutStr(src));
	LLVMSetTarget(g->m, LLVMGetTarget(src));
	if (LLVMLinkModules2(g->m, src)) {
		snprintf(err, errlen, "the evaluators' bitcode does not link");
		return -EIO;
	}
	for (f = LLVMGetFirstFunction(g->m); f; f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);
		LLVMBasicBlockRef bb;

		if (LLVMIsDeclaration(f))
			continue;
		if (inlined_evaluator(name, len)) {
			LLVMSetLinkage(f, LLVMInternalLinkage);
			LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, never);
			LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
						LLVMCreateEnumAttribute(g->c, always, 0));
			continue;
		}
		while ((bb = LLVMGetFirstBasicBlock(f)) != NULL)
			LLVMDeleteBasicBlock(bb);
		LLVMSetLinkage(f, LLVMExternalLinkage);
	}
	for (v = LLVMGetFirstGlobal(g->m); v; v = LLVMGetNextGlobal(v))
		if (!LLVMIsDeclaration(v))
			LLVMSetLinkage(v, LLVMInternalLinkage);
	return 0;
}

/* Runs the passes named in list (comma-separated names of jit_pass_tab):
 * the module passes first, then the function passes over each function.
 * 0, or -EINVAL for a name it does not know. */
static int optimise(LLVMModuleRef m, const char *list, char *err, size_t errlen)
{
	LLVMPassManagerRef mpm = LLVMCreatePassManager();
	LLVMPassManagerRef fpm = LLVMCreateFunctionPassManagerForModule(m);
	const char *p = list;
	int ret = 0;

	while (*p && !ret) {
		size_t l = strcspn(p, ",");
		size_t i = 0;

		while (i < sizeof(jit_pass_tab) / sizeof(jit_pass_tab[0]) &&
		       (strlen(jit_pass_tab[i].name) != l || strncmp(jit_pass_tab[i].name, p, l)))
			i++;
		if (i == sizeof(jit_pass_tab) / sizeof(jit_pass_tab[0])) {
			snprintf(err, errlen, "optimising: unknown pass '%.*s'", (int)l, p);
			ret = -EINVAL;
			break;
		}
		jit_pass_tab[i].add(jit_pass_tab[i].module ? mpm : fpm);
		p += l + (p[l] == ',');
	}
	if (!ret) {
		LLVMRunPassManager(mpm, m);
		LLVMInitializeFunctionPassManager(fpm);
		for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
			if (!LLVMIsDeclaration(f))
				LLVMRunFunctionPassManager(fpm, f);
		LLVMFinalizeFunctionPassManager(fpm);
	}
	LLVMDisposePassManager(fpm);
	LLVMDisposePassManager(mpm);
	return ret;
}

/* The host's target machine, as LLJIT would make it, for objects the JIT
 * links itself. */
static int make_tm(LLVMTargetMachineRef *out, char *err, size_t errlen)
{
	char *triple = LLVMGetDefaultTargetTriple(), *cpu, *feat, *msg = NULL;
	LLVMTargetRef t;

	*out = NULL;
	if (LLVMGetTargetFromTriple(triple, &t, &msg)) {
		snprintf(err, errlen, "no target for %s: %s", triple, msg ? msg : "");
		LLVMDisposeMessage(msg);
		LLVMDisposeMessage(triple);
		return -EIO;
	}
	cpu = LLVMGetHostCPUName();
	feat = LLVMGetHostCPUFeatures();
	*out = LLVMCreateTargetMachine(t, triple, cpu, feat, LLVMCodeGenLevelDefault,
				       LLVMRelocDefault, LLVMCodeModelJITDefault);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(feat);
	LLVMDisposeMessage(triple);
	if (!*out) {
		snprintf(err, errlen, "LLVM made no target machine");
		return -EIO;
	}
	return 0;
}

/* Generates and optimises one shard's module and compiles it to an
 * object file in *obj. */
static int shard_compile(struct shard *sh, LLVMMemoryBufferRef *obj)
{
	struct gen g = { .ip = sh->j->ip, .rs = interp_ruleset(sh->j->ip), .st = &sh->st, .j = sh->j };
	LLVMTargetMachineRef tm = NULL;
	LLVMTargetDataRef dl;
	char *msg = NULL;
	int ret;

	*obj = NULL;
	if ((ret = llvm_native(sh->err, sizeof(sh->err))))
		return ret;
	g.c = LLVMContextCreate();
	g.m = LLVMModuleCreateWithNameInContext("saker_rules", g.c);
	g.b = LLVMCreateBuilderInContext(g.c);
	ret = make_tm(&tm, sh->err, sizeof(sh->err));
	if (!ret)
		ret = link_helpers(&g, sh->err, sizeof(sh->err));
	if (!ret) {
		dl = LLVMCreateTargetDataLayout(tm);
		LLVMSetModuleDataLayout(g.m, dl);
		LLVMDisposeTargetData(dl);
		ret = build_module(sh, &g);
	}
	LLVMDisposeBuilder(g.b);
	if (!ret && LLVMVerifyModule(g.m, LLVMReturnStatusAction, &msg)) {
		snprintf(sh->err, sizeof(sh->err), "generated code does not verify: %.200s",
			 msg ? msg : "");
		ret = -EIO;
	}
	LLVMDisposeMessage(msg);
	msg = NULL;
	if (!ret)
		ret = optimise(g.m, sh->o->passes ? sh->o->passes : JIT_PASSES, sh->err,
			       sizeof(sh->err));
	if (!ret && LLVMTargetMachineEmitToMemoryBuffer(tm, g.m, LLVMObjectFile, &msg, obj)) {
		snprintf(sh->err, sizeof(sh->err), "generating code: %.200s", msg ? msg : "");
		ret = -EIO;
	}
	LLVMDisposeMessage(msg);
	LLVMDisposeModule(g.m);
	LLVMContextDispose(g.c);
	if (tm)
		LLVMDisposeTargetMachine(tm);
	return ret;
}

/* The addresses of the shard's functions, from its linked object. */
static int shard_resolve(struct shard *sh)
{
	for (uint32_t i = 0; i < sh->nleaders; i++) {
		LLVMOrcExecutorAddress addr = 0;
		LLVMErrorRef e;
		char name[32];

		for (int dir = 0; dir < 2; dir++) {
			uint32_t k = sh->leaders[i] * 2 + (uint32_t)dir;

			if (sh->j->fn_kind[k] == JIT_FN_AS_ENTER)
				sh->j->fns[k] = sh->j->fns[k - 1];
			if (sh->j->fn_kind[k] != JIT_FN_OWN)
				continue;
			snprintf(name, sizeof(name), "t%u_%d", sh->leaders[i], dir);
			if (sh->img) {
				void *f = jit_image_symbol(sh->img, name);

				if (!f) {
					snprintf(sh->err, sizeof(sh->err), "the code has no %s", name);
					return -EIO;
				}
				sh->j->fns[k] = (jit_fn)f;
				continue;
			}
			e = LLVMOrcLLJITLookup(sh->lljit, &addr, name);
			if (e)
				return llvm_fail(e, "generating code", sh->err, sizeof(sh->err));
			sh->j->fns[k] = (jit_fn)(uintptr_t)addr;
		}
	}
	return 0;
}

static void note(const struct shard *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct shard *sh, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (!sh->o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sh->o->note(sh->o->note_ctx, msg);
}

/* The object obj linked in, and its functions: loaded by jit_load.c, or
 * by an LLJIT of the shard's own for what jit_load.c does not handle. */
static int shard_link(struct shard *sh, const void *obj, size_t len)
{
	LLVMErrorRef e;
	LLVMMemoryBufferRef mb;
	char why[256];
	int ret;

	ret = jit_image__load(obj, len, resolve_sym, sh->j, &sh->img, why, sizeof(why));
	if (!ret)
		return shard_resolve(sh);
	if (ret == -ENOMEM)
		return ret;
	note(sh, "JIT: the code is linked by LLVM: %s", why);
	if ((ret = llvm_native(sh->err, sizeof(sh->err))))
		return ret;
	e = LLVMOrcCreateLLJIT(&sh->lljit, NULL);
	if (e) {
		sh->lljit = NULL;
		return llvm_fail(e, "creating the JIT", sh->err, sizeof(sh->err));
	}
	if ((ret = define_helpers(sh->lljit, sh->err, sizeof(sh->err))) ||
	    (ret = define_refs(sh->lljit, sh->j, sh->err, sizeof(sh->err))))
		return ret;
	mb = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj, len, "saker_rules");
	e = LLVMOrcLLJITAddObjectFile(sh->lljit, LLVMOrcLLJITGetMainJITDylib(sh->lljit), mb);
	if (e)
		return llvm_fail(e, "adding the code", sh->err, sizeof(sh->err));
	return shard_resolve(sh);
}

static void shard_unlink(struct shard *sh)
{
	jit_image__free(sh->img);
	sh->img = NULL;
	if (sh->lljit) {
		LLVMErrorRef e = LLVMOrcDisposeLLJIT(sh->lljit);

		if (e)
			LLVMConsumeError(e);
		sh->lljit = NULL;
	}
}

/* A cache entry: this head, then each leader's two function kinds, then
 * the object file. */
struct entry_head {
	uint32_t nleaders;
	uint32_t pad;
	struct jit_stats st;
};

static void shard_store(struct shard *sh, const void *obj, size_t len)
{
	size_t n = sizeof(struct entry_head) + 2 * (size_t)sh->nleaders + len;
	struct entry_head h = { .nleaders = sh->nleaders, .st = sh->st };
	uint8_t *p = mem_malloc(n);

	h.st.cache_hits = h.st.cache_misses = h.st.cache_rejected = h.st.cache_evicted = 0;
	h.st.llvm_links = 0;
	int ret;

	if (!p)
		return;
	memcpy(p, &h, sizeof(h));
	for (uint32_t i = 0; i < sh->nleaders; i++) {
		p[sizeof(h) + 2 * i] = sh->j->fn_kind[sh->leaders[i] * 2];
		p[sizeof(h) + 2 * i + 1] = sh->j->fn_kind[sh->leaders[i] * 2 + 1];
	}
	memcpy(p + sizeof(h) + 2 * (size_t)sh->nleaders, obj, len);
	ret = jit_cache__put(sh->j->cache, sh->key, p, n);
	if (ret && ret != -EFBIG)
		note(sh, "JIT cache: the compiled code could not be stored: %s", strerror(-ret));
	mem_free(p);
}

/* The shard's code from the cache: true when it is linked. */
static bool shard_from_cache(struct shard *sh)
{
	struct entry_head h;
	char why[512];
	void *data;
	size_t len, off;
	const uint8_t *p;
	int ret = jit_cache__get(sh->j->cache, sh->key, &data, &len, why, sizeof(why));

	if (ret == -EINVAL)
		note(sh, "JIT cache: entry ignored and removed: %s", why);
	if (ret)
		return false;
	p = data;
	off = sizeof(h) + 2 * (size_t)sh->nleaders;
	memcpy(&h, p, len >= sizeof(h) ? sizeof(h) : 0);
	if (len < off || h.nleaders != sh->nleaders) {
		note(sh, "JIT cache: entry ignored: it does not describe these rules");
		mem_free(data);
		return false;
	}
	for (uint32_t i = 0; i < sh->nleaders; i++) {
		sh->j->fn_kind[sh->leaders[i] * 2] = p[sizeof(h) + 2 * i];
		sh->j->fn_kind[sh->leaders[i] * 2 + 1] = p[sizeof(h) + 2 * i + 1];
	}
	ret = shard_link(sh, p + off, len - off);
	mem_free(data);
	if (ret) {
		note(sh, "JIT cache: entry ignored: %s; compiling again", sh->err);
		shard_unlink(sh);
		for (uint32_t i = 0; i < sh->nleaders; i++)
			sh->j->fn_kind[sh->leaders[i] * 2] = sh->j->fn_kind[sh->leaders[i] * 2 + 1] = 0;
		sh->err[0] = '\0';
		return false;
	}
	sh->st = h.st;
	return true;
}

static void *shard_run(void *arg)
{
	struct shard *sh = arg;
	LLVMMemoryBufferRef obj;

	if (sh->j->cache && shard_from_cache(sh)) {
		sh->st.cache_hits = 1;
		return NULL;
	}
	if ((sh->ret = shard_compile(sh, &obj)))
		return NULL;
	if (sh->j->cache)
		shard_store(sh, LLVMGetBufferStart(obj), LLVMGetBufferSize(obj));
	sh->st.cache_misses = 1;
	sh->ret = shard_link(sh, LLVMGetBufferStart(obj), LLVMGetBufferSize(obj));
	LLVMDisposeMemoryBuffer(obj);
	return NULL;
}

/* The direct extractors of the plain field operands. */
static int make_direct(struct jit *j, const struct jit_opts *o)
{
	uint32_t n = interp_nfields(j->ip);

	if (!o->direct || !n)
		return 0;
	j->fields = mem_calloc(n, sizeof(*j->fields));
	if (!j->fields)
		return -ENOMEM;
	for (uint32_t id = 0; id < n; id++) {
		struct jit_field *f = &j->fields[id];
		struct jit_direct d;

		if (interp_field(j->ip, id)->kind != IRV_FIELD || !o->direct(o->direct_ctx, id, &d))
			continue;
		interp_field_slot(j->ip, id, &f->val, &f->epoch);
		f->now = interp_epoch(j->ip);
		f->fn = d.fn;
		f->a = d.a;
		f->b = d.b;
	}
	return 0;
}

static bool opnd_proc_static(const struct ir_opnd *o)
{
	if (o->kind == IRV_XFORM)
		return opnd_proc_static(o->inner);
	return o->kind != IRV_FIELD || fields_proc_static(o->fi);
}

/* Whether n reads process-static fields only; pure[id]: 0 unknown, 1 yes,
 * 2 no. */
static bool node_proc_static(const struct ir_node *n, uint8_t *pure)
{
	bool yes = true;

	if (pure[n->id])
		return pure[n->id] == 1;
	if (n->kind == IR_CMP)
		yes = opnd_proc_static(n->lhs) && (!n->rhs || opnd_proc_static(n->rhs));
	for (uint32_t i = 0; i < n->n; i++)
		yes = node_proc_static(n->kids[i], pure) && yes;
	pure[n->id] = yes ? 1 : 2;
	return yes;
}

/* Numbers the process-static nodes of the dispatched rules: their slots
 * in the thread memo. */
static int make_proc_slots(struct jit *j, const struct jit_opts *o)
{
	const struct ruleset *rs = interp_ruleset(j->ip);
	uint32_t nn = rs->ir.nnodes + 1;
	uint8_t *pure;

	if (!o->proc_memo)
		return 0;
	pure = mem_calloc(nn, 1);
	j->proc_slot = mem_calloc(nn, sizeof(*j->proc_slot));
	if (!pure || !j->proc_slot) {
		mem_free(pure);
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < j->ntypes; t++) {
		uint32_t n;
		const uint32_t *c = j->has_code[t] ? o->cands(o->cands_ctx, t, &n) : NULL;

		for (uint32_t i = 0; c && i < n; i++)
			node_proc_static(rs->rules[c[i]].root, pure);
	}
	for (uint32_t id = 0; id < rs->ir.nnodes; id++)
		if (pure[id] == 1 && rs->ir.nodes[id] && rs->ir.nodes[id]->kind != IR_CONST)
			j->proc_slot[id] = ++j->nproc;
	mem_free(pure);
	j->proc_memo = o->proc_memo;
	j->st.proc_nodes = j->nproc;
	return 0;
}

/* Spreads the groups over up to one shard per CPU (JIT_MAX_SHARDS), the
 * biggest first onto the lightest shard, so they compile in parallel. */
static int make_shards(struct jit *j, const struct jit_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t nlead = 0, ns;

	for (uint32_t t = 0; t < j->ntypes; t++)
		nlead += j->has_code[t] && j->group[t] == t;
	if (!nlead)
		return 0;
	ns = cpus < 1 ? 1 : cpus > JIT_MAX_SHARDS ? JIT_MAX_SHARDS : (uint32_t)cpus;
	ns = ns > nlead ? nlead : ns;
	j->shards = mem_calloc(ns, sizeof(*j->shards));
	if (!j->shards)
		return -ENOMEM;
	j->nshards = ns;
	for (uint32_t i = 0; i < ns; i++) {
		j->shards[i].j = j;
		j->shards[i].o = o;
		j->shards[i].leaders = mem_calloc(nlead, sizeof(uint32_t));
		if (!j->shards[i].leaders)
			return -ENOMEM;
	}
	for (;;) {	/* heaviest unplaced group next */
		uint32_t best = UINT32_MAX, bestn = 0, light = 0;

		for (uint32_t t = 0; t < j->ntypes; t++) {
			uint32_t n;
			bool placed = false;

			if (!j->has_code[t] || j->group[t] != t)
				continue;
			for (uint32_t i = 0; i < ns && !placed; i++)
				for (uint32_t k = 0; k < j->shards[i].nleaders && !placed; k++)
					placed = j->shards[i].leaders[k] == t;
			o->cands(o->cands_ctx, t, &n);
			if (!placed && (best == UINT32_MAX || n > bestn)) {
				best = t;
				bestn = n;
			}
		}
		if (best == UINT32_MAX)
			break;
		for (uint32_t i = 1; i < ns; i++)
			if (j->shards[i].weight < j->shards[light].weight)
				light = i;
		j->shards[light].leaders[j->shards[light].nleaders++] = best;
		j->shards[light].weight += bestn;
	}
	return 0;
}

static void hash_u32(XXH3_state_t *h, uint32_t v)
{
	XXH3_128bits_update(h, &v, sizeof(v));
}

static void hash_str(XXH3_state_t *h, const char *v)
{
	XXH3_128bits_update(h, v, strlen(v) + 1);
}

/* Each shard's key in the cache: everything its code depends on. The
 * build of saker (its code generator, the evaluators' bitcode, the field
 * extractors the folding asks), LLVM and the CPU; the options; the rules
 * as the IR gives them (every node with its canonical text and its kids in
 * evaluation order, the field operands, the comparisons' operands), the
 * candidates of every type and the groups; the shard's own groups. */
static int cache_keys(struct jit *j, const struct jit_opts *o)
{
	const struct ruleset *rs = interp_ruleset(j->ip);
	XXH3_state_t *h = XXH3_createState(), *sh;
	uint8_t bid[64];
	size_t nb = jit_cache_build_id(bid, sizeof(bid));
	char *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
	char *triple = LLVMGetDefaultTargetTriple();
	struct strbuf sb = STRBUF_INIT;
	uint32_t nf = interp_nfields(j->ip);

	if (!h) {
		LLVMDisposeMessage(cpu);
		LLVMDisposeMessage(feat);
		LLVMDisposeMessage(triple);
		return -ENOMEM;
	}
	XXH3_128bits_reset(h);
	hash_str(h, "saker jit cache 1");
	XXH3_128bits_update(h, bid, nb);
	hash_str(h, LLVM_VERSION_STRING);
	hash_str(h, triple);
	hash_str(h, cpu);
	hash_str(h, feat);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(feat);
	LLVMDisposeMessage(triple);
	hash_str(h, o->passes ? o->passes : JIT_PASSES);
	hash_u32(h, o->first_match);
	hash_u32(h, o->ntypes);
	hash_u32(h, (uint32_t)o->evt_ctx_off);
	hash_u32(h, (o->proc_memo ? 1 : 0) | (o->direct ? 2 : 0) | (o->static_value ? 4 : 0) |
			    (o->param_of ? 8 : 0));
	for (uint32_t id = 0; id < rs->ir.nnodes; id++) {
		const struct ir_node *n = rs->ir.nodes[id];

		if (!n) {
			hash_u32(h, UINT32_MAX);
			continue;
		}
		hash_str(h, n->key);
		for (uint32_t k = 0; k < n->n; k++)
			hash_u32(h, n->kids[k]->id);
		if (n->kind == IR_CMP) {
			struct interp_cmp ic;

			interp_node_cmp(j->ip, id, &ic);
			hash_u32(h, ic.lhs);
			hash_u32(h, ic.cmp->is_field ? ic.rhs : UINT32_MAX);
		}
		hash_u32(h, j->proc_slot ? j->proc_slot[id] : 0);
	}
	for (uint32_t id = 0; id < nf; id++) {
		strbuf_reset(&sb);
		ir_opnd_format(interp_field(j->ip, id), &sb);
		hash_str(h, sb.buf ? sb.buf : "");
		hash_u32(h, j->fields && j->fields[id].fn);
	}
	strbuf_release(&sb);
	for (uint32_t t = 0; t < j->ntypes; t++) {
		uint32_t n = 0;
		const uint32_t *c = j->has_code[t] ? o->cands(o->cands_ctx, t, &n) : NULL;

		hash_u32(h, j->group[t]);
		hash_u32(h, n);
		for (uint32_t i = 0; i < n; i++) {
			hash_u32(h, c[i]);
			hash_u32(h, rs->rules[c[i]].root->id);
		}
	}
	sh = XXH3_createState();
	for (uint32_t i = 0; sh && i < j->nshards; i++) {
		XXH128_hash_t v;
		XXH128_canonical_t can;

		XXH3_copyState(sh, h);
		hash_u32(sh, j->shards[i].nleaders);
		for (uint32_t k = 0; k < j->shards[i].nleaders; k++)
			hash_u32(sh, j->shards[i].leaders[k]);
		v = XXH3_128bits_digest(sh);
		XXH128_canonicalFromHash(&can, v);
		memcpy(j->shards[i].key, can.digest, JIT_CACHE_KEY_LEN);
	}
	XXH3_freeState(h);
	if (!sh)
		return -ENOMEM;
	XXH3_freeState(sh);
	return 0;
}

/* The cache of o, when it has one and it can be used (said otherwise). */
static int open_cache(struct jit *j, const struct jit_opts *o)
{
	char msg[512];
	int ret;

	if (!o->cache_dir || !*o->cache_dir)
		return 0;
	ret = jit_cache__open(o->cache_dir, o->cache_max_bytes, &j->cache, msg, sizeof(msg));
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		if (o->note) {
			char line[600];

			snprintf(line, sizeof(line), "JIT cache not used: %s", msg);
			o->note(o->note_ctx, line);
		}
		return 0;
	}
	ret = cache_keys(j, o);
	if (ret) {
		jit_cache__free(j->cache);
		j->cache = NULL;
	}
	return ret;
}

int jit__new(struct interp *ip, const struct jit_opts *o, struct jit **out, char *err,
	     size_t errlen)
{
	uint64_t t0 = now_ns();
	pthread_t th[JIT_MAX_SHARDS];
	bool started[JIT_MAX_SHARDS] = { false };
	struct jit *j;
	int ret;

	*out = NULL;
	j = mem_calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->ip = ip;
	j->epoch = interp_epoch(ip);
	j->ntypes = o->ntypes;
	j->fns = mem_calloc(o->ntypes ? o->ntypes * 2 : 1, sizeof(*j->fns));
	j->fn_kind = mem_calloc(o->ntypes ? o->ntypes * 2 : 1, sizeof(*j->fn_kind));
	j->static_value = o->static_value;
	j->static_ctx = o->direct_ctx;
	j->evt_ctx_off = o->evt_ctx_off;
	j->group = mem_calloc(o->ntypes ? o->ntypes : 1, sizeof(*j->group));
	j->has_code = mem_calloc(o->ntypes ? o->ntypes : 1, sizeof(*j->has_code));
	if (!j->fns || !j->fn_kind || !j->group || !j->has_code) {
		ret = -ENOMEM;
		goto fail;
	}
	make_groups(j, o);
	if ((ret = make_direct(j, o)) || (ret = make_proc_slots(j, o)) ||
	    (ret = make_shards(j, o)) || (ret = open_cache(j, o)))
		goto fail;
	for (uint32_t i = 1; i < j->nshards; i++)
		started[i] = !pthread_create(&th[i], NULL, shard_run, &j->shards[i]);
	for (uint32_t i = 0; i < j->nshards; i++)
		if (!i || !started[i])
			shard_run(&j->shards[i]);	/* here when a thread could not start */
	for (uint32_t i = 1; i < j->nshards; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	ret = 0;
	for (uint32_t i = 0; i < j->nshards; i++) {
		struct shard *sh = &j->shards[i];

		if (sh->ret && !ret) {
			ret = sh->ret;
			snprintf(err, errlen, "%s", sh->err);
		}
		j->st.functions += sh->st.functions;
		j->st.rule_bodies += sh->st.rule_bodies;
		j->st.inline_cmps += sh->st.inline_cmps;
		j->st.param_reads += sh->st.param_reads;
		j->st.helper_cmps += sh->st.helper_cmps;
		j->st.folded_cmps += sh->st.folded_cmps;
		j->st.cache_hits += sh->st.cache_hits;
		j->st.llvm_links += sh->lljit != NULL;
		j->st.cache_misses += sh->st.cache_misses;
	}
	if (j->cache) {
		struct jit_cache_stats cs;

		jit_cache__stats(j->cache, &cs);
		j->st.cache_rejected = (uint32_t)cs.rejected;
		j->st.cache_evicted = (uint32_t)cs.evicted;
	}
	if (ret)
		goto fail;
	for (uint32_t t = 0; t < j->ntypes; t++)
		if (j->has_code[t])
			for (int dir = 0; dir < 2; dir++)
				j->fns[t * 2 + dir] = j->fns[j->group[t] * 2 + dir];
	for (uint32_t c = 0; c < PPM_EVENT_MAX; c++) {
		int t = evttypes_of_event((uint16_t)c);

		if (t >= 0 && (uint32_t)t < j->ntypes && j->fns[t * 2 + code_dir((uint16_t)c)]) {
			j->by_code[c] = j->fns[t * 2 + code_dir((uint16_t)c)];
			j->type_of_code[c] = (uint16_t)t;
		}
	}
	j->st.compile_ns = now_ns() - t0;
	*out = j;
	return 0;
fail:
	jit__free(j);
	return ret;
}

void jit__free(struct jit *j)
{
	if (!j)
		return;
	for (uint32_t i = 0; i < j->nshards; i++) {
		shard_unlink(&j->shards[i]);
		mem_free(j->shards[i].leaders);
	}
	mem_free(j->shards);
	jit_cache__free(j->cache);
	mem_free(j->fns);
	mem_free(j->fn_kind);
	mem_free(j->group);
	mem_free(j->has_code);
	mem_free(j->proc_slot);
	mem_free(j->fields);
	mem_free(j);
}

uint32_t jit_eval(struct jit *j, int t, int dir, void *ctx, uint32_t *out)
{
	if (t < 0 || (uint32_t)t >= j->ntypes || !j->fns[t * 2 + (dir ? 1 : 0)])
		return 0;
	interp_begin_event_fast(j->ip, j->epoch);
	return j->fns[t * 2 + (dir ? 1 : 0)](j->ip, ctx, out, (uint32_t)t);
}

uint32_t jit_eval_code(struct jit *j, uint16_t code, void *ctx, uint32_t *out)
{
	if (code >= PPM_EVENT_MAX || !j->by_code[code])
		return 0;
	interp_begin_event_fast(j->ip, j->epoch);
	return j->by_code[code](j->ip, ctx, out, j->type_of_code[code]);
}

void jit_stats(const struct jit *j, struct jit_stats *out)
{
	*out = j->st;
}

uint32_t jit_proc_slots(const struct jit *j)
{
	return j->nproc;
}
