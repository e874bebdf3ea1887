#!/usr/bin/env python3
"""Sample application served behind nginx on the library's EC2 instances.

Python 3 standard library only; compatible with Python 3.9 (Amazon Linux 2023's
/usr/bin/python3). One process per port: systemd starts app@PORT.service, which
runs start with PORT set; nginx balances over 127.0.0.1:8001..8000+N.

Routes:
  APP_HEALTH_PATH (default /health)  200 "ok"
  /                                  small HTML page naming the version and port
  /static/...                        files from static/ (nginx serves these itself in
                                     production; the app serves them only so that a
                                     local run without nginx looks the same)

The secret named by APP_SECRET_ARN is never read at import or start. It is fetched
lazily with the AWS CLI (Secrets Manager; APP_AWS_CLI names another executable)
the first time the page asks whether it is available, cached for a while, and its
value is never printed or logged.
"""

import argparse
import html
import mimetypes
import os
import posixpath
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_HOME = os.path.dirname(os.path.abspath(__file__))
STATIC_DIR = os.path.join(APP_HOME, "static")
SECRET_TTL_SECONDS = 300
SECRET_FETCH_TIMEOUT_SECONDS = 10


def read_version():
    """Version of this bundle, from the VERSION file that package-revision writes."""
    try:
        with open(os.path.join(APP_HOME, "VERSION"), encoding="utf-8") as handle:
            version = handle.read().strip()
    except OSError:
        return "unknown"
    return version or "unknown"


