/* Alert outputs: the sinks an alert line is written to (stdout, a file),
 * as falco.yaml configures them (stdout_output, file_output with
 * keep_alive, buffered_outputs). A sink that fails is reported once and
 * counted; the others go on. Prefix outputs_ (methods outputs__). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct config;
struct outputs;

int outputs__new(const struct config *cfg, struct outputs **out);
void outputs__free(struct outputs *o);

/* Writes one alert line (without its newline) to every enabled sink. 0, or
 * -EIO when some sink failed. */
int outputs__emit(struct outputs *o, const char *line, size_t len);
/* Flushes buffered sinks. */
int outputs__flush(struct outputs *o);
/* Lines a sink failed to take. */
uint64_t outputs__errors(const struct outputs *o);
