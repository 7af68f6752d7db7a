/* http_output against a real HTTPS receiver on 127.0.0.1
 * (http_receiver.py), with a CA, a server certificate and a client
 * certificate the test makes with openssl: saker replays a capture of
 * Falco's shared set with the field-probe rules, and the receiver must get
 * each alert as the stdout sink prints it, in Falco's JSON shape (checked
 * against Falco's own alerts for that capture), with saker's User-Agent or
 * the configured one; mutual TLS is refused without a client certificate;
 * a server that cannot be verified is refused unless insecure is set;
 * compress_uploads asks for a gzip transfer encoding, which the receiver
 * uses for its answers and echo prints decoded; answers of 500 count as
 * failures, logged once. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/outputs/out_harness.h"

#define FIELDPROBE SAKER_SHARED_DIR "/falco/groundtruth/fieldprobe_rules.yaml"
#define FALCO_JSON SAKER_SHARED_DIR "/falco/groundtruth/fieldprobe/curl_google.jsonl"
#define CAPTURE OH_CAPTURES "/curl_google.scap"
#define CHECK SAKER_SOURCE_DIR "/tests/outputs/check_http.py"
/* Falco's alerts for that capture and these rules */
#define ALERTS 127

static char g_dir[128];

/* The CA, the server's certificate for 127.0.0.1 and a client's, signed
 * by the CA, and a second CA nobody trusts with its own server pair. */
static int make_certs(void **state)
{
	char cmd[4096];

	(void)state;
	if (access("/usr/bin/openssl", X_OK) || access(OH_PYTHON, X_OK))
		return -1;
	oh_tmpdir(g_dir, sizeof(g_dir), "http");
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; key='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
		 "openssl req -x509 $key -keyout ca.key -out ca.pem -days 2 -subj /CN=saker-test-ca\n"
		 "openssl req $key -keyout server.key -out server.csr -subj /CN=127.0.0.1\n"
		 "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext\n"
		 "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
		 "-out server.pem -days 2 -extfile san.ext\n"
		 "openssl req $key -keyout client.key -out client.csr -subj /CN=saker-test-client\n"
		 "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
		 "-out client.pem -days 2\n"
		 "mkdir empty\n",
		 g_dir);
	if (system(cmd) != 0)
		fail_msg("openssl could not make the certificates");
	return 0;
}

static int remove_certs(void **state)
{
	(void)state;
	oh_rmdir(g_dir);
	return 0;
}

/* Starts the receiver (TLS with the server pair, recording to rec in
 * g_dir, plus rx_args), replays the capture with the field-probe rules,
 * http_output on, its URL as url_key=URL (url_key holds one %s), the CA
 * option ca (a printf format given g_dir, or NULL) and the -o settings
 * opts, then stops the receiver. Falco's hostname of the capture. */
static void run_http(const char *rec, const char *const *rx_args, const char *url_key,
		     const char *ca, const char *const *opts, struct oh_run *r)
{
	static const char *const env[] = { "FALCO_HOSTNAME=vm", NULL };
	char cert[256], key[256], out[256], url[128], o_url[192], o_ca[320];
	const char *args[24] = { "--cert", cert, "--key", key, "--out", out };
	/* a slow receiver on a busy machine is no fault here */
	const char *argv[48] = { "-r", FIELDPROBE, "-e", CAPTURE, "-o", "output_timeout=20000",
				 "-o", "http_output.enabled=true", "-o", o_url };
	size_t k = 6, n = 10;
	int port;
	pid_t pid;

	snprintf(cert, sizeof(cert), "%s/server.pem", g_dir);
	snprintf(key, sizeof(key), "%s/server.key", g_dir);
	snprintf(out, sizeof(out), "%s/%s", g_dir, rec);
	unlink(out);
	for (size_t i = 0; rx_args && rx_args[i] && k < 23; i++)
		args[k++] = rx_args[i];
	args[k] = NULL;
	pid = oh_receiver(g_dir, args, &port);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/falco", port);
	snprintf(o_url, sizeof(o_url), url_key, url);
	if (ca) {
		snprintf(o_ca, sizeof(o_ca), ca, g_dir);
		argv[n++] = "-o";
		argv[n++] = o_ca;
	}
	oh_opts(argv, n, 48, opts);
	oh_saker(argv, env, r);
	oh_stop(pid);
	if (r->status != 0)
		fail_msg("saker ended with %d:\n%s", r->status, r->err);
}

