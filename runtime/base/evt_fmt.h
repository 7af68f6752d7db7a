/* Event parameters as text, the way `sysdig -r` and Falco's evt.arg /
 * evt.args fields show them: numbers in their declared base, errors with
 * their errno name, fds with their type letter and name, addresses and
 * tuples, strings and buffers with non-printable bytes as '.'. Flag and
 * enum parameters are rendered numerically (hex) for now. Prefix evt_fmt_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
struct strbuf; struct evt;
/* Optional fd resolver: type letter and name of fd in the event's process. */
struct evt_fmt_fd { void *ctx; bool (*lookup)(void *ctx, int64_t fd, char *typechar, const char **name); };
/* Parameter i of e (evt.arg). fdr may be NULL. */
void evt_fmt_param(struct strbuf *sb, const struct evt *e, uint32_t i, const struct evt_fmt_fd *fdr);
/* Every parameter as name=value, space-separated (evt.args). */
void evt_fmt_args(struct strbuf *sb, const struct evt *e, const struct evt_fmt_fd *fdr);
/* One line: number, time, cpu, process (tid), direction, type, arguments. */
void evt_fmt_line(struct strbuf *sb, uint64_t num, const struct evt *e, const char *comm, const struct evt_fmt_fd *fdr);
