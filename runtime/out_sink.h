/* The contract between the output dispatcher (runtime/outputs.c) and the
 * sinks, one file each: out_stdout.c, out_file.c, out_syslog.c,
 * out_program.c, out_http.c. A sink runs on a thread of its own: it is
 * opened, written one alert at a time, flushed when its queue runs empty,
 * and closed on that thread, so a sink that blocks holds back only itself.
 * A write that fails returns -errno with a sentence in err; the
 * dispatcher counts it and logs once per run of failures, and the next
 * alert tries again (files are reopened, programs restarted, HTTP
 * requests sent anew). Prefix out_. */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

/* One alert as queued: shared by every sink, freed by the last. */
struct out_msg {
	atomic_uint refs;
	uint8_t prio;		/* enum rl_priority: syslog's severity */
	uint32_t len;		/* text without the newline */
	char text[];		/* text, '\n', '\0' */
};

struct out_sink_opts {
	const struct config *cfg;
	bool buffered;		/* buffered_outputs and not -U */
	/* set when saker gives up waiting for the sink at exit: a sink that
	 * waits (a program's pipe, an HTTP answer) stops as soon as it can */
	const atomic_bool *abort;
};

struct out_sink_ops {
	const char *name;	/* Falco's name of the output */
	/* 0, or -errno with err filled (the output is then left out) */
	int (*open)(const struct out_sink_opts *o, void **out, char *err, size_t errlen);
	int (*write)(void *s, const struct out_msg *m, char *err, size_t errlen);
	int (*flush)(void *s);	/* NULL: nothing buffered */
	void (*close)(void *s);
};

extern const struct out_sink_ops out_stdout_ops;
extern const struct out_sink_ops out_file_ops;
extern const struct out_sink_ops out_syslog_ops;
extern const struct out_sink_ops out_program_ops;
extern const struct out_sink_ops out_http_ops;
