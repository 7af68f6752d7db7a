#!/usr/bin/env bash
# saker-artifact against a real registry on loopback: Debian's
# docker-registry (the CNCF distribution registry) with TLS from a CA made
# here and basic auth (htpasswd, bcrypt), and a second one on the same
# storage behind a bearer token service; artifacts pushed through its HTTP
# API as falcoctl lays them out and signed as cosign stores signatures, with
# keys made here. install, info, index add/list/search/remove over an HTTPS
# index, tarballs over HTTPS, every refusal (tampered blob, swapped
# manifest, another key, unsigned, registry down, registry silent,
# engine requirement, rules that do not compile, no credentials, unknown
# CA) with its message and the installed rules untouched, follow with its
# state, and, as root, a live saker that picks up a new version through
# SIGHUP with no event dropped. Prints "N passed, N failed"; exit 77 when
# the registry cannot run here.
#
# usage: test_artifact.sh BUILD_DIR
set -u
B=$(cd "${1:?usage: test_artifact.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ART=$B/saker-artifact
SAKER=$B/saker
for t in docker-registry htpasswd openssl python3; do
	if ! command -v $t >/dev/null; then
		echo "skipped: $t is not installed (tools/setup.sh installs it)"
		exit 77
	fi
done

W=$(mktemp -d /tmp/saker-artifact.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

PASS=0
FAIL=0
ok() { echo "ok: $1"; PASS=$((PASS + 1)); }
bad() { echo "FAILED: $1"; FAIL=$((FAIL + 1)); }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- a CA, a server certificate for 127.0.0.1, the registry --------------
cd "$W"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
	-subj "/CN=saker test CA" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" \
	>/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
	-extfile srv.ext >/dev/null 2>&1
htpasswd -Bbc htpasswd tester 's3cret-pass' >/dev/null 2>&1
PORT=$(free_port)
REG=127.0.0.1:$PORT
mkdir -p store
cat >registry.yml <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $W/store
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
  tls:
    certificate: $W/srv.pem
    key: $W/srv.key
auth:
  htpasswd:
    realm: saker-test
    path: $W/htpasswd
YML
docker-registry serve registry.yml >registry.log 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://$REG/v2/" || true)
	[ "$code" = 401 ] && break
	sleep 0.1
done
if [ "$code" != 401 ]; then
	echo "skipped: docker-registry did not start: $(tail -3 registry.log)"
	exit 77
fi

PUSH() { python3 "$HERE/oci_push.py" --registry "$REG" --ca ca.pem --user 'tester:s3cret-pass' "$@"; }
REPO=rules/test-rules

# --- keys -------------------------------------------------------------------
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sign.key 2>/dev/null
openssl pkey -in sign.key -pubout -out sign.pub
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null
openssl pkey -in other.key -pubout -out other.pub
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
openssl pkey -in ed.key -pubout -out ed.pub

# --- rules files --------------------------------------------------------------
MARK=$(basename "$W")
rules() {	# rules VERSION FILE: a rule on opens of /tmp/MARK-* whose output names VERSION
	mkdir -p "$(dirname "$2")"
	cat >"$2" <<R
- required_engine_version: 0.26.0
- rule: artifact test rule
  desc: opens of the test's marker files
  condition: evt.type in (open, openat, openat2) and evt.dir=< and fd.name startswith /tmp/$MARK-
  output: "rules $1 saw %fd.name"
  priority: WARNING
R
}
mkdir -p v1 v2 bad tamper swap other unsigned req ed
rules v1 v1/test_rules.yaml
rules v2 v2/test_rules.yaml
rules tamper tamper/test_rules.yaml
rules swap swap/test_rules.yaml
rules other other/test_rules.yaml
rules unsigned unsigned/test_rules.yaml
rules req req/test_rules.yaml
rules ed ed/test_rules.yaml
printf -- '- rule: broken\n  desc: x\n  condition: proc.nmae = x\n  output: x\n  priority: INFO\n' \
	>bad/test_rules.yaml

D1=$(PUSH push $REPO 1.0.0 v1/test_rules.yaml --version 1.0.0 --req engine_version_semver:0.26.0 \
	--dep container:0.1.0)
PUSH tag $REPO "$D1" 1
PUSH sign $REPO "$D1" sign.key

CFG=$W/artifact.yaml
cat >"$CFG" <<Y
registry:
  auth:
    basic:
      - registry: $REG
        user: tester
        password: s3cret-pass
  tls:
    cafile: $W/ca.pem
artifact:
  allowedTypes: [rulesfile]
  signature:
    cosign:
      key: $W/sign.pub
  install:
    rulesfilesdir: $W/rules.d
  follow:
    rulesfilesdir: $W/rules.d
    statedir: $W/state
    every: 1s
Y
A() { "$ART" -c "$CFG" --config-dir "$W/cfg" --timeout 3 "$@"; }
INSTALLED=$W/rules.d/test_rules.yaml

# --- install and info -----------------------------------------------------------
if A install "$REG/$REPO:1" >out.txt 2>err.txt && cmp -s "$INSTALLED" v1/test_rules.yaml; then
	ok "install of a signed rules artifact"
else
	bad "install of a signed rules artifact: $(cat err.txt)"
fi
if A info "$REG/$REPO:1.0.0" >out.txt 2>err.txt && grep -q "version: *1.0.0" out.txt &&
	grep -q "requirement: *engine_version_semver 0.26.0" out.txt &&
	grep -q "dependency: *container:0.1.0" out.txt && grep -q "digest: *$D1" out.txt; then
	ok "info shows version, digest, dependency and requirement"
else
	bad "info: $(cat out.txt err.txt)"
fi
grep -q "dependency container 0.1.0 is provided by saker" err.txt ||
	A install "$REG/$REPO:1" 2>&1 | grep -q "dependency container 0.1.0 is provided by saker" &&
	ok "the container dependency is satisfied by saker itself" ||
	bad "container dependency not reported as built in"

# refused: each with its message, the installed file untouched
refused() {	# refused NAME EXPECTED-MESSAGE ARGS...
	local name=$1 msg=$2
	shift 2
	if A "$@" >out.txt 2>err.txt; then
		bad "$name: accepted"
	elif ! grep -q -- "$msg" err.txt; then
		bad "$name: message '$msg' not in: $(cat err.txt)"
	elif ! cmp -s "$INSTALLED" v1/test_rules.yaml; then
		bad "$name: the installed rules changed"
	elif ls -a "$W/rules.d" | grep -q '^\.test_rules'; then
		bad "$name: a temporary file was left"
	else
		ok "$name refused ($msg)"
	fi
}

# tampered blob: the layer's bytes changed in the registry's storage
DT=$(PUSH push $REPO tamper tamper/test_rules.yaml)
PUSH sign $REPO "$DT" sign.key
LAYER=$(curl -s --cacert ca.pem -u tester:s3cret-pass -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"https://$REG/v2/$REPO/manifests/$DT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"].split(":")[1])')
DATA=$W/store/docker/registry/v2/blobs/sha256/${LAYER:0:2}/$LAYER/data
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)" "$DATA"
refused "tampered blob" "digest mismatch" install "$REG/$REPO:tamper"

