/* Alert sinks (see outputs.h): stdout and file output. */
#include "runtime/outputs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"

struct outputs {
	bool to_stdout, to_file, keep_alive, buffered;
	char *path;
	FILE *file;		/* open file sink (keep_alive), else NULL */
	uint64_t errors;
	bool file_reported, stdout_reported;
};

int outputs__new(const struct config *cfg, struct outputs **out)
{
	struct outputs *o = mem_calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->to_stdout = cfg->stdout_output;
	o->to_file = cfg->file_output && cfg->file_output_filename;
	o->keep_alive = cfg->file_output_keep_alive;
	o->buffered = cfg->buffered_outputs;
	if (o->to_file) {
		o->path = mem_strdup(cfg->file_output_filename);
		if (!o->path) {
			outputs__free(o);
			return -ENOMEM;
		}
	}
	*out = o;
	return 0;
}

void outputs__free(struct outputs *o)
{
	if (!o)
		return;
	outputs__flush(o);
	if (o->file)
		fclose(o->file);
	mem_free(o->path);
	mem_free(o);
}

static int write_line(FILE *f, const char *line, size_t len)
{
	if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

static int emit_file(struct outputs *o, const char *line, size_t len)
{
	FILE *f = o->file;
	int err;

	if (!f) {
		f = fopen(o->path, "a");
		if (!f)
			return -errno;
	}
	err = write_line(f, line, len);
	if (!err && !o->buffered && fflush(f))
		err = -errno;
	if (o->keep_alive) {
		o->file = f;
	} else if (fclose(f) && !err) {
		err = -errno;
	}
	return err;
}

int outputs__emit(struct outputs *o, const char *line, size_t len)
{
	int ret = 0, err;

	if (o->to_stdout) {
		err = write_line(stdout, line, len);
		if (!err && !o->buffered && fflush(stdout))
			err = -EIO;
		if (err) {
			o->errors++;
			ret = -EIO;
			if (!o->stdout_reported)
				log_error("output stdout: write failed");
			o->stdout_reported = true;
		}
	}
	if (o->to_file) {
		err = emit_file(o, line, len);
		if (err) {
			o->errors++;
			ret = -EIO;
			if (!o->file_reported)
				log_error("output file %s: %s", o->path, strerror(-err));
			o->file_reported = true;
		}
	}
	return ret;
}

int outputs__flush(struct outputs *o)
{
	int ret = 0;

	if (o->to_stdout && fflush(stdout))
		ret = -EIO;
	if (o->file && fflush(o->file))
		ret = -EIO;
	return ret;
}

uint64_t outputs__errors(const struct outputs *o)
{
	return o->errors;
}
