/* The engine's side of container metadata: the lookup thread started for
 * a live run with the runtimes of container_engines (runtime/containers),
 * the state's lookup hook wired to it, and the descriptions it hands back
 * taken between two events: each goes into the state's container table,
 * through the rules as Falco's container event (evt.type=container, so
 * rules such as "Launch Privileged Container" see it), and into the -w
 * capture as that event, so that a replay has the metadata without the
 * runtimes. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "runtime/base/evt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/containers/ctr_client.h"
#include "runtime/engine_int.h"
#include "state/ctr_json.h"
#include "state/ctr_meta.h"

static bool hook(void *ctx, const char *id)
{
	struct engine *en = ctx;

	return en->cc && ctr_client__request(en->cc, id);
}

static void wake(void *ctx)
{
	struct engine *en = ctx;

	atomic_fetch_or_explicit(&en->svc_req, ENGINE_SVC_CONTAINERS, memory_order_relaxed);
}

/* The sockets of a list key when the runtime is enabled: *v (mem_free)
 * of *n. */
static int sockets(const struct config *cfg, const char *enabled, const char *key,
		   const char ***v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (!config_get_bool(cfg, enabled) || !config_list_len(cfg, key))
		return 0;
	*v = mem_calloc(config_list_len(cfg, key), sizeof(**v));
	if (!*v)
		return -ENOMEM;
	for (size_t i = 0; i < config_list_len(cfg, key); i++)
		if (config_list_str(cfg, key, i) && *config_list_str(cfg, key, i))
			(*v)[(*n)++] = config_list_str(cfg, key, i);
	return 0;
}

int engine_ctr_start(struct engine *en)
{
	struct ctr_client_opts o = { .sz = sizeof(o), .wake = wake, .wake_ctx = en };
	int err;

	o.timeout_ms = (long)config_get_int(en->cfg, "container_engines.lookup_timeout_ms");
	err = sockets(en->cfg, "container_engines.docker.enabled", "container_engines.docker.sockets",
		      (const char ***)&o.docker, &o.ndocker);
	err = err ?: sockets(en->cfg, "container_engines.podman.enabled",
			     "container_engines.podman.sockets", (const char ***)&o.podman, &o.npodman);
	err = err ?: sockets(en->cfg, "container_engines.cri.enabled", "container_engines.cri.sockets",
			     (const char ***)&o.containerd, &o.ncontainerd);
	err = err ?: ctr_client__start(&o, &en->cc);
	mem_free((void *)o.docker);
	mem_free((void *)o.podman);
	mem_free((void *)o.containerd);
	if (err)
		return err;
	state__set_container_hook(en->st, hook, en);
	return 0;
}

void engine_ctr_stop(struct engine *en)
{
	ctr_client__free(en->cc);
	en->cc = NULL;
	if (en->st)
		state__set_container_hook(en->st, NULL, NULL);
}

/* Falco's container event for m, in buf: header, one 4-byte parameter
 * length, the JSON text and its NUL. */
static int container_event(const struct ctr_meta *m, uint64_t ts, struct strbuf *buf,
			   struct evt *e)
{
	struct ppm_hdr h = { .ts = ts, .tid = (uint64_t)-1, .type = PPME_CONTAINER_JSON_2_E,
			     .nparams = 1 };
	struct strbuf json = STRBUF_INIT;
	uint32_t plen;
	int err = ctr_json_write(m, &json);

	if (!err) {
		plen = (uint32_t)json.len + 1;
		h.len = PPM_HDR_LEN + 4 + plen;
		strbuf_reset(buf);
		strbuf_add(buf, (const char *)&h, sizeof(h));
		strbuf_add(buf, (const char *)&plen, 4);
		strbuf_add(buf, json.buf, json.len + 1);
		err = buf->oom ? -ENOMEM : evt_decode(e, buf->buf, buf->len);
	}
	strbuf_release(&json);
	return err;
}

void engine_ctr_drain(struct engine *en)
{
	struct strbuf buf = STRBUF_INIT;
	struct ctr_meta *m;
	struct evt e;
	char err[256];

	const struct evt *cur = en->x.e;

	while (en->cc && (m = ctr_client__take(en->cc))) {
		uint64_t ts = en->x.prev_ts;
		int r;

		if (!ts) {
			struct timespec now;

			clock_gettime(CLOCK_REALTIME, &now);
			ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
		}
		r = container_event(m, ts, &buf, &e);
		ctr_meta__free(m);
		if (r) {
			en->ctr_event_errors++;
			continue;
		}
		e.cpu = 0;
		if (en->w && (r = scap_writer__write(en->w, &e)) != 0 && !en->ctr_write_failed) {
			en->ctr_write_failed = true;
			snprintf(err, sizeof(err), "%s: %s", en->write_path, strerror(-r));
			log_error("container event not written: %s", err);
		}
		/* the engine's own event: not one the source delivered */
		engine__process(en, &e);
		en->stats.processed--;
		en->ctr_events++;
	}
	en->x.e = cur;
	strbuf_release(&buf);
	if (en->cc && state__container_unrequested(en->st))
		state__container_repost(en->st);
}

void engine_ctr_format_stats(const struct engine *en, struct strbuf *sb)
{
	struct ctr_client_stats cs;
	struct state_stats ss;

	state__stats(en->st, &ss);
	if (!en->cc && !ss.containers)
		return;
	strbuf_printf(sb, "containers: known %" PRIu64 ", evicted %" PRIu64, ss.containers,
		      ss.containers_evicted);
	if (en->cc) {
		ctr_client__stats(en->cc, &cs);
		strbuf_printf(sb, ", lookups %" PRIu64 ", described %" PRIu64 " (%" PRIu64
			      " at start), not found %" PRIu64 ", runtime errors %" PRIu64
			      " (timeouts %" PRIu64 ", malformed answers %" PRIu64 ")"
			      ", requests dropped %" PRIu64 ", events %" PRIu64,
			      cs.lookups, cs.described, cs.seeded, cs.not_found, cs.errors, cs.timeouts,
			      cs.malformed, cs.requests_dropped, en->ctr_events);
	}
	strbuf_addc(sb, '\n');
}