# swapped manifest: another manifest under a copy of the first one's signature
DS=$(PUSH push $REPO swap swap/test_rules.yaml)
PUSH copy-sig $REPO "$D1" "$DS"
refused "swapped manifest" "signed payload names $D1, the artifact is $DS" install "$REG/$REPO:swap"

DO=$(PUSH push $REPO other other/test_rules.yaml)
PUSH sign $REPO "$DO" other.key
refused "signature by another key" "verifies with the configured key" install "$REG/$REPO:other"

PUSH push $REPO unsigned unsigned/test_rules.yaml >/dev/null
refused "unsigned artifact with a key configured" "is not signed" install "$REG/$REPO:unsigned"

DR=$(PUSH push $REPO req req/test_rules.yaml --req engine_version_semver:0.99.0)
PUSH sign $REPO "$DR" sign.key
refused "engine requirement saker does not meet" \
	"requirement engine_version_semver 0.99.0 not met: saker provides" install "$REG/$REPO:req"

DB=$(PUSH push $REPO bad bad/test_rules.yaml)
PUSH sign $REPO "$DB" sign.key
refused "rules that do not compile" "rules validation failed" install "$REG/$REPO:bad"

DD=$(PUSH push $REPO dep v1/test_rules.yaml --dep k8saudit:0.1.0)
PUSH sign $REPO "$DD" sign.key
refused "dependency neither provided by saker nor in an index" \
	"dependency k8saudit:0.1.0 is not in any configured index" install --resolve-deps "$REG/$REPO:dep"

refused "pinned digest the registry does not hold" "not found in the registry" \
	install "$REG/$REPO@sha256:$(printf '%064d' 0)"

DOWN=127.0.0.1:$(free_port)
refused "registry down" "Could not connect\|Couldn't connect\|Connection refused" \
	install "$DOWN/$REPO:1"

