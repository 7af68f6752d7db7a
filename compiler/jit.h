/* The JIT: rule conditions compiled to native code with LLVM (ORC LLJIT,
 * LLVM 14). One function per group of event types with the same candidate
 * rules and per event direction evaluates every candidate in rule order,
 * shares subexpressions across rules, folds what the event code decides
 * (evt.type, evt.dir, fields without a value on such events), compares
 * numbers and flags inline, keeps results over process fields per thread,
 * and tests strings, patterns and sets with the interpreter's helpers
 * (irop_rt, linked from bitcode and inlined where it pays), so both
 * evaluators give the same answer by construction. Prefix jit_ (methods
 * jit__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct interp;

struct fval;

struct jit_direct {
	void (*fn)(const void *a, const void *b, struct fval *out);
	const void *a, *b;
};

/* Where a parameter is: index, the length it must have, and whether it is
 * signed (sign-extended to an FV_S64, else zero-extended to an FV_U64). */
struct jit_param {
	uint32_t index;
	uint8_t size;
	bool sgn;
};

/* Candidate rules of evt.type index t, in rule order; *n of them. */
typedef const uint32_t *(*jit_cands_fn)(void *ctx, uint32_t t, uint32_t *n);

struct jit_opts {
	size_t sz;
	uint32_t ntypes;	/* evt.type indexes 0..ntypes-1 */
	jit_cands_fn cands;
	void *cands_ctx;
	bool first_match;	/* rule_matching: first */
	const char *passes;	/* LLVM pass pipeline; NULL: saker's (JIT_PASSES) */
	/* Results over process-static fields (fields_proc_static) are kept
	 * per thread: proc_memo returns the current event's thread's memo,
	 * jit_proc_slots() bytes, all zero when it may be stale (state__proc_gen_ptr
	 * changed or another thread took the place). NULL: no such memo. */
	uint8_t *(*proc_memo)(void *ctx);
	/* Direct extraction: for field operand id (a plain field, not a
	 * transformer), a function and its first two arguments that write the
	 * value to its third, called from the generated code without the
	 * interpreter's layers. false: extract through the interpreter. */
	bool (*direct)(void *ctx, uint32_t id, struct jit_direct *out);
	void *direct_ctx;
	/* The value field operand id has on every event of PPM code `code`
	 * when the code alone decides it (true), so comparisons on it fold
	 * in the functions that serve only such codes. Uses direct_ctx. */
	bool (*static_value)(void *ctx, uint32_t id, uint16_t code, struct fval *out);
	/* In-place parameter reads: ctx holds, evt_ctx_off bytes in, a
	 * pointer to the current event's decoded view (runtime/base/evt.h);
	 * param_of says where field operand id reads an integer parameter on
	 * events of PPM code `code` (false: not there, or not by the code
	 * alone). Comparisons of such a field in a function whose codes all
	 * agree load the parameter from the event instead of calling the
	 * extractor. param_of NULL: no in-place reads. Uses direct_ctx. */
	size_t evt_ctx_off;
	bool (*param_of)(void *ctx, uint32_t id, uint16_t code, struct jit_param *out);
	/* The code cache (compiler/jit_cache.c): a directory (NULL or "": no
	 * cache) and its bound in bytes. Code compiled for the same rules,
	 * options, saker build, LLVM and CPU before is linked from there
	 * instead of compiled. */
	const char *cache_dir;
	uint64_t cache_max_bytes;
	/* What the cache has to say (an entry rejected, a directory that
	 * cannot be used), one line a call; NULL: nothing said. */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
};

struct jit_stats {
	uint32_t functions;	/* event types with code */
	uint32_t rule_bodies;	/* (type, rule) pairs compiled */
	uint32_t inline_cmps;	/* comparisons with an inline fast path */
	uint32_t param_reads;	/* of them, parameters read in place */
	uint32_t helper_cmps;	/* comparisons left to irop_eval */
	uint32_t folded_cmps;	/* comparisons decided by the event type */
	uint32_t proc_nodes;	/* nodes kept per thread (process-static) */
	uint64_t compile_ns;	/* IR generation, optimisation and codegen (or the
				 * cache's code linked) */
	uint32_t cache_hits;	/* shards linked from the cache */
	uint32_t cache_misses;	/* shards compiled (and stored when a cache is set) */
	uint32_t cache_rejected;	/* entries found corrupt or foreign */
	uint32_t cache_evicted;	/* entries removed to stay within the bound */
	uint32_t llvm_links;	/* shards jit_load.c left to LLVM's linker */
};

struct jit;

/* Compiles the conditions of ip's ruleset. 0; -ENOMEM; -EIO with LLVM's
 * message in err when LLVM fails (callers fall back to the interpreter). */
int jit__new(struct interp *ip, const struct jit_opts *o, struct jit **out, char *err,
	     size_t errlen);
void jit__free(struct jit *j);

/* Evaluates the candidates of evt.type index t on the current event of
 * direction dir (0 enter, 1 exit):
 * starts a new event for the interpreter's memo, writes the indexes of the
 * matching rules to out (room for every candidate) in rule order and
 * returns how many (at most one with first_match). ctx goes to the field
 * extractor. */
uint32_t jit_eval(struct jit *j, int t, int dir, void *ctx, uint32_t *out);

/* The same for an event with PPM code `code` that is not a generic event
 * (whose type is its syscall): one table lookup instead of two. */
uint32_t jit_eval_code(struct jit *j, uint16_t code, void *ctx, uint32_t *out);

void jit_stats(const struct jit *j, struct jit_stats *out);
/* Bytes of the per-thread memo (0: none needed). */
uint32_t jit_proc_slots(const struct jit *j);
