"""Helpers of deploy/test/run (not part of the revision bundle), one subcommand each:

    python3 helpers.py loopback-only PORT
        every listening socket on PORT is bound to 127.0.0.1 (exit 0), else exit 1
    python3 helpers.py free-ports N
        prints the first of N consecutive free TCP ports on 127.0.0.1
    python3 helpers.py check-deployment DEPLOYMENT_JSON BUCKET KEY MD5
        the deployment (aws deploy get-deployment --query deploymentInfo) has the S3 revision
        (bucket, key, zip, eTag), the description and the flags deploy-revision sets
"""
import json
import random
import socket
import sys


def loopback_only(port_arg):
    port = "%04X" % int(port_arg)
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, lport = local.split(":")
            if lport == port and state == "0A":
                found.append(addr)
    print("listening addresses:", found)
    sys.exit(0 if found and all(a == "0100007F" for a in found) else 1)


def free_ports(n_arg):
    n = int(n_arg)
    for _ in range(200):
        base = random.randint(20000, 60000 - n)
        socks = []
        try:
            for port in range(base, base + n):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                socks.append(s)
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
        print(base)
        sys.exit(0)
    sys.exit("no free ports found")


def check_deployment(path, bucket, key, md5):
    info = json.load(open(path))
    loc = info["revision"]["s3Location"]
    want = {"bucket": bucket, "key": key, "bundleType": "zip", "eTag": md5}
    got = {k: loc.get(k) for k in want}
    assert info["revision"]["revisionType"] == "S3", info["revision"]
    assert got == want, (got, want)
    assert info["applicationName"] == "sample-app" and info["deploymentGroupName"] == "sample-app-dev", info
    assert info["description"] == "test deployment 1", info["description"]
    assert info["ignoreApplicationStopFailures"] is True, info
    assert info["fileExistsBehavior"] == "OVERWRITE", info
    print("revision", got)


COMMANDS = {"loopback-only": loopback_only, "free-ports": free_ports, "check-deployment": check_deployment}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