SLOW=$(free_port)
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $SLOW)); s.listen(8)
held = []
end = time.time() + 120
while time.time() < end:
    s.settimeout(1)
    try: held.append(s.accept()[0])
    except OSError: pass
" &
PIDS+=($!)
sleep 0.3
T0=$(date +%s)
refused "registry that accepts and never answers" "timeout\|timed out" install "127.0.0.1:$SLOW/$REPO:1"
T1=$(date +%s)
if [ $((T1 - T0)) -le 20 ]; then ok "the silent registry cost $((T1 - T0)) s (bounded)"; else
	bad "the silent registry took $((T1 - T0)) s"; fi

refused "no credentials" "authentication required and no credentials" \
	install --config-dir "$W/cfg2" --cafile ca.pem "$REG/$REPO:1" -c /dev/null
"$ART" --config-dir "$W/cfg" --key sign.pub --user tester:s3cret-pass --rulesfiles-dir "$W/rules.d" \
	install "$REG/$REPO:1" >out.txt 2>err.txt
if grep -q "certificate\|SSL" err.txt && cmp -s "$INSTALLED" v1/test_rules.yaml; then
	ok "unknown CA refused ($(grep -o 'SSL[^:]*\|certificate[^.]*' err.txt | head -1))"
else
	bad "unknown CA: $(cat err.txt)"
fi

# --- bearer tokens: a second registry on the same storage asks for tokens
# from a token service (tests/artifact/token_server.py) that takes the
# configured credentials, as ghcr.io and Docker Hub do
openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.pem -days 2 \
	-subj "/CN=saker test token issuer" >/dev/null 2>&1
TPORT=$(free_port)
TREGPORT=$(free_port)
TREG=127.0.0.1:$TREGPORT
python3 "$HERE/token_server.py" "$TPORT" srv.pem srv.key token.pem token.key saker-issuer \
	'tester:s3cret-pass' >token.log 2>&1 &
PIDS+=($!)
sed -e "s|addr: 127.0.0.1:$PORT|addr: 127.0.0.1:$TREGPORT|" -e '/^auth:/,$d' registry.yml >tregistry.yml
cat >>tregistry.yml <<YML
auth:
  token:
    realm: https://127.0.0.1:$TPORT/token
    service: saker-registry
    issuer: saker-issuer
    rootcertbundle: $W/token.pem
YML
docker-registry serve tregistry.yml >tregistry.log 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://$TREG/v2/" || true)
	[ "$code" = 401 ] && curl -s -o /dev/null --cacert ca.pem "https://127.0.0.1:$TPORT/" && break
	sleep 0.1
done
if "$ART" --config-dir "$W/cfg" --cafile ca.pem --user tester:s3cret-pass --key sign.pub \
	--rulesfiles-dir "$W/token.d" install "$TREG/$REPO:1" >out.txt 2>err.txt &&
	cmp -s "$W/token.d/test_rules.yaml" v1/test_rules.yaml &&
	grep -q "token /token repository:$REPO:pull credentials" token.log; then
	ok "install through a registry that asks for bearer tokens"
else
	bad "bearer token install: $(cat err.txt; tail -3 token.log tregistry.log)"
fi
if "$ART" --config-dir "$W/cfg" --cafile ca.pem --user tester:wrong --key sign.pub \
	--rulesfiles-dir "$W/token2.d" install "$TREG/$REPO:1" >out.txt 2>err.txt; then
	bad "bearer token with wrong credentials: accepted"
elif grep -q "token request refused (HTTP 401)" err.txt && [ ! -e "$W/token2.d/test_rules.yaml" ]; then
	ok "wrong credentials for the token service refused (token request refused)"
else
	bad "bearer token with wrong credentials: $(cat err.txt)"
fi

refused "type not allowed" "is not among the allowed types" install --allowed-types plugin "$REG/$REPO:1"

# Ed25519 keys
DE=$(PUSH push $REPO ed ed/test_rules.yaml)
PUSH sign $REPO "$DE" ed.key
if "$ART" --config-dir "$W/cfg" --cafile ca.pem --user tester:s3cret-pass --key ed.pub \
	--rulesfiles-dir "$W/ed.d" install "$REG/$REPO:ed" >out.txt 2>err.txt &&
	cmp -s "$W/ed.d/test_rules.yaml" ed/test_rules.yaml; then
	ok "Ed25519 signature verified"
else
	bad "Ed25519: $(cat err.txt)"
fi

