/* The web server of Falco's `webserver:` keys (libmicrohttpd, its own
 * threads, HTTPS with the PEM of webserver.ssl_certificate): the health
 * endpoint (webserver.k8s_healthz_endpoint), /versions (the JSON of
 * `saker --version -o json_output=true`) and, with
 * webserver.prometheus_metrics_enabled and metrics.enabled, /metrics.
 * Prefix webserver_ (methods webserver__). */
#pragma once
#include <stddef.h>

struct config;
struct metrics;
struct webserver;

/* Listens as the configuration says; m may be NULL (no /metrics). 0, or
 * -errno with err saying why (address in use, bad certificate, ...). */
int webserver__start(const struct config *cfg, struct metrics *m, struct webserver **out,
		     char *err, size_t errlen);
void webserver__stop(struct webserver *w);

/* The versions object as Falco prints it (`--version` with json_output). */
struct strbuf;
void webserver_versions_json(struct strbuf *out);
