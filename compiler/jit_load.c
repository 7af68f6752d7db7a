/* jit_load: ELF64 x86-64 relocatable objects of the JIT's own loaded into
 * executable pages (see jit_load.h). What is handled: read-only allocated
 * sections (code, constants), zero-filled ones, the unwind tables left out
 * (nothing unwinds through the rules' code), and the relocations LLVM's
 * code models emit for them (absolute 64 and 32 bits, PC-relative 64 and
 * 32 bits). */
#include "compiler/jit_load.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/base/mem.h"

#define MAX_SECTIONS 4096
#define MAX_ALIGN 4096u

struct image_sym {
	char *name;
	void *addr;
};

struct jit_image {
	uint8_t *mem;
	size_t size;		/* bytes mapped */
	struct image_sym *syms;
	size_t nsyms;
};

static int fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* The parsed object: checked headers, and where each section goes. */
struct obj {
	const uint8_t *p;
	size_t len;
	const Elf64_Shdr *sh;
	uint32_t nsh;
	const Elf64_Sym *sym;
	size_t nsym;
	const char *str;	/* the symbols' names */
	size_t nstr;
	size_t *place;		/* per section: offset in the image, SIZE_MAX not loaded */
};

static bool in_file(const struct obj *o, uint64_t off, uint64_t size)
{
	return off <= o->len && size <= o->len - off;
}

/* The name at off in the string table, NULL when it does not end there. */
static const char *str_at(const struct obj *o, uint32_t off)
{
	if (off >= o->nstr || !memchr(o->str + off, '\0', o->nstr - off))
		return NULL;
	return o->str + off;
}

static int read_headers(struct obj *o, char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	if (o->len < sizeof(eh))
		return fail(-EINVAL, err, errlen, "object of %zu bytes: no ELF header", o->len);
	memcpy(&eh, o->p, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(-EINVAL, err, errlen, "not a little-endian ELF64 object");
	if (eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
		return fail(-ENOTSUP, err, errlen, "ELF type %u machine %u: not an x86-64 "
			    "relocatable object", eh.e_type, eh.e_machine);
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shnum > MAX_SECTIONS ||
	    !in_file(o, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)) ||
	    eh.e_shoff % 8)
		return fail(-EINVAL, err, errlen, "section headers out of the object");
	o->sh = (const Elf64_Shdr *)(o->p + eh.e_shoff);
	o->nsh = eh.e_shnum;
	for (uint32_t i = 0; i < o->nsh; i++) {
		const Elf64_Shdr *s = &o->sh[i];

		if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
		    !in_file(o, s->sh_offset, s->sh_size))
			return fail(-EINVAL, err, errlen, "section %u out of the object", i);
		if (s->sh_type == SHT_SYMTAB) {
			const Elf64_Shdr *st;

			if (o->sym || s->sh_entsize != sizeof(Elf64_Sym) || s->sh_offset % 8 ||
			    s->sh_link >= o->nsh)
				return fail(-EINVAL, err, errlen, "bad symbol table (section %u)", i);
			st = &o->sh[s->sh_link];
			if (st->sh_type != SHT_STRTAB || !in_file(o, st->sh_offset, st->sh_size))
				return fail(-EINVAL, err, errlen, "bad symbol names (section %u)",
					    s->sh_link);
			o->sym = (const Elf64_Sym *)(o->p + s->sh_offset);
			o->nsym = s->sh_size / sizeof(Elf64_Sym);
			o->str = (const char *)(o->p + st->sh_offset);
			o->nstr = st->sh_size;
		}
	}
	if (!o->sym)
		return fail(-EINVAL, err, errlen, "no symbol table");
	return 0;
}

/* Where each allocated section goes; the image's size. */
static int lay_out(struct obj *o, size_t *size, char *err, size_t errlen)
{
	size_t at = 0;

	for (uint32_t i = 0; i < o->nsh; i++) {
		const Elf64_Shdr *s = &o->sh[i];
		uint64_t align = s->sh_addralign ? s->sh_addralign : 1;

		o->place[i] = SIZE_MAX;
		if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_X86_64_UNWIND)
			continue;
		if (s->sh_type != SHT_PROGBITS && s->sh_type != SHT_NOBITS)
			return fail(-ENOTSUP, err, errlen, "allocated section %u of type %u", i,
				    s->sh_type);
		if (s->sh_flags & (SHF_WRITE | SHF_TLS))
			return fail(-ENOTSUP, err, errlen, "writable or thread-local section %u", i);
		if (align > MAX_ALIGN || (align & (align - 1)))
			return fail(-ENOTSUP, err, errlen, "section %u aligned to %lu", i,
				    (unsigned long)align);
		at = (at + align - 1) & ~(size_t)(align - 1);
		if (s->sh_size > (256u << 20) || at > (256u << 20))
			return fail(-EINVAL, err, errlen, "section %u too large", i);
		o->place[i] = at;
		at += s->sh_size;
	}
	if (!at)
		return fail(-EINVAL, err, errlen, "no code");
	*size = at;
	return 0;
}