#define URL "http_output.url=%s"
#define CA_CERT "http_output.ca_cert=%s/ca.pem"

/* check_http.py on what the receiver got. */
static void check(const char *rec, const char *stdout_text, const char *ua, const char *ctype,
		  const char *falco)
{
	char path[256], outp[256], cmd[2048];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", g_dir, rec);
	snprintf(outp, sizeof(outp), "%s/%s.stdout", g_dir, rec);
	oh_write(outp, stdout_text);
	snprintf(cmd, sizeof(cmd), "%s %s %s %s '%s' '%s' %s", OH_PYTHON, CHECK, path, outp, ua,
		 ctype, falco ? falco : "");
	rc = system(cmd);
	if (rc != 0)
		fail_msg("the receiver's requests are not the alerts (%s)", rec);
}

static long long lines_of(const char *rec)
{
	char path[256];
	char *t;
	long long n;

	snprintf(path, sizeof(path), "%s/%s", g_dir, rec);
	t = oh_read(path);
	n = t ? oh_count(t, "\"method\"") : 0;
	free(t);
	return n;
}

static void https_posts_falco_json(void **state)
{
	const char *opts[] = { "json_output=true", NULL };
	struct oh_run r;

	(void)state;
	run_http("json.jsonl", NULL, URL, CA_CERT, opts, &r);
	assert_int_equal(oh_alerts(r.err), ALERTS);
	assert_int_equal(oh_stat(r.err, "http", "written"), ALERTS);
	assert_int_equal(oh_stat(r.err, "http", "failed"), 0);
	check("json.jsonl", r.out, "saker/" SAKER_VERSION, "application/json", FALCO_JSON);
	oh_run_release(&r);
}

/* Text alerts go as text/plain; user_agent is sent as set; a CA given as
 * ca_bundle works as ca_cert does; a quoted URL is unquoted. */
static void user_agent_and_text(void **state)
{
	const char *opts[] = { "http_output.user_agent=falcosecurity/falco", NULL };
	struct oh_run r;

	(void)state;
	run_http("text.jsonl", NULL, "http_output.url='%s'", "http_output.ca_bundle=%s/ca.pem",
		 opts, &r);
	assert_int_equal(oh_stat(r.err, "http", "written"), ALERTS);
	check("text.jsonl", r.out, "falcosecurity/falco", "text/plain", NULL);
	oh_run_release(&r);
}

/* A receiver that demands a client certificate gets the alerts with mtls
 * and refuses the connection without. */
static void mutual_tls(void **state)
{
	char ca[256], o_cert[320], o_key[320];
	const char *more[] = { "--client-ca", ca, NULL };
	const char *with[] = { "json_output=true", "http_output.mtls=true", o_cert, o_key, NULL };
	const char *without[] = { "json_output=true", NULL };
	struct oh_run r;

	(void)state;
	snprintf(ca, sizeof(ca), "%s/ca.pem", g_dir);
	snprintf(o_cert, sizeof(o_cert), "http_output.client_cert=%s/client.pem", g_dir);
	snprintf(o_key, sizeof(o_key), "http_output.client_key=%s/client.key", g_dir);
	run_http("mtls.jsonl", more, URL, CA_CERT, with, &r);
	assert_int_equal(oh_stat(r.err, "http", "written"), ALERTS);
	check("mtls.jsonl", r.out, "saker/" SAKER_VERSION, "application/json", NULL);
	oh_run_release(&r);

	/* no client certificate: every alert fails, one error line says so */
	run_http("no-mtls.jsonl", more, URL, CA_CERT, without, &r);
	assert_int_equal(oh_stat(r.err, "http", "written"), 0);
	assert_int_equal(oh_stat(r.err, "http", "failed"), ALERTS);
	assert_int_equal(oh_count(r.err, "output http:"), 1);
	assert_int_equal(lines_of("no-mtls.jsonl"), 0);
	oh_run_release(&r);
}

