#!/usr/bin/env python3
"""Stand-in for the EC2 instance metadata service (IMDSv2 only), on the container's loopback.

The first-boot script reads its endpoint from IMDS_ENDPOINT (default http://169.254.169.254); the
boot test sets it to this server, so nothing ever goes to the real address. Like IMDSv2 with
HttpTokens=required: a PUT to /latest/api/token with a TTL header gives a token, every GET without
a valid token answers 401. Each request is logged to /var/log/boot-test/imds.log."""
import json
import os
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VALUES = {
    "/latest/meta-data/placement/region": os.environ.get("BOOT_TEST_REGION", "eu-west-1"),
    "/latest/meta-data/instance-id": "i-0b007e570000000001",
    "/latest/meta-data/local-ipv4": "10.10.0.10",
}
TOKENS = {}
LOG = "/var/log/boot-test/imds.log"


def log(entry):
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    def _answer(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        ok = self.path == "/latest/api/token" and ttl.isdigit() and 1 <= int(ttl) <= 21600
        log({"method": "PUT", "path": self.path, "ttl": ttl, "status": 200 if ok else 400})
        if not ok:
            return self._answer(400)
        token = secrets.token_urlsafe(32)
        TOKENS[token] = time.monotonic() + int(ttl)
        self._answer(200, token.encode())

    def do_GET(self):
        token = self.headers.get("X-aws-ec2-metadata-token", "")
        valid = TOKENS.get(token, 0) > time.monotonic()
        status = 401 if not valid else (200 if self.path in VALUES else 404)
        log({"method": "GET", "path": self.path, "token": bool(token), "status": status})
        if status != 200:
            return self._answer(status)
        self._answer(200, VALUES[self.path].encode())

    def log_message(self, *args):
        pass


os.makedirs(os.path.dirname(LOG), exist_ok=True)
ThreadingHTTPServer(("127.0.0.1", 1338), Handler).serve_forever()
