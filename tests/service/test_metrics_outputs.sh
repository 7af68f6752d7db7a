#!/usr/bin/env bash
# The metrics snapshots of a live run every 500 ms: the rule output
# "Falco internal: metrics snapshot" on stdout (JSON, priority
# Informational, source internal) and the JSON lines of metrics.output_file
# ({"output_fields": ..., "sample": N}), with Falco's field names: the
# wrapper, the probe's counters with rates, resources, state, per-CPU and
# BPF program statistics, and the rule's counter once it fired.
source "$(dirname "$0")/lib.sh"
need_root
marker_rules
start_saker -r "$TMP/rules.yaml" -o log_syslog=false -o json_output=true -o metrics.enabled=true \
	-o metrics.interval=500ms -o metrics.output_rule=true -o "metrics.output_file=$TMP/m.jsonl" \
	-o metrics.kernel_event_counters_per_cpu_enabled=true -o metrics.libbpf_stats_enabled=true \
	-o metrics.include_empty_values=false
: > "$TMP/marker-a"
cat "$TMP/marker-a"
sleep 2.2
stop_saker
python3 - "$TMP/m.jsonl" "$TMP/saker.out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) >= 3, len(lines)
assert [l["sample"] for l in lines] == list(range(1, len(lines) + 1)), "samples count from 1"
last = lines[-1]["output_fields"]
need = ["evt.time", "evt.hostname", "evt.source", "falco.version", "falco.start_ts",
        "falco.duration_sec", "falco.kernel_release", "falco.host_boot_ts", "falco.host_num_cpus",
        "falco.num_evts", "falco.num_evts_prev", "falco.evts_rate_sec", "falco.outputs_queue_num_drops",
        "falco.cpu_usage_perc", "falco.memory_rss_mb", "falco.memory_vsz_mb", "falco.host_memory_used_mb",
        "falco.host_open_fds", "falco.n_threads", "falco.n_fds", "falco.rules.matches_total",
        "falco.rules.Service_test_marker_opened", "falco.sha256_rules_file.rules_yaml",
        "scap.engine_name", "scap.n_evts", "scap.n_evts_prev", "scap.evts_rate_sec", "scap.n_drops",
        "scap.n_drops_prev", "scap.evts_drop_rate_sec", "scap.n_drops_perc",
        "saker.n_evts_processed"]
missing = [k for k in need if k not in last]
assert not missing, missing
# per CPU: a CPU that saw no event has a zero counter, left out (include_empty_values false)
assert any(k.startswith("scap.n_evts_cpu_") for k in last), "per-CPU counters"
assert last["scap.engine_name"] == "modern_bpf"
assert last["falco.rules.Service_test_marker_opened"] >= 1
assert last["falco.num_evts"] > 0 and last["scap.n_evts"] >= last["falco.num_evts_prev"]
assert last["scap.n_evts_prev"] == lines[-2]["output_fields"]["scap.n_evts"]
assert any(k.startswith("scap.") and k.endswith(".run_cnt") for k in last), "BPF program statistics"
assert list(last) == sorted(last), "fields sorted by name"
assert all(v != 0 for k, v in last.items() if k.startswith("saker.")), "empty values left out"
rule = [json.loads(l) for l in open(sys.argv[2]) if "metrics snapshot" in l]
assert len(rule) >= 3, len(rule)
r = rule[-1]
assert r["rule"] == "Falco internal: metrics snapshot" and r["output"] == "Falco metrics snapshot"
assert r["priority"] == "Informational" and r["source"] == "internal"
assert "falco.num_evts" in r["output_fields"] and r["time"].endswith("Z")
print("ok %d samples, %d rule outputs, %d fields" % (len(lines), len(rule), len(last)))
PY
# text form, and a priority above info keeps the rule output quiet
start_saker -r "$TMP/rules.yaml" -o log_syslog=false -o metrics.enabled=true -o metrics.interval=300ms \
	-o metrics.output_rule=true
sleep 1
stop_saker
grep -q ": Informational Falco metrics snapshot (evt.hostname=\"" "$TMP/saker.out" ||
	fail "no text metrics rule output"
start_saker -r "$TMP/rules.yaml" -o log_syslog=false -o metrics.enabled=true -o metrics.interval=300ms \
	-o metrics.output_rule=true -o priority=warning
sleep 1
stop_saker
grep -q "metrics snapshot" "$TMP/saker.out" && fail "metrics rule output below the priority"
echo "3 passed, 0 failed"
