#!/usr/bin/env python3
# Placeholder until the first CodeDeploy revision: 503 on every path (health included).
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"no revision deployed yet\n"
        self.send_response(503)
        self.send_header("X-App-Revision", "none")
        self.send_header("Retry-After", "60")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
