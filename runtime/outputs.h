/* Alert outputs: the event loop hands each formatted alert to a bounded
 * lock-free queue and goes on; an output thread passes it to every sink
 * falco.yaml enables (stdout_output, file_output, syslog_output,
 * program_output, http_output), each with a queue and a thread of its own,
 * so a slow or dead sink holds back nothing but itself. A full queue
 * (outputs_queue.capacity) drops the alert and counts it; a sink busy with
 * one alert longer than output_timeout is reported; a failing sink is
 * counted, logged once per run of failures and tried again with the next
 * alert. outputs__close writes what is queued, waiting at most
 * output_timeout for the sinks. Prefix outputs_ (methods outputs__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/rules.h"

struct config;
struct outputs;
struct strbuf;

/* The queue bound when outputs_queue.capacity is 0 (Falco: unbounded). */
#define OUTPUTS_QUEUE_DEFAULT 65536

/* Every enabled sink opened and its thread started; a sink that cannot
 * open is logged and left out, as in Falco. -U is cfg->buffered_outputs
 * false. 0; -EINVAL (logged) when an enabled sink lacks its file, program
 * or URL, which stops Falco too; -ENOMEM; -errno when a thread cannot
 * start. */
int outputs__new(const struct config *cfg, struct outputs **out);
/* Closes (outputs__close) and frees. */
void outputs__free(struct outputs *o);

/* Queues one alert line (without its newline) of priority prio for every
 * sink. Never blocks, from any thread: 0; -ENOBUFS when the queue is full
 * or the outputs are closed (the alert is dropped and counted); -ENOMEM. */
int outputs__emit(struct outputs *o, enum rl_priority prio, const char *line, size_t len);

/* Whether any sink takes alerts. */
bool outputs__active(const struct outputs *o);

/* Writes what is queued and stops the threads, waiting at most
 * output_timeout (alerts a sink did not take by then are discarded and
 * counted). Later alerts are dropped. Idempotent. */
void outputs__close(struct outputs *o);

struct outputs_sink_stats {
	const char *name;
	uint64_t written;	/* alerts the sink took */
	uint64_t failed;	/* alerts a write failed on */
	uint64_t dropped;	/* alerts its full queue (or exit) dropped */
	uint64_t timeouts;	/* times it was busy longer than output_timeout */
};

struct outputs_stats {
	uint64_t queued;	/* alerts handed to the outputs */
	uint64_t dropped;	/* of them, dropped by the full queue */
	uint32_t nsinks;
	struct outputs_sink_stats sinks[8];
};

void outputs__stats(const struct outputs *o, struct outputs_stats *out);
/* Alerts lost anywhere (queue full, sink queue full, failed writes,
 * discarded at exit). */
uint64_t outputs__lost(const struct outputs *o);
/* One line of statistics per sink, for engine__format_stats. */
void outputs__format_stats(const struct outputs *o, struct strbuf *sb);