/* The address of symbol k. */
static int sym_addr(const struct obj *o, const uint8_t *mem, uint32_t k, jit_image_resolve resolve,
		    void *ctx, uint64_t *addr, char *err, size_t errlen)
{
	const Elf64_Sym *s;
	const char *name;

	if (k >= o->nsym)
		return fail(-EINVAL, err, errlen, "symbol %u of %zu", k, o->nsym);
	s = &o->sym[k];
	if (s->st_shndx == SHN_UNDEF) {
		if (!(name = str_at(o, s->st_name)) || !*name)
			return fail(-EINVAL, err, errlen, "symbol %u has no name", k);
		if (!resolve(ctx, name, addr))
			return fail(-ENOENT, err, errlen, "no address for %s", name);
		return 0;
	}
	if (s->st_shndx == SHN_ABS) {
		*addr = s->st_value;
		return 0;
	}
	if (s->st_shndx >= o->nsh || o->place[s->st_shndx] == SIZE_MAX)
		return fail(-ENOTSUP, err, errlen, "symbol %u in section %u, not loaded", k,
			    s->st_shndx);
	if (s->st_value > o->sh[s->st_shndx].sh_size)
		return fail(-EINVAL, err, errlen, "symbol %u past its section", k);
	*addr = (uint64_t)(uintptr_t)(mem + o->place[s->st_shndx]) + s->st_value;
	return 0;
}

static int relocate(const struct obj *o, uint8_t *mem, const Elf64_Shdr *rs,
		    jit_image_resolve resolve, void *ctx, char *err, size_t errlen)
{
	const Elf64_Shdr *t = &o->sh[rs->sh_info];
	uint8_t *base = mem + o->place[rs->sh_info];
	size_t n = rs->sh_size / sizeof(Elf64_Rela);

	if (rs->sh_entsize != sizeof(Elf64_Rela) || rs->sh_offset % 8)
		return fail(-EINVAL, err, errlen, "bad relocation table");
	for (size_t i = 0; i < n; i++) {
		Elf64_Rela r;
		uint64_t s, p, v;
		uint32_t type, width;
		int ret;

		memcpy(&r, o->p + rs->sh_offset + i * sizeof(r), sizeof(r));
		type = ELF64_R_TYPE(r.r_info);
		width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
		if (type != R_X86_64_64 && type != R_X86_64_PC64 && type != R_X86_64_PC32 &&
		    type != R_X86_64_PLT32 && type != R_X86_64_32 && type != R_X86_64_32S)
			return fail(-ENOTSUP, err, errlen, "relocation of type %u", type);
		if (t->sh_type == SHT_NOBITS || r.r_offset > t->sh_size ||
		    width > t->sh_size - r.r_offset)
			return fail(-EINVAL, err, errlen, "relocation %zu out of its section", i);
		ret = sym_addr(o, mem, (uint32_t)ELF64_R_SYM(r.r_info), resolve, ctx, &s, err,
			       errlen);
		if (ret)
			return ret;
		p = (uint64_t)(uintptr_t)(base + r.r_offset);
		v = s + (uint64_t)r.r_addend;
		if (type == R_X86_64_PC64 || type == R_X86_64_PC32 || type == R_X86_64_PLT32)
			v -= p;
		if (width == 8) {
			memcpy(base + r.r_offset, &v, 8);
			continue;
		}
		if ((type == R_X86_64_32 && v > UINT32_MAX) ||
		    (type != R_X86_64_32 && (int64_t)v != (int32_t)(uint32_t)v))
			return fail(-ENOTSUP, err, errlen, "relocation %zu (type %u) out of range",
				    i, type);
		{
			uint32_t w = (uint32_t)v;

			memcpy(base + r.r_offset, &w, 4);
		}
	}
	return 0;
}