class SecretStatus:
    """Lazily checks that the configured secret can be read; never exposes its value."""

    def __init__(self, arn, region):
        self.arn = arn
        self.region = region
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._status = None

    def describe(self):
        if not self.arn:
            return "not configured (APP_SECRET_ARN is unset)"
        with self._lock:
            now = time.monotonic()
            if self._status is None or now - self._checked_at > SECRET_TTL_SECONDS:
                self._status = self._fetch_status()
                self._checked_at = now
            return self._status

    def _fetch_status(self):
        cmd = [os.environ.get("APP_AWS_CLI") or "aws", "secretsmanager", "get-secret-value", "--secret-id", self.arn,
               "--query", "SecretString", "--output", "text"]
        if self.region:
            cmd += ["--region", self.region]
        try:
            result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    timeout=SECRET_FETCH_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return "unavailable (%s)" % type(exc).__name__
        if result.returncode != 0:
            return "unavailable (aws exit code %d)" % result.returncode
        # The value itself stays in this function and is dropped here.
        return "available (read at run time; value not shown)"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An idle keep-alive connection from nginx is closed after this many seconds (nginx closes its
    # own after 20 s, keepalive_timeout in the fleet's nginx.conf, so it never reuses one closed here).
    timeout = 30

    def handle_one_request(self):
        # Between requests the connection is idle: a stopping server may close it (nginx then
        # opens a new one to another process); while a request runs it is busy and finishes.
        self.server.track(self.connection, busy=False)
        if self.server.stopping.is_set():
            self.close_connection = True
            return
        super().handle_one_request()

    def parse_request(self):
        self.server.track(self.connection, busy=True)
        return super().parse_request()

    def finish(self):
        self.server.untrack(self.connection)
        super().finish()

    def version_string(self):
        return "sample-app"

    def do_GET(self):
        self._dispatch(send_body=True)

    def do_HEAD(self):
        self._dispatch(send_body=False)

    def _dispatch(self, send_body):
        app = self.server.app
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == app["health_path"]:
            self._send(200, "text/plain; charset=utf-8", b"ok\n", send_body)
        elif path == "/":
            self._send(200, "text/html; charset=utf-8", self._page(app), send_body)
        elif path.startswith("/static/"):
            self._static(path[len("/static/"):], send_body)
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n", send_body)

    def _page(self, app):
        esc = html.escape
        body = (
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Sample app %(version)s</title>\n"
            "<link rel=\"stylesheet\" href=\"/static/style.css\">\n</head>\n<body>\n"
            "<h1>Sample app</h1>\n"
            "<p>Version: <span id=\"version\">%(version)s</span></p>\n"
            "<p>Served by the process on port <span id=\"port\">%(port)s</span></p>\n"
            "<p>Environment: %(environment)s%(color)s</p>\n"
            "<p>Secret: %(secret)s</p>\n"
            "</body>\n</html>\n"
        ) % {
            "version": esc(app["version"]),
            "port": esc(str(app["port"])),
            "environment": esc(app["environment"]),
            "color": esc(" (%s)" % app["color"]) if app["color"] else "",
            "secret": esc(app["secret"].describe()),
        }
        return body.encode("utf-8")

    def _static(self, rel, send_body):
        rel = posixpath.normpath("/" + rel).lstrip("/")
        full = os.path.join(STATIC_DIR, *rel.split("/")) if rel else STATIC_DIR
        if not rel or not os.path.isfile(full):
            self._send(404, "text/plain; charset=utf-8", b"not found\n", send_body)
            return
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        with open(full, "rb") as handle:
            self._send(200, ctype, handle.read(), send_body)

    def _send(self, code, ctype, body, send_body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        # Say so when this answer ends the connection (an HTTP/1.0 request, or the server is stopping),
        # so no proxy keeps the connection for another request.
        if self.close_connection or self.server.stopping.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        # Headers and body in one write: a process that dies (kill -9, a drain closing the connection)
        # has then sent all of an answer or none of it, and nginx retries "none" on another process;
        # half an answer (headers sent, body not) would reach the client as a broken response.
        self._headers_buffer.append(b"\r\n")
        payload = b"".join(self._headers_buffer) + (body if send_body else b"")
        self._headers_buffer = []
        self.wfile.write(payload)

    def log_message(self, fmt, *args):
        sys.stdout.write("[port %s] %s %s\n" % (self.server.app["port"],
                                                self.address_string(), fmt % args))
        sys.stdout.flush()


class GracefulServer(ThreadingHTTPServer):
    """Stops without failing a request: on SIGTERM it stops accepting (new connections are refused
    and nginx sends them to another process), closes idle keep-alive connections, and lets the
    requests in flight finish before the process exits."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address, handler):
        super().__init__(address, handler)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections = {}

    def track(self, conn, busy):
        with self._lock:
            self._connections[conn] = busy

    def untrack(self, conn):
        with self._lock:
            self._connections.pop(conn, None)

    def drain(self):
        self.stopping.set()
        self.shutdown()  # serve_forever() returns: no more accept()
        self.socket.close()  # connects are refused now, not queued
        with self._lock:
            idle = [conn for conn, busy in self._connections.items() if not busy]
        for conn in idle:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Sample application process.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1: only nginx reaches it)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0") or 0),
                        help="port to listen on (default: $PORT)")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("a port is needed: set PORT or pass --port")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    httpd = GracefulServer((args.host, args.port), Handler)
    httpd.app = {
        "version": read_version(),
        "port": args.port,
        "health_path": os.environ.get("APP_HEALTH_PATH") or "/health",
        "environment": os.environ.get("APP_ENVIRONMENT") or "local",
        "color": os.environ.get("APP_COLOR", ""),
        "secret": SecretStatus(os.environ.get("APP_SECRET_ARN", ""),
                               os.environ.get("AWS_REGION", "")),
    }

    def stop(signum, _frame):
        print("[port %d] signal %d: shutting down" % (args.port, signum), flush=True)
        # drain() waits for serve_forever() to return, so call it from another thread.
        threading.Thread(target=httpd.drain, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("[port %d] version %s listening on %s:%d" % (args.port, httpd.app["version"],
                                                        args.host, args.port), flush=True)
    try:
        httpd.serve_forever(poll_interval=0.1)
    finally:
        httpd.server_close()  # joins the threads of the requests in flight
    print("[port %d] stopped" % args.port, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
