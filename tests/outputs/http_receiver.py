#!/usr/bin/python3
"""The HTTP(S) end of the output tests: a webhook receiver on 127.0.0.1.

It listens on a free port (written to --port-file once listening) and, in
mode "ok", records every request as one JSON line in --out (method, path,
headers with lower-case names, body) and answers 200 with --answer as its
body, sent gzip-compressed in a chunked transfer encoding when the request
asks for it (TE: gzip). With --cert/--key it speaks TLS; with --client-ca
it also demands a client certificate signed by that CA (mutual TLS).
Mode "status" answers --status to every request. Mode "hang" accepts
connections and never reads nor answers them. Runs until killed.
"""
import argparse
import gzip
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--out")
    p.add_argument("--mode", default="ok", choices=["ok", "status", "hang"])
    p.add_argument("--status", type=int, default=500)
    p.add_argument("--answer", default="ok")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca")
    return p.parse_args()


ARGS = parse_args()
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        rec = {
            "method": "POST",
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        if ARGS.out:
            with LOCK, open(ARGS.out, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if ARGS.mode == "status":
            self.send_response(ARGS.status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = ARGS.answer.encode()
        self.send_response(200)
        if "gzip" in self.headers.get("TE", ""):
            z = gzip.compress(answer)
            self.send_header("Transfer-Encoding", "gzip, chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(z), z))
        else:
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.cert, ARGS.key)
    if ARGS.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(ARGS.client_ca)
    return ctx


def announce(port):
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    # renamed: the test never reads a half-written file
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)


def hang():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    announce(s.getsockname()[1])
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # refused TLS handshakes (no client certificate) end here
        pass


def serve():
    srv = Server(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        srv.socket = tls_context().wrap_socket(srv.socket, server_side=True,
                                               do_handshake_on_connect=False)
    announce(srv.server_address[1])
    srv.serve_forever()


if __name__ == "__main__":
    sys.stderr.close()
    if ARGS.mode == "hang":
        hang()
    else:
        serve()