/* A server the CA store cannot verify is refused; insecure accepts it. */
static void verification_and_insecure(void **state)
{
	/* every refused request is counted: saker waits for them at exit
	 * however slow the machine (a sanitizer build beside other tests) */
	const char *strict[] = { "stdout_output.enabled=false", "output_timeout=60000", NULL };
	const char *insecure[] = { "http_output.insecure=true", "output_timeout=60000", NULL };
	const char *ca_path = "http_output.ca_path=%s/empty";
	struct oh_run r;

	(void)state;
	run_http("strict.jsonl", NULL, URL, ca_path, strict, &r);
	assert_int_equal(oh_stat(r.err, "http", "failed"), ALERTS);
	assert_int_equal(lines_of("strict.jsonl"), 0);
	oh_run_release(&r);
	run_http("insecure.jsonl", NULL, URL, ca_path, insecure, &r);
	assert_int_equal(oh_stat(r.err, "http", "written"), ALERTS);
	check("insecure.jsonl", r.out, "saker/" SAKER_VERSION, "text/plain", NULL);
	oh_run_release(&r);
}

/* compress_uploads asks for gzip (TE: gzip): the receiver answers every
 * alert gzip-compressed, and echo prints the answers decoded. */
static void gzip_transfer_and_echo(void **state)
{
	const char *answer = "saker-answer-7f3a";
	const char *more[] = { "--answer", answer, NULL };
	const char *opts[] = { "http_output.compress_uploads=true", "http_output.echo=true",
			       "http_output.keep_alive=true", "stdout_output.enabled=false", NULL };
	char path[256];
	struct oh_run r;
	char *rec;
	int n = 0;

	(void)state;
	run_http("gzip.jsonl", more, URL, CA_CERT, opts, &r);
	assert_int_equal(oh_stat(r.err, "http", "written"), ALERTS);
	snprintf(path, sizeof(path), "%s/gzip.jsonl", g_dir);
	rec = oh_read(path);
	assert_non_null(rec);
	assert_int_equal(oh_count(rec, "\"te\": \"gzip\""), ALERTS);
	/* every answer, decoded, on stdout: nothing else writes there */
	for (const char *p = r.out; (p = strstr(p, answer)) != NULL; p++)
		n++;
	assert_int_equal(n, ALERTS);
	free(rec);
	oh_run_release(&r);
}

/* Answers of 500 are failures, counted, logged once. */
static void server_errors(void **state)
{
	const char *more[] = { "--mode", "status", "--status", "500", NULL };
	const char *opts[] = { "stdout_output.enabled=false", NULL };
	struct oh_run r;

	(void)state;
	run_http("status.jsonl", more, URL, CA_CERT, opts, &r);
	assert_int_equal(oh_stat(r.err, "http", "failed"), ALERTS);
	assert_int_equal(lines_of("status.jsonl"), ALERTS);
	assert_int_equal(oh_count(r.err, "the server answered 500"), 1);
	oh_run_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(https_posts_falco_json, oh_stop_helpers),
		cmocka_unit_test_teardown(user_agent_and_text, oh_stop_helpers),
		cmocka_unit_test_teardown(mutual_tls, oh_stop_helpers),
		cmocka_unit_test_teardown(verification_and_insecure, oh_stop_helpers),
		cmocka_unit_test_teardown(gzip_transfer_and_echo, oh_stop_helpers),
		cmocka_unit_test_teardown(server_errors, oh_stop_helpers),
	};

	if (access("/usr/bin/openssl", X_OK) || access(OH_PYTHON, X_OK)) {
		printf("skipped: needs /usr/bin/openssl and %s\n", OH_PYTHON);
		return 77;
	}
	return cmocka_run_group_tests(tests, make_certs, remove_certs);
}
