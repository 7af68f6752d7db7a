#!/usr/bin/env python3
"""Runtimes that misbehave, on a unix socket, for the fault tests:
hang          accepts, reads, never answers (connections stay open)
http-garbage  answers every HTTP request 200 with a body that is not JSON
grpc-garbage  answers whatever comes with bytes that are not HTTP/2
Runs until killed. Usage: fake_runtime.py MODE SOCKET"""
import os
import socket
import sys
import threading
import time


def serve(conn, mode):
    held = []
    try:
        conn.settimeout(30)
        data = conn.recv(65536)
        if mode == "hang":
            held.append(conn)
            time.sleep(3600)
        elif mode == "http-garbage":
            while data and b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            body = b'{"Id": "garbage", "Config": [unterminated'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        else:
            conn.sendall(b"\x00\x01\x02garbage that is no HTTP/2 frame\xff" * 8)
    except OSError:
        pass
    finally:
        if not held:
            conn.close()


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