# --- an index over HTTPS, tarballs over HTTPS ---------------------------------
HPORT=$(free_port)
mkdir -p web
cat >web/index.yaml <<Y
- name: test-rules
  type: rulesfile
  registry: $REG
  repository: $REPO
  description: rules of the artifact test
  home: https://example.invalid/test-rules
  keywords: [testing, marker]
  license: Apache-2.0
  maintainers:
    - name: saker
      email: saker@example.invalid
  sources: [https://example.invalid/src]
  signature:
    cosign:
      key: $W/sign.pub
- name: other-plugin
  type: plugin
  registry: $REG
  repository: plugins/other
  description: nothing
  keywords: [plugin]
Y
cp v1/test_rules.yaml web/
PUSH tgz v1/test_rules.yaml web/rules-v1.tar.gz
openssl dgst -sha256 -sign sign.key web/rules-v1.tar.gz | base64 -w0 >web/rules-v1.tar.gz.sig
PUSH tgz unsigned/test_rules.yaml web/unsigned.tar.gz
cp web/rules-v1.tar.gz web/tampered.tar.gz
cp web/rules-v1.tar.gz.sig web/tampered.tar.gz.sig
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-12]^=0x55; open(p,'wb').write(b)" web/tampered.tar.gz
(cd web && exec python3 -c "
import http.server, ssl
h = http.server.HTTPServer(('127.0.0.1', $HPORT), http.server.SimpleHTTPRequestHandler)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain('$W/srv.pem', '$W/srv.key')
h.socket = c.wrap_socket(h.socket, server_side=True)
h.serve_forever()" >/dev/null 2>&1) &
PIDS+=($!)
for _ in $(seq 50); do
	curl -s --cacert ca.pem -o /dev/null "https://127.0.0.1:$HPORT/index.yaml" && break
	sleep 0.1
done
WEB=https://127.0.0.1:$HPORT
# index commands use no key of their own: the entry names it
I() { "$ART" --config-dir "$W/icfg" --cafile ca.pem --user tester:s3cret-pass \
	--rulesfiles-dir "$W/idx.d" --timeout 3 "$@"; }
if I index add test "$WEB/index.yaml" >out.txt 2>err.txt && I index list >out.txt 2>>err.txt &&
	grep -q "^test .*$WEB/index.yaml" out.txt && [ -f "$W/icfg/indexes/test.yaml" ] &&
	grep -q "name: \"test\"" "$W/icfg/indexes.yaml"; then
	ok "index add and list"
else
	bad "index add/list: $(cat out.txt err.txt)"
fi
if I search marker >out.txt 2>err.txt && grep -q "test-rules" out.txt && ! grep -q other-plugin out.txt &&
	I search test-rulez >out.txt 2>>err.txt && grep -q "test-rules" out.txt; then
	ok "search by keyword and by a name close enough"
else
	bad "search: $(cat out.txt err.txt)"
fi
if I info test-rules:1 >out.txt 2>err.txt && grep -q "digest: *$D1" out.txt; then
	ok "info of an index name"
else
	bad "info by name: $(cat out.txt err.txt)"
fi
if I install test-rules:1 >out.txt 2>err.txt && cmp -s "$W/idx.d/test_rules.yaml" v1/test_rules.yaml; then
	ok "install by index name, verified with the entry's key"
else
	bad "install by name: $(cat err.txt)"
fi
I install test-rules:other >out.txt 2>err.txt
grep -q "verifies with the configured key" err.txt && ok "the index entry's key refuses another key's signature" ||
	bad "index key: $(cat err.txt)"
I install test-rules:unsigned >out.txt 2>err.txt
grep -q "is not signed" err.txt && ok "the index entry's key refuses an unsigned artifact" ||
	bad "index unsigned: $(cat err.txt)"
printf -- '- name: broken\n  type: [x\n' >web/broken.yaml
I index add broken "$WEB/broken.yaml" >out.txt 2>err.txt
grep -q "broken.yaml:[0-9]*:[0-9]*: invalid YAML" err.txt && ! grep -q broken "$W/icfg/indexes.yaml" &&
	ok "a malformed index is refused with its line ($(grep -o 'broken.yaml:[0-9:]*' err.txt | head -1))" ||
	bad "broken index: $(cat err.txt)"
I index remove test >out.txt 2>err.txt
if ! grep -q "name: \"test\"" "$W/icfg/indexes.yaml" && [ ! -f "$W/icfg/indexes/test.yaml" ]; then
	ok "index remove"
else
	bad "index remove: $(cat err.txt)"
fi
U() { "$ART" --config-dir "$W/icfg" --cafile ca.pem --key sign.pub --rulesfiles-dir "$W/url.d" \
	--timeout 3 "$@"; }
if U install "$WEB/rules-v1.tar.gz" >out.txt 2>err.txt && cmp -s "$W/url.d/test_rules.yaml" v1/test_rules.yaml; then
	ok "signed tarball over HTTPS"
else
	bad "tarball: $(cat err.txt)"
fi
U install "$WEB/tampered.tar.gz" >out.txt 2>err.txt
grep -q "does not verify with the configured key" err.txt && cmp -s "$W/url.d/test_rules.yaml" v1/test_rules.yaml &&
	ok "tampered tarball refused" || bad "tampered tarball: $(cat err.txt)"
U install "$WEB/unsigned.tar.gz" >out.txt 2>err.txt
grep -q "is not signed" err.txt && cmp -s "$W/url.d/test_rules.yaml" v1/test_rules.yaml &&
	ok "unsigned tarball refused" || bad "unsigned tarball: $(cat err.txt)"

# --- follow ---------------------------------------------------------------------------
rm -rf "$W/rules.d" "$W/state"
if A follow --rounds 1 "$REG/$REPO:1" >out.txt 2>err.txt && cmp -s "$INSTALLED" v1/test_rules.yaml &&
	grep -q "updates 1, failures 0" err.txt && ls "$W/state/artifact-state/"*.json >/dev/null 2>&1; then
	ok "follow installs the followed version and records it"
else
	bad "follow first round: $(cat err.txt)"
fi
A follow --rounds 1 "$REG/$REPO:1" >out.txt 2>err.txt
grep -q "checks 1, updates 0, failures 0" err.txt && ok "follow leaves an unchanged version alone" ||
	bad "follow unchanged: $(cat err.txt)"
# a bad new version under the followed tag: refused, counted, rules untouched
PUSH tag $REPO "$DO" 1
A follow --rounds 1 "$REG/$REPO:1" >out.txt 2>err.txt
if grep -q "verifies with the configured key" err.txt && grep -q "updates 0, failures 1" err.txt &&
	cmp -s "$INSTALLED" v1/test_rules.yaml; then
	ok "follow refuses a wrongly signed new version and keeps the rules"
else
	bad "follow bad version: $(cat err.txt)"
fi
PUSH tag $REPO "$D1" 1

# --- a live saker picks up the new version (root, BPF) ------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the live reload part needs root"
else
	"$SAKER" -r "$INSTALLED" >saker.out 2>saker.err &
	SPID=$!
	PIDS+=($SPID)
	for _ in $(seq 300); do
		grep -q "watching this machine" saker.err && break
		kill -0 $SPID 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "watching this machine" saker.err; then
		echo "skipped: saker cannot watch this machine: $(tail -2 saker.err)"
	else
		echo $SPID >saker.pid
		"$ART" -c "$CFG" --config-dir "$W/cfg" --timeout 3 follow --every 1s \
			--pidfile "$W/saker.pid" "$REG/$REPO:1" >follow.out 2>follow.err &
		FPID=$!
		PIDS+=($FPID)
		cat "/tmp/$MARK-one" 2>/dev/null; : >"/tmp/$MARK-one"
		D2=$(PUSH push $REPO 2.0.0 v2/test_rules.yaml --version 2.0.0)
		PUSH sign $REPO "$D2" sign.key
		PUSH tag $REPO "$D2" 1
		for _ in $(seq 150); do
			grep -q "rules reloaded" saker.err && break
			sleep 0.1
		done
		sleep 0.5
		: >"/tmp/$MARK-two"
		sleep 1.5
		kill -TERM $FPID
		wait $FPID 2>/dev/null
		kill -INT $SPID
		wait $SPID 2>/dev/null
		rm -f "/tmp/$MARK-one" "/tmp/$MARK-two"
		if grep -q "rules v1 saw /tmp/$MARK-one" saker.out && grep -q "rules v2 saw /tmp/$MARK-two" saker.out &&
			! grep -q "rules v1 saw /tmp/$MARK-two" saker.out && cmp -s "$INSTALLED" v2/test_rules.yaml &&
			grep -q "asked saker (pid $SPID) to reload" follow.err &&
			grep -q "follow: checks [0-9]*, updates 1, failures 0, reloads 1" follow.err; then
			ok "a running saker picked up the new version through follow"
		else
			bad "live follow: $(cat saker.out; tail -5 saker.err; tail -5 follow.err)"
		fi
		if grep -q "events: seen [0-9]*, processed [0-9]*, dropped 0," saker.err; then
			ok "no event dropped across the reload ($(grep -o 'events: [^,]*, [^,]*, dropped 0' saker.err))"
		else
			bad "drops across the reload: $(grep 'events:' saker.err)"
		fi
	fi
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
