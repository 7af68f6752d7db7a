#!/usr/bin/env bash
# The web server with real clients: curl on /healthz, /versions and
# /metrics, over HTTP and over TLS with a certificate openssl makes here;
# then a real Prometheus server on loopback scrapes saker's /metrics and
# its HTTP API shows saker's event counter increasing and a rule's
# counter once the rule fired.
source "$(dirname "$0")/lib.sh"
need_root
need_tool curl
need_tool openssl
need_tool prometheus
marker_rules
PORT=$(free_port)
common=(-r "$TMP/rules.yaml" -o log_syslog=false -o webserver.enabled=true
	-o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$PORT"
	-o webserver.threadiness=2 -o metrics.enabled=true -o metrics.interval=1h
	-o metrics.output_rule=false -o webserver.prometheus_metrics_enabled=true)

# TLS: a self-signed certificate and its key in one PEM, as Falco takes it
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 1 \
	-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
cat "$TMP/cert.pem" "$TMP/key.pem" > "$TMP/saker.pem"
start_saker "${common[@]}" -o webserver.ssl_enabled=true -o "webserver.ssl_certificate=$TMP/saker.pem"
body=$(curl -sS --fail --cacert "$TMP/cert.pem" "https://127.0.0.1:$PORT/healthz")
[ "$body" = '{"status": "ok"}' ] || fail "TLS /healthz answered '$body'"
curl -sS --fail "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && fail "plain HTTP answered on a TLS server"
stop_saker
echo "ok TLS /healthz"

PORT=$(free_port)	# a port of its own: the last one may linger
common+=(-o "webserver.listen_port=$PORT")
start_saker "${common[@]}" -o webserver.k8s_healthz_endpoint=/alive
code=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)
[ "$code" = 404 ] || { cat "$TMP/saker.err" >&2; fail "/healthz answered $code though the endpoint is /alive"; }
[ "$(curl -sS --fail "http://127.0.0.1:$PORT/alive")" = '{"status": "ok"}' ] || fail "/alive"
curl -sS --fail "http://127.0.0.1:$PORT/versions" | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in ("falco_version", "engine_version", "engine_version_semver", "libs_version",
          "plugin_api_version", "driver_api_version", "driver_schema_version", "default_driver_version"):
    assert k in v, k
' || fail "/versions"
ctype=$(curl -sS --fail -o "$TMP/metrics.txt" -w '%{content_type}' "http://127.0.0.1:$PORT/metrics")
[ "$ctype" = "text/plain; version=0.0.4" ] || fail "/metrics content type '$ctype'"
for m in falcosecurity_scap_n_evts_total falcosecurity_falco_version_info \
	falcosecurity_falco_cpu_usage_ratio falcosecurity_falco_memory_rss_bytes \
	falcosecurity_scap_n_threads_total falcosecurity_falco_duration_seconds_total \
	falcosecurity_falco_sha256_rules_files_info; do
	grep -q "^$m" "$TMP/metrics.txt" || fail "/metrics has no $m"
done
for k in 'dir="exit",drop="open"' 'dir="enter",drop="connect"' 'dir="exit",drop="proc"'; do
	grep -q "^falcosecurity_scap_n_drops_buffer_total{$k} [0-9]" "$TMP/metrics.txt" ||
		fail "/metrics has no drops of kind $k"
done
grep -q "^falcosecurity_scap_n_drops_buffer_total [0-9]" "$TMP/metrics.txt" &&
	fail "/metrics has the drops' total beside the kinds, which Falco leaves out"
echo "ok HTTP /alive /versions /metrics"

# Prometheus scrapes /metrics every second
PPORT=$(free_port)
cat > "$TMP/prometheus.yml" <<PROM
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: saker
    static_configs:
      - targets: ['127.0.0.1:$PORT']
PROM
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" > "$TMP/prometheus.log" 2>&1 &
PIDS+=("$!")
query() {	# the value of a PromQL query's first sample, or nothing
	curl -sS -G --data-urlencode "query=$1" "http://127.0.0.1:$PPORT/api/v1/query" 2>/dev/null |
		python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null || true
}
wait_value() {	# waits (15 s at most) for a query to have a value
	for _ in $(seq 1 150); do
		v=$(query "$1")
		[ -n "$v" ] && { echo "$v"; return 0; }
		sleep 0.1
	done
	tail -5 "$TMP/prometheus.log" >&2
	fail "Prometheus has no value for $1"
}
v1=$(wait_value falcosecurity_scap_n_evts_total)
for i in $(seq 1 50); do ls / > /dev/null; done
sleep 3
v2=$(query falcosecurity_scap_n_evts_total)
python3 -c "import sys; sys.exit(0 if float('$v2') > float('$v1') else 1)" ||
	fail "saker's event counter did not increase in Prometheus ($v1 then $v2)"
echo "ok Prometheus: falcosecurity_scap_n_evts_total went from $v1 to $v2"
cat "$TMP/marker1" 2>/dev/null || true
: > "$TMP/marker1"
cat "$TMP/marker1"
r=$(wait_value 'falcosecurity_falco_rules_matches_total{rule_name="Service test marker opened",priority="4",source="syscall",tag_saker_test="true",tag_T0000="true"}')
python3 -c "import sys; sys.exit(0 if float('$r') >= 1 else 1)" || fail "rule counter is $r"
echo "ok Prometheus: falcosecurity_falco_rules_matches_total of the rule is $r"
stop_saker
echo "3 passed, 0 failed"
