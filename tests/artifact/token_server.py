#!/usr/bin/env python3
# A registry token service for the artifact test, as the distribution
# registry's token authentication expects one: GET /token?service=S&scope=
# repository:NAME:ACTIONS with HTTP basic credentials answers
# {"token": JWT}, the JWT signed RS256 with the test's token key and
# carrying its certificate in x5c, granting pull on the scope's repository.
# Wrong or missing credentials get 401. Every request is logged to stdout.
#
# usage: token_server.py PORT TLS_CERT TLS_KEY TOKEN_CERT TOKEN_KEY ISSUER USER:PASSWORD
import base64, http.server, json, ssl, subprocess, sys, time, urllib.parse

port, tls_cert, tls_key, tok_cert, tok_key, issuer, cred = sys.argv[1:8]

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def cert_der(path):
    pem = open(path).read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64encode(base64.b64decode("".join(body.split()))).decode()

def sign(data):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", tok_key], input=data,
                          capture_output=True, check=True).stdout

def token(service, scope):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [cert_der(tok_cert)]}
    access = []
    parts = scope.split(":")
    if len(parts) == 3 and parts[0] == "repository":
        access.append({"type": "repository", "name": parts[1], "actions": ["pull"]})
    now = int(time.time())
    claims = {"iss": issuer, "sub": cred.split(":")[0], "aud": service, "exp": now + 300,
              "nbf": now - 30, "iat": now, "jti": str(now), "access": access}
    raw = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return raw + "." + b64url(sign(raw.encode()))

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        want = "Basic " + base64.b64encode(cred.encode()).decode()
        ok = self.headers.get("Authorization") == want
        print("token", u.path, q.get("scope", [""])[0], "credentials" if ok else "refused",
              flush=True)
        if u.path != "/token" or not ok:
            self.send_response(401)
            self.end_headers()
            return
        body = json.dumps({"token": token(q.get("service", [""])[0],
                                          q.get("scope", [""])[0])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

srv = http.server.HTTPServer(("127.0.0.1", int(port)), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(tls_cert, tls_key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
