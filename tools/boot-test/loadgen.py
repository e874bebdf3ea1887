#!/usr/bin/env python3
"""A steady stream of requests through nginx, run in the container's network namespace (loopback
only). Half the workers open a new connection per request, half keep one connection alive, as a
load balancer's many clients would. Stops on SIGTERM or after --seconds and prints one JSON line:
sent, failed, statuses, errors, longest gap without a good answer, versions and ports seen."""
import argparse
import http.client
import json
import re
import signal
import threading
import time

VERSION = re.compile(rb'<span id="version">([^<]*)</span>')
PORT = re.compile(rb'<span id="port">([^<]*)</span>')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--paths", default="/,/health,/static/style.css")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--interval", type=float, default=0.01, help="pause between a worker's requests")
    ap.add_argument("--seconds", type=float, default=600)
    a = ap.parse_args()
    paths = a.paths.split(",")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    st = {"sent": 0, "failed": 0, "statuses": {}, "errors": {}, "versions": {}, "ports": {}, "failures": []}
    last_good = [time.monotonic()]
    gap = [0.0]

    def record(path, status, body, error):
        now = time.monotonic()
        with lock:
            st["sent"] += 1
            if status is not None:
                st["statuses"][str(status)] = st["statuses"].get(str(status), 0) + 1
            ok = status == 200 and error is None
            if ok:
                gap[0] = max(gap[0], now - last_good[0])
                last_good[0] = now
                m = VERSION.search(body or b"")
                if m:
                    v = m.group(1).decode()
                    st["versions"][v] = st["versions"].get(v, 0) + 1
                m = PORT.search(body or b"")
                if m:
                    p = m.group(1).decode()
                    st["ports"][p] = st["ports"].get(p, 0) + 1
            else:
                st["failed"] += 1
                key = error or f"HTTP {status}"
                st["errors"][key] = st["errors"].get(key, 0) + 1
                if len(st["failures"]) < 20:
                    st["failures"].append({"t": round(time.time(), 3), "path": path, "what": key})

    def worker(i, keepalive):
        conn = None
        n = 0
        while not stop.is_set():
            path = paths[(i + n) % len(paths)]
            n += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
                conn.request("GET", path, headers={} if keepalive else {"Connection": "close"})
                r = conn.getresponse()
                body = r.read()
                record(path, r.status, body, None)
                if not keepalive or r.will_close:
                    conn.close()
                    conn = None
            except Exception as e:  # noqa: BLE001 - every failure counts
                record(path, None, None, type(e).__name__)
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(a.interval)

    threads = [threading.Thread(target=worker, args=(i, i % 2 == 1), daemon=True) for i in range(a.workers)]
    for t in threads:
        t.start()
    stop.wait(a.seconds)
    stop.set()
    for t in threads:
        t.join(15)
    st["longest_gap_seconds"] = round(max(gap[0], time.monotonic() - last_good[0]), 3)
    print(json.dumps(st), flush=True)


if __name__ == "__main__":
    main()