/* The global symbols the object defines in what was loaded. */
static int keep_symbols(const struct obj *o, struct jit_image *im, char *err, size_t errlen)
{
	im->syms = mem_calloc(o->nsym ? o->nsym : 1, sizeof(*im->syms));
	if (!im->syms)
		return -ENOMEM;
	for (uint32_t k = 0; k < o->nsym; k++) {
		const Elf64_Sym *s = &o->sym[k];
		unsigned bind = ELF64_ST_BIND(s->st_info);
		const char *name;
		uint64_t addr;

		if ((bind != STB_GLOBAL && bind != STB_WEAK) || s->st_shndx == SHN_UNDEF ||
		    s->st_shndx >= o->nsh || o->place[s->st_shndx] == SIZE_MAX)
			continue;
		if (!(name = str_at(o, s->st_name)))
			return fail(-EINVAL, err, errlen, "symbol %u has no name", k);
		if (s->st_value > o->sh[s->st_shndx].sh_size)
			return fail(-EINVAL, err, errlen, "symbol %s past its section", name);
		addr = (uint64_t)(uintptr_t)(im->mem + o->place[s->st_shndx]) + s->st_value;
		if (!(im->syms[im->nsyms].name = mem_strdup(name)))
			return -ENOMEM;
		im->syms[im->nsyms++].addr = (void *)(uintptr_t)addr;
	}
	return 0;
}

int jit_image__load(const void *obj, size_t len, jit_image_resolve resolve, void *ctx,
		    struct jit_image **out, char *err, size_t errlen)
{
	struct obj o = { .p = obj, .len = len };
	struct jit_image *im = NULL;
	size_t size = 0, page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *copy = NULL;
	int ret;

	err[0] = '\0';
#ifndef __x86_64__
	(void)page;
	return fail(-ENOTSUP, err, errlen, "objects of this machine are linked by LLVM");
#else
	if ((uintptr_t)obj % 8) {
		/* its tables are read in place: an aligned copy */
		if (!(copy = mem_malloc(len ? len : 1)))
			return -ENOMEM;
		memcpy(copy, obj, len);
		o.p = copy;
	}
	ret = read_headers(&o, err, errlen);
	if (ret)
		goto out;
	o.place = mem_calloc(o.nsh, sizeof(*o.place));
	im = mem_calloc(1, sizeof(*im));
	if (!o.place || !im) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = lay_out(&o, &size, err, errlen)))
		goto out;
	im->size = (size + page - 1) & ~(page - 1);
	im->mem = mmap(NULL, im->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (im->mem == MAP_FAILED) {
		im->mem = NULL;
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < o.nsh; i++)
		if (o.place[i] != SIZE_MAX && o.sh[i].sh_type == SHT_PROGBITS)
			memcpy(im->mem + o.place[i], o.p + o.sh[i].sh_offset, o.sh[i].sh_size);
	for (uint32_t i = 0; i < o.nsh && !ret; i++) {
		const Elf64_Shdr *s = &o.sh[i];

		if (s->sh_type == SHT_REL)
			ret = fail(-ENOTSUP, err, errlen, "relocations without addends");
		if (s->sh_type != SHT_RELA)
			continue;
		if (s->sh_info >= o.nsh)
			ret = fail(-EINVAL, err, errlen, "relocations of section %u", s->sh_info);
		else if (o.place[s->sh_info] != SIZE_MAX)
			ret = relocate(&o, im->mem, s, resolve, ctx, err, errlen);
	}
	if (!ret)
		ret = keep_symbols(&o, im, err, errlen);
	if (!ret && mprotect(im->mem, im->size, PROT_READ | PROT_EXEC))
		ret = fail(-errno, err, errlen, "making the code executable: %s", strerror(errno));
out:
	mem_free(o.place);
	mem_free(copy);
	if (ret) {
		jit_image__free(im);
		return ret;
	}
	*out = im;
	return 0;
#endif
}

void jit_image__free(struct jit_image *im)
{
	if (!im)
		return;
	if (im->mem)
		munmap(im->mem, im->size);
	for (size_t i = 0; i < im->nsyms; i++)
		mem_free(im->syms[i].name);
	mem_free(im->syms);
	mem_free(im);
}

void *jit_image_symbol(const struct jit_image *im, const char *name)
{
	for (size_t i = 0; i < im->nsyms; i++)
		if (!strcmp(im->syms[i].name, name))
			return im->syms[i].addr;
	return NULL;
}
