#!/usr/bin/env python3
"""Boot test: every distinct fleet user data of the synthesized reference app, booted for real.

For each launch template in cdk.out/*.template.json the user data is taken from the template (what
EC2 would run), its CloudFormation references are filled in with plausible values, and it runs
once at boot (as cloud-init does) in a fresh Debian container whose PID 1 is systemd, with nginx
installed and already running (as on a golden image). Then a revision from
deploy/scripts/package-revision is deployed the way the CodeDeploy agent does, under a steady load
through nginx. Only what cannot exist here is stood in (tools/boot-test/standins, docs/boot-test.md).
Prints "ok - ..." / "not ok - ..." lines and ends with "N passed, N failed"."""
import argparse
import base64
import glob
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from codedeploy import Agent  # noqa: E402
from container import Container  # noqa: E402
import cwagent_check  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"
PASSED = FAILED = 0
FIGURES = []


def ok(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print(f"ok - {name}", flush=True)
    else:
        FAILED += 1
        print(f"not ok - {name}", flush=True)
        for line in str(detail).strip().splitlines()[-25:]:
            print(f"    | {line}", flush=True)
    return cond


def note(text):
    print(f"# {text}", flush=True)


def figure(variant, what, value):
    FIGURES.append((variant, what, value))
    note(f"{variant}: {what}: {value}")


# ---------------------------------------------------------------- user data from the templates
def resolve(node, stack, resources):
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return [resolve(n, stack, resources) for n in node]
    (fn, arg), = node.items()
    if fn == "Fn::Base64":
        return resolve(arg, stack, resources)
    if fn == "Fn::Join":
        return arg[0].join(resolve(p, stack, resources) for p in arg[1])
    if fn == "Ref":
        pseudo = {"AWS::Region": REGION, "AWS::StackName": stack, "AWS::AccountId": ACCOUNT,
                  "AWS::URLSuffix": "amazonaws.com", "AWS::Partition": "aws"}
        if arg in pseudo:
            return pseudo[arg]
        kind = resources.get(arg, {}).get("Type", "")
        if kind == "AWS::Logs::LogGroup":
            return f"/boot-test/{stack}/{arg}"
        if kind == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{stack}-{arg}-AbCdEf"
        return f"{stack}-{arg}"
    if fn == "Fn::GetAtt":
        return f"{stack}-{arg[0]}-{arg[1]}"
    raise ValueError(f"cannot resolve {fn} in user data")


def fleet_user_data(cdk_out):
    variants = []
    for path in sorted(glob.glob(os.path.join(cdk_out, "*.template.json"))):
        stack = os.path.basename(path)[: -len(".template.json")]
        template = json.load(open(path, encoding="utf-8"))
        resources = template.get("Resources", {})
        for logical, r in resources.items():
            if r["Type"] != "AWS::EC2::LaunchTemplate":
                continue
            ud = r["Properties"]["LaunchTemplateData"].get("UserData")
            if ud is None:
                continue
            text = resolve(ud, stack, resources)
            name = f"{stack}/{logical.replace('LaunchTemplate', '')[:-8]}"
            variants.append({"name": name, "stack": stack, "user_data": text})
    seen, distinct = set(), []
    for v in variants:
        if v["user_data"] not in seen:
            seen.add(v["user_data"])
            distinct.append(v)
    return distinct


def env_of(user_data):
    block = re.search(r"<<'APPENV'\n(.*?)\nAPPENV", user_data, re.S)
    return dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)


def install_script():
    """install.sh as the image pipeline and the user data carry it (tools/server-files/render.py)."""
    return subprocess.run([sys.executable, os.path.join(REPO, "tools/server-files/render.py"), "install.sh"],
                          check=True, capture_output=True, text=True).stdout


def carried_install_script(user_data):
    """The install.sh a fleet's user data writes (base64 of gzip, in its INFRA_INSTALL_SH here-document)."""
    m = re.search(r"<<'INFRA_INSTALL_SH' \| gunzip > \S+\n(.*?)\nINFRA_INSTALL_SH\n", user_data, re.S)
    return gzip.decompress(base64.b64decode(m.group(1).replace("\n", ""))).decode() if m else None


def not_run_for_real(user_data):
    """User-data lines (and lines of the install.sh it carries) this test does not run for real, with the reason."""
    out = []
    lines = user_data.splitlines() + (carried_install_script(user_data) or "").splitlines()
    i = 0
    standin = {"/opt/aws/bin/cfn-signal": "cfn-signal (stand-in records its arguments)",
               "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl": "CloudWatch agent (stand-in checks its config)",
               "/opt/codedeploy-agent/bin/codedeploy-agent": "CodeDeploy agent (stand-in daemon; the test plays the agent)"}
    while i < len(lines):
        m = re.match(r"^(\s*)if \[ -x (\S+) \]; then$", lines[i])
        if m and m.group(2) in standin:
            indent, j, skipping = m.group(1), i + 1, False
            while j < len(lines) and not re.match(rf"^{indent}fi$", lines[j]):
                if re.match(rf"^{indent}(elif|else)\b", lines[j]):
                    skipping = True
                elif skipping and lines[j].strip() and not lines[j].strip().startswith("#"):
                    out.append((lines[j].strip(), f"skipped: {standin[m.group(2)]} is preinstalled"))
                j += 1
            i = j
            continue
        s = lines[i].strip()
        if "169.254.169.254" in s:
            out.append((s, "IMDS_ENDPOINT points at the IMDSv2 stand-in on the container's loopback"))
        elif "/opt/aws/bin/cfn-signal" in s:
            out.append((s, "runs the cfn-signal stand-in"))
        elif "amazon-cloudwatch-agent-ctl" in s and not s.startswith("if "):
            out.append((s, "runs the CloudWatch agent stand-in"))
        elif s.startswith("systemctl enable --now codedeploy-agent"):
            out.append((s, "starts the CodeDeploy agent stand-in"))
        i += 1
    return out


# ---------------------------------------------------------------- container set-up
def install_standins(box, user_data, plant_broken_app=False):
    s = os.path.join(HERE, "standins")
    box.write("/usr/local/lib/boot-test/imds.py", open(f"{s}/imds.py").read(), 0o755)
    box.write("/usr/local/lib/boot-test/run-user-data", open(f"{s}/run-user-data").read(), 0o755)
    box.write("/usr/local/lib/boot-test/install-files", open(f"{s}/install-files").read(), 0o755)
    for unit in ("imds-standin.service", "user-data.service"):
        box.write(f"/etc/systemd/system/{unit}", open(f"{s}/{unit}").read())
        os.makedirs(box.path("/etc/systemd/system/multi-user.target.wants"), exist_ok=True)
        os.symlink(f"/etc/systemd/system/{unit}", box.path(f"/etc/systemd/system/multi-user.target.wants/{unit}"))
    box.write("/opt/aws/bin/cfn-signal", open(f"{s}/cfn-signal").read(), 0o755)
    box.write("/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl", open(f"{s}/amazon-cloudwatch-agent-ctl").read(), 0o755)
    os.makedirs(box.path("/opt/aws/amazon-cloudwatch-agent/etc"), exist_ok=True)
    box.write("/opt/codedeploy-agent/bin/codedeploy-agent", open(f"{s}/codedeploy-agent").read(), 0o755)
    box.write("/etc/systemd/system/codedeploy-agent.service", open(f"{s}/codedeploy-agent.service").read())
    box.write("/var/lib/cloud/instance/scripts/part-001", user_data, 0o700)
    box.write("/etc/hostname", box.name + "\n")
    if plant_broken_app:
        # An image that carries an app which never becomes healthy.
        box.write("/opt/app/current/start", "#!/bin/sh\necho 'planted: this app never starts' >&2\nexit 1\n", 0o755)


def wait_user_data(box, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rc = box.read("/var/log/boot-test/user-data.rc").split()
        if rc:
            start = float(box.read("/var/log/boot-test/user-data.start").strip())
            return int(rc[0]), float(rc[1]) - start, start
        time.sleep(0.25)
    return None, None, None


def signals(box):
    return [json.loads(line) for line in box.read("/var/log/boot-test/cfn-signal.log").splitlines() if line.strip()]


def http(box, path, port, extra=""):
    """Status, headers (lower-case keys) and body of GET path through nginx, from inside."""
    r = box.sh(f"curl -s -D /tmp/h -o /tmp/b --max-time 5 {extra} http://127.0.0.1:{port}{path}; "
               "cat /tmp/h; printf '\\n--BODY--\\n'; cat /tmp/b", timeout=15)
    head, _, body = r.stdout.partition("\n--BODY--\n")
    lines = [l.strip() for l in head.strip().splitlines()]
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else None
    headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
    return status, headers, body


def unit_props(box, unit, props):
    r = box.sh(f"systemctl show {unit} " + " ".join(f"-p {p}" for p in props), timeout=10)
    return dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)


class Load:
    def __init__(self, box, port, paths="/,/health,/static/style.css"):
        self.p = box.net_popen([sys.executable, os.path.join(HERE, "loadgen.py"), "--port", str(port), "--paths", paths])

    def stop(self):
        self.p.terminate()
        out, err = self.p.communicate(timeout=30)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"sent": 0, "failed": 1, "errors": {"loadgen": err[-500:]}, "longest_gap_seconds": None}


def load_summary(r):
    return (f"{r['sent']} requests, {r['failed']} failed, longest gap {r['longest_gap_seconds']} s"
            + (f", errors {r['errors']}" if r.get("errors") else "") + (f", versions {r.get('versions')}" if r.get("versions") else ""))


def nginx_errors(box, lines=15):
    """The last error-level lines of nginx's error log (why a request failed through it)."""
    text = box.read("/var/log/nginx/error.log")
    return "\n".join([l for l in text.splitlines() if "[error]" in l or "[crit]" in l or "[alert]" in l][-lines:])


def served_versions(box, ports):
    out = {}
    for p in ports:
        r = box.sh(f"curl -s --max-time 3 http://127.0.0.1:{p}/", timeout=10)
        m = re.search(r'<span id="version">([^<]*)</span>', r.stdout)
        out[p] = m.group(1) if m else None
    return out


# ---------------------------------------------------------------- scenarios
def boot_variant(v, tar, work, bundles, full):
    name = v["name"]
    env = env_of(v["user_data"])
    port = int(env.get("APP_NGINX_PORT", "80"))
    count, base = int(env["APP_PROCESS_COUNT"]), int(env["APP_BASE_PORT"])
    ports = list(range(base, base + count))
    health = env.get("APP_HEALTH_PATH", "/health")
    wants_signal = "/opt/aws/bin/cfn-signal" in v["user_data"]
    has_logs = "amazon-cloudwatch-agent-ctl" in v["user_data"]
    has_agent = "codedeploy-agent" in v["user_data"] and "not installed (InstallCodeDeployAgent" not in v["user_data"]
    note(f"==== {name}: {count} app process(es) on {base}..{ports[-1]}, nginx on {port}, "
         f"signal {'yes' if wants_signal else 'no'}, logs {'yes' if has_logs else 'no'}, CodeDeploy agent {'yes' if has_agent else 'no'}")
    box = Container(tar, work, "boot-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40])
    try:
        box.create()
        install_standins(box, v["user_data"])
        t_boot = box.boot()
        rc, took, started = wait_user_data(box)
        bootlog = box.read("/var/log/web-fleet-bootstrap.log")
        if not ok(f"{name}: the user data ran at boot and exited 0", rc == 0, f"exit {rc}\n{bootlog}"):
            return
        figure(name, "container up (systemd running)", f"{t_boot:.1f} s")
        figure(name, "first-boot script to ready", f"{took:.1f} s")
        ok(f"{name}: the user data ran once", len(box.read("/var/log/boot-test/user-data.runs").splitlines()) == 1)

        # The signal: success, after nginx answered the health path.
        sig = signals(box)
        if wants_signal:
            good = len(sig) == 1 and "-e" in sig[0]["args"] and sig[0]["args"][sig[0]["args"].index("-e") + 1] == "0"
            ok(f"{name}: cfn-signal sent once, with success (-e 0)", good, json.dumps(sig))
            if sig:
                a = sig[0]["args"]
                ok(f"{name}: cfn-signal names the stack, the Auto Scaling group and the region",
                   a[a.index("--stack") + 1] == v["stack"] and "--resource" in a and a[a.index("--region") + 1] == REGION, " ".join(a))
                ok(f"{name}: the signal went out only after nginx answered {health} through the app processes (placeholder: 503, X-App-Revision: none)",
                   sig[0]["health_status"] == "503" and sig[0]["revision"] == "none", json.dumps(sig[0]))
                figure(name, "first-boot script start to healthy signal", f"{sig[0]['time'] - started:.1f} s")
        else:
            ok(f"{name}: no cfn-signal (this fleet waits for none)", sig == [], json.dumps(sig))

        # IMDSv2 through the stand-in only.
        imds = [json.loads(l) for l in box.read("/var/log/boot-test/imds.log").splitlines() if l.strip()]
        ok(f"{name}: metadata read with IMDSv2 only (token first, every read with a token, none refused)",
           imds and imds[0]["method"] == "PUT" and all(e["status"] == 200 for e in imds) and all(e.get("token", True) for e in imds if e["method"] == "GET"),
           json.dumps(imds))

        # nginx, with our configuration loaded (it was already running with Debian's).
        r = box.sh("nginx -t", timeout=15)
        ok(f"{name}: nginx -t", r.returncode == 0, r.stderr)
        ok(f"{name}: nginx runs as {'www-data'} (the image's nginx user)", "user www-data;" in box.read("/etc/nginx/nginx.conf"))
        status, headers, body = http(box, health, port)
        ok(f"{name}: before any revision, {health} through nginx answers 503 'no revision deployed yet' (X-App-Revision: none) — the new configuration is loaded",
           status == 503 and headers.get("x-app-revision") == "none", f"{status} {headers} {body[:200]}")
        status, headers, _ = http(box, "/some/page", port)
        ok(f"{name}: before any revision, every path answers 503 (not a 200 placeholder)", status == 503, f"{status} {headers}")

        # The app processes under systemd, as the unprivileged user, hardened.
        for p in ports:
            props = unit_props(box, f"app@{p}.service", ["ActiveState", "User", "NoNewPrivileges", "ProtectSystem", "PrivateTmp", "MainPID", "UnitFileState", "Restart"])
            user = box.sh(f"ps -o user= -p {props.get('MainPID', '0')}", timeout=10).stdout.strip()
            ok(f"{name}: app@{p} active, enabled, as user app, NoNewPrivileges, ProtectSystem=full, PrivateTmp, Restart=always",
               props.get("ActiveState") == "active" and props.get("UnitFileState") == "enabled" and props.get("User") == "app"
               and user == "app" and props.get("NoNewPrivileges") == "yes" and props.get("ProtectSystem") == "full"
               and props.get("PrivateTmp") == "yes" and props.get("Restart") == "always", f"{props} process user={user}")

        if has_logs:
            cfg = box.read("/var/log/boot-test/cwagent-config.json")
            ok(f"{name}: the CloudWatch agent was configured with the documented fetch-config call",
               box.read("/var/log/boot-test/cwagent-ctl.log").strip().startswith("-a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/"), box.read("/var/log/boot-test/cwagent-ctl.log"))
            errors = cwagent_check.check(json.loads(cfg)) if cfg else ["no configuration given to the agent"]
            ok(f"{name}: the CloudWatch agent configuration passes the agent's schema (tools/boot-test/cwagent_check.py)", not errors, "\n".join(errors))
            ok(f"{name}: app-log-export (journal to /var/log/app/app.log) is active", box.sh("systemctl is-active app-log-export", timeout=10).stdout.strip() == "active")
            r = box.sh("logrotate -d /etc/logrotate.d/app", timeout=15)
            ok(f"{name}: logrotate accepts /etc/logrotate.d/app", r.returncode == 0 and "error" not in r.stderr.lower(), r.stderr)
        if has_agent:
            ok(f"{name}: the CodeDeploy agent service is enabled and active", box.sh("systemctl is-active codedeploy-agent && systemctl is-enabled codedeploy-agent", timeout=10).returncode == 0)

        # First revision (the CodeDeploy agent's part, played here).
        agent = Agent(box)
        succeeded, event, secs = agent.deploy(bundles["v1"], note)
        if not ok(f"{name}: first revision deployed (every hook in CodeDeploy's order)", succeeded, f"failed at {event}"):
            return
        figure(name, "first revision deployed", f"{secs:.1f} s")
        status, headers, body = http(box, health, port)
        ok(f"{name}: {health} through nginx answers 200 'ok'", status == 200 and body.strip() == "ok", f"{status} {body[:200]}")
        status, headers, body = http(box, "/static/style.css", port)
        ok(f"{name}: /static/ comes from nginx, not the app (nginx's expires header, not the app's no-store; same bytes)",
           status == 200 and "max-age=3600" in headers.get("cache-control", "") and body == open(os.path.join(REPO, "deploy/app/static/style.css")).read(),
           f"{status} {headers}")
        r = box.sh(f"for i in $(seq 1 {60 * count}); do curl -s -H 'Connection: close' http://127.0.0.1:{port}/ | "
                   "sed -n 's/.*<span id=\"port\">\\([0-9]*\\)<.*/\\1/p'; done | sort | uniq -c", timeout=120)
        dist = {int(l.split()[1]): int(l.split()[0]) for l in r.stdout.splitlines() if len(l.split()) == 2}
        figure(name, "requests per app process (nginx least_conn)", ", ".join(f"{p}: {dist.get(p, 0)}" for p in ports))
        ok(f"{name}: requests are spread over all {count} app processes", all(dist.get(p, 0) >= 20 for p in ports), str(dist))

        # kill -9 of one process under load.
        load = Load(box, port)
        time.sleep(2)
        pid = unit_props(box, f"app@{base}.service", ["MainPID"])["MainPID"]
        box.sh(f"kill -9 {pid}", timeout=5)
        t0, back = time.monotonic(), None
        while time.monotonic() - t0 < 20:
            pr = unit_props(box, f"app@{base}.service", ["MainPID", "ActiveState"])
            if pr["ActiveState"] == "active" and pr["MainPID"] not in ("0", pid):
                if box.sh(f"curl -sf -o /dev/null http://127.0.0.1:{base}{health}", timeout=5).returncode == 0:
                    back = time.monotonic() - t0
                    break
            time.sleep(0.2)
        time.sleep(1)
        res = load.stop()
        ok(f"{name}: after kill -9 of app@{base}, systemd brings it back", back is not None)
        if back is not None:
            figure(name, "kill -9 to the process answering again", f"{back:.1f} s")
        figure(name, "requests through nginx around the kill -9", load_summary(res))
        ok(f"{name}: no request through nginx failed while one process was killed", res["failed"] == 0,
           json.dumps(res) + "\nnginx error.log (last lines):\n" + nginx_errors(box))

        # An in-place deployment under load.
        load = Load(box, port)
        time.sleep(2)
        succeeded, event, secs = agent.deploy(bundles["v2"], note)
        time.sleep(2)
        res = load.stop()
        ok(f"{name}: second revision deployed under load", succeeded, f"failed at {event}")
        figure(name, "in-place deployment under load", f"{secs:.1f} s; " + load_summary(res))
        ok(f"{name}: 0 failed requests during the in-place deployment", res["failed"] == 0,
           json.dumps(res) + "\nnginx error.log (last lines):\n" + nginx_errors(box))
        vers = served_versions(box, ports)
        ok(f"{name}: every process serves the new version", set(vers.values()) == {bundles["v2_version"]}, str(vers))

        if full:
            planted_revisions(box, agent, name, port, ports, bundles)

        # Reboot: everything comes back, the first-boot script does not run again.
        box.poweroff()
        t0 = time.monotonic()
        box.boot()
        healthy = None
        while time.monotonic() - t0 < 60:
            status, _, body = http(box, health, port)
            if status == 200:
                healthy = time.monotonic() - t0
                break
            time.sleep(0.25)
        ok(f"{name}: after a reboot, {health} answers 200 through nginx", healthy is not None)
        if healthy is not None:
            figure(name, "reboot to healthy", f"{healthy:.1f} s")
        ok(f"{name}: after a reboot, the first-boot script did not run again",
           len(box.read("/var/log/boot-test/user-data.runs").splitlines()) == 1 and box.read("/var/log/web-fleet-bootstrap.log").count("bootstrap: start") == 1)
        # nginx answers as soon as one process does; systemd starts the others alongside: give them the
        # same minute, and report how long the last one took.
        while True:
            vers = served_versions(box, ports)
            if None not in vers.values() or time.monotonic() - t0 >= 60:
                break
            time.sleep(0.5)
        if None not in vers.values():
            figure(name, "reboot to every process answering", f"{time.monotonic() - t0:.1f} s")
        ok(f"{name}: after a reboot, every process serves the last good version", set(vers.values()) == {bundles["v2_version"]},
           str(vers) + "\n" + box.sh("systemctl --no-pager --plain list-units 'app@*' 2>&1; journalctl --no-pager -b -u 'app@*' | tail -20", timeout=20).stdout)
    except Exception as e:  # noqa: BLE001 - a harness failure is a failed check, with its reason
        ok(f"{name}: boot test ran to the end", False, f"{type(e).__name__}: {e}")
    finally:
        box.destroy()


def planted_revisions(box, agent, name, port, ports, bundles):
    # A revision whose app never answers: ApplicationStart stops at the first process and goes back.
    load = Load(box, port)
    time.sleep(1)
    succeeded, event, secs = agent.deploy(bundles["crash"], note)
    res = load.stop()
    ok(f"{name}: a revision whose app crashes fails the deployment in ApplicationStart", not succeeded and event == "ApplicationStart", f"{succeeded} {event}")
    figure(name, "crashing revision: deployment to failure", f"{secs:.1f} s; " + load_summary(res))
    # nginx's passive checks route around the crash-looping process; a request can still meet both
    # processes marked failed at once ("no live upstreams"): bounded here, reported in the figures.
    ok(f"{name}: at most 0.1 % failed requests while the crashing revision was tried and rolled back", res["failed"] <= res["sent"] / 1000,
       json.dumps(res) + "\nnginx error.log (last lines):\n" + nginx_errors(box))
    vers = served_versions(box, ports)
    ok(f"{name}: after it, every process serves the previous version", set(vers.values()) == {bundles["v2_version"]}, str(vers))

    # A revision whose ValidateService fails (no static/style.css).
    load = Load(box, port, paths="/,/health")
    time.sleep(1)
    succeeded, event, secs = agent.deploy(bundles["invalid"], note)
    res = load.stop()
    ok(f"{name}: a revision that fails ValidateService fails the deployment", not succeeded and event == "ValidateService", f"{succeeded} {event}")
    figure(name, "revision failing ValidateService: deployment to failure", f"{secs:.1f} s; app paths: " + load_summary(res))
    ok(f"{name}: at most 0.1 % failed app requests (/, /health) while it was validated and rolled back", res["failed"] <= res["sent"] / 1000, json.dumps(res))
    vers = served_versions(box, ports)
    ok(f"{name}: after it, every process serves the previous version", set(vers.values()) == {bundles["v2_version"]}, str(vers))
    status, _, body = http(box, "/static/style.css", port)
    ok(f"{name}: after it, nginx serves the previous version's static files", status == 200, f"{status}")


def never_healthy(v, tar, work):
    name = v["name"] + " (planted: an app that never becomes healthy)"
    box = Container(tar, work, "boot-never-healthy")
    try:
        box.create()
        install_standins(box, v["user_data"], plant_broken_app=True)
        # The first-boot script runs for a minute before it fails: boot is still "starting" meanwhile.
        box.boot(settled=False)
        rc, took, started = wait_user_data(box, timeout=240)
        ok(f"{name}: the first-boot script fails", rc not in (None, 0), f"exit {rc}")
        sig = signals(box)
        a = sig[0]["args"] if sig else []
        failed = len(sig) == 1 and "-e" in a and a[a.index("-e") + 1] != "0"
        ok(f"{name}: cfn-signal sent once, with failure", failed, json.dumps(sig))
        if sig:
            secs = sig[0]["time"] - started
            figure(name, "first-boot script start to failure signal", f"{secs:.1f} s")
            ok(f"{name}: the failure signal goes out within about a minute (not after the signal timeout)", secs <= 90, f"{secs:.1f} s")
        ok(f"{name}: the bootstrap log says why", "did not answer" in box.read("/var/log/web-fleet-bootstrap.log"), box.read("/var/log/web-fleet-bootstrap.log")[-2000:])
    except Exception as e:  # noqa: BLE001
        ok(f"{name}: ran to the end", False, f"{type(e).__name__}: {e}")
    finally:
        box.destroy()


# ---------------------------------------------------------------- golden image (docs/golden-images.md)
GOLDEN_SOURCE = "boot-test image step"
# Stand-ins that record every call of a package manager, first on the user-data unit's PATH
# (systemd's default puts /usr/local/sbin before /usr/bin); installed after the image step.
RECORDER = """#!/bin/sh
echo "$(basename "$0") $*" >> /var/log/boot-test/package-manager.calls
exec "/usr/bin/$(basename "$0")" "$@"
"""
RECORDED = ("apt-get", "apt", "dpkg")


def image_step(box, script):
    """The image pipeline's build step: install.sh --golden run inside the root filesystem (chroot, no boot),
    with the same stand-in agents every boot here has. Returns (exit code, output, seconds)."""
    box.write("/var/tmp/image-build/install.sh", script, 0o755)
    t0 = time.monotonic()
    r = Container.run(["chroot", box.root, "/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "/bin/bash", "/var/tmp/image-build/install.sh", "--golden", GOLDEN_SOURCE], timeout=300)
    took = time.monotonic() - t0
    os.remove(box.path("/var/tmp/image-build/install.sh"))
    return r.returncode, r.stdout + r.stderr, took


def first_boot(v, tar, work, golden, name_suffix=""):
    """Boots a fresh server of fleet v (after the image step when golden); returns (box, facts). The caller destroys box."""
    box = Container(tar, work, ("golden-" if golden else "plain-") + re.sub(r"[^a-z0-9]+", "-", v["name"].lower()).strip("-")[:30] + name_suffix)
    box.create()
    install_standins(box, v["user_data"])
    facts = {}
    if golden:
        facts["image_rc"], facts["image_out"], facts["image_seconds"] = image_step(box, install_script())
        for tool in RECORDED:
            box.write(f"/usr/local/sbin/{tool}", RECORDER, 0o755)
        facts["dpkg_status"] = box.read("/var/lib/dpkg/status")
        facts["dpkg_log"] = box.read("/var/log/dpkg.log")
    t0 = time.time()
    facts["boot_seconds"] = box.boot()
    facts["rc"], facts["script_seconds"], facts["started"] = wait_user_data(box)
    sig = signals(box)
    facts["boot_to_healthy"] = (sig[0]["time"] - t0) if sig else None
    facts["script_to_healthy"] = (sig[0]["time"] - facts["started"]) if sig and facts["started"] else None
    return box, facts


def golden_image(v, tar, work, bundles):
    """A server of fleet v booted from a root filesystem prepared by install.sh --golden: it installs nothing."""
    name = v["name"] + " (golden image)"
    box = None
    try:
        carried = carried_install_script(v["user_data"])
        ok(f"{name}: the user data carries the same install.sh the image step runs", carried == install_script(),
           "the user data's install.sh differs from tools/server-files/render.py install.sh")
        box, facts = first_boot(v, tar, work, golden=True)
        marker = box.read("/etc/infra/golden-image")
        if not ok(f"{name}: image step: install.sh --golden exits 0 and writes /etc/infra/golden-image (source, built, install_sha256)",
                  facts["image_rc"] == 0 and marker.startswith(f"source={GOLDEN_SOURCE}\nbuilt=") and "\ninstall_sha256=" in marker,
                  f"exit {facts['image_rc']}\n{facts['image_out']}\n{marker}"):
            return
        figure(name, "image step (install.sh --golden in the root filesystem)", f"{facts['image_seconds']:.1f} s")
        bootlog = box.read("/var/log/web-fleet-bootstrap.log")
        if not ok(f"{name}: the user data ran at boot and exited 0", facts["rc"] == 0, f"exit {facts['rc']}\n{bootlog}"):
            return
        ok(f"{name}: the bootstrap log says: golden image ({GOLDEN_SOURCE}, built ...): installing nothing",
           re.search(rf"^bootstrap: golden image \({re.escape(GOLDEN_SOURCE)}, built \d{{4}}-\d\d-\d\dT[\d:]+Z\): installing nothing$", bootlog, re.M) is not None, bootlog)
        ok(f"{name}: install.sh did not run at boot (no 'install:' line in the bootstrap log)", "\ninstall: " not in "\n" + bootlog, bootlog)
        calls = box.read("/var/log/boot-test/package-manager.calls")
        ok(f"{name}: no package manager ran at boot (recorders of {', '.join(RECORDED)} on PATH: no call)", calls == "", calls)
        ok(f"{name}: dpkg's status and log are unchanged by the boot",
           box.read("/var/lib/dpkg/status") == facts["dpkg_status"] and box.read("/var/log/dpkg.log") == facts["dpkg_log"])
        sig = signals(box)
        if "/opt/aws/bin/cfn-signal" in v["user_data"]:
            good = len(sig) == 1 and sig[0]["args"][sig[0]["args"].index("-e") + 1] == "0" and sig[0]["health_status"] == "503" and sig[0]["revision"] == "none"
            ok(f"{name}: healthy signal sent once, with success, after nginx answered through the app processes", good, json.dumps(sig))
        if facts["script_to_healthy"] is not None:
            figure(name, "first-boot script start to healthy signal", f"{facts['script_to_healthy']:.1f} s")
            figure(name, "boot (systemd-nspawn start) to healthy signal", f"{facts['boot_to_healthy']:.1f} s")
        env = env_of(v["user_data"])
        port, health = int(env.get("APP_NGINX_PORT", "80")), env.get("APP_HEALTH_PATH", "/health")
        ports = list(range(int(env["APP_BASE_PORT"]), int(env["APP_BASE_PORT"]) + int(env["APP_PROCESS_COUNT"])))
        states = {p: unit_props(box, f"app@{p}.service", ["ActiveState", "UnitFileState"]) for p in ports}
        ok(f"{name}: configured all the same: every app process active and enabled, nginx -t, the fleet's app.env",
           all(st.get("ActiveState") == "active" and st.get("UnitFileState") == "enabled" for st in states.values())
           and box.sh("nginx -t", timeout=15).returncode == 0 and f"APP_PROCESS_COUNT={len(ports)}" in box.read("/etc/app/app.env"), str(states))
        succeeded, event, secs = Agent(box).deploy(bundles["v1"], note)
        status, _, body = http(box, health, port)
        ok(f"{name}: a first revision deploys and {health} answers 200 through nginx", succeeded and status == 200, f"{event} {status} {body[:200]}")
    except Exception as e:  # noqa: BLE001
        ok(f"{name}: ran to the end", False, f"{type(e).__name__}: {e}")
    finally:
        if box:
            box.destroy()


def golden_timing(v, tar, work, runs):
    """Boot-to-healthy of fleet v, plain image against golden, alternating, `runs` each; prints the medians."""
    times = {False: [], True: []}
    for i in range(runs):
        for golden in (False, True):
            box = None
            try:
                box, facts = first_boot(v, tar, work, golden, name_suffix=f"-{i}")
                if facts["rc"] == 0 and facts["boot_to_healthy"] is not None:
                    times[golden].append((facts["boot_to_healthy"], facts["script_to_healthy"]))
                note(f"timing run {i + 1} {'golden' if golden else 'plain'}: exit {facts['rc']}, boot to healthy "
                     f"{facts['boot_to_healthy']}, script to healthy {facts['script_to_healthy']}")
            finally:
                if box:
                    box.destroy()
    for golden in (False, True):
        t = times[golden]
        label = "golden image" if golden else "plain image (install.sh runs)"
        ok(f"{v['name']}: {label}: {runs} timed boots reached healthy", len(t) == runs, str(t))
        if t:
            figure(v["name"], f"{label}: boot to healthy, median of {len(t)}", f"{statistics.median(x[0] for x in t):.2f} s "
                   f"(each: {', '.join(f'{x[0]:.2f}' for x in t)}); first-boot script to healthy median {statistics.median(x[1] for x in t):.2f} s")


def build_bundles(work):
    out = {}
    pkg = os.path.join(REPO, "deploy/scripts/package-revision")
    for key, version in (("v1", "1.0.0-boot"), ("v2", "2.0.0-boot")):
        out[key] = os.path.join(work, f"{key}.zip")
        subprocess.run([pkg, "--output", out[key], "--version", version], check=True, capture_output=True)
    out["v2_version"] = "2.0.0-boot"
    # Planted bad revisions: built from a copy of deploy/ with one thing broken.
    for key, version, breakage in (("crash", "3.0.0-crash", "crash"), ("invalid", "4.0.0-invalid", "nostatic")):
        src = os.path.join(work, f"deploy-{key}")
        subprocess.run(["cp", "-a", os.path.join(REPO, "deploy"), src], check=True)
        if breakage == "crash":
            with open(os.path.join(src, "app/start"), "w") as f:
                f.write("#!/usr/bin/env bash\necho 'planted: this revision crashes at start' >&2\nexit 1\n")
        else:
            os.remove(os.path.join(src, "app/static/style.css"))
        out[key] = os.path.join(work, f"{key}.zip")
        subprocess.run([os.path.join(src, "scripts/package-revision"), "--output", out[key], "--version", version], check=True, capture_output=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rootfs", required=True)
    ap.add_argument("--cdk-out", default=os.path.join(REPO, "cdk.out"))
    ap.add_argument("--only", help="run only variants whose name contains this")
    ap.add_argument("--no-planted", action="store_true", help="skip the planted failures (for a quick local run; CI runs them)")
    ap.add_argument("--no-golden", action="store_true", help="skip the golden-image boot")
    ap.add_argument("--golden-timing", type=int, default=0, metavar="N",
                    help="also boot the first fleet N times from a plain and N times from a golden image and print the median boot-to-healthy")
    a = ap.parse_args()
    variants = fleet_user_data(a.cdk_out)
    if a.only:
        variants = [v for v in variants if a.only in v["name"]]
    ok(f"found {len(variants)} distinct fleet user data in {os.path.relpath(a.cdk_out, REPO)}: {', '.join(v['name'] for v in variants)}", len(variants) > 0)
    with tempfile.TemporaryDirectory(prefix="boot-test-", dir="/var/tmp") as work:
        bundles = build_bundles(work)
        note("user-data lines not run for real (the same in every variant that has them):")
        listed = set()
        for v in variants:
            for line, why in not_run_for_real(v["user_data"]):
                key = re.sub(r"--(stack|resource) \S+", r"--\1 ...", line)
                if key not in listed:
                    listed.add(key)
                    note(f"  {key[:150]}  <- {why}")
        for i, v in enumerate(variants):
            boot_variant(v, a.rootfs, work, bundles, full=(i == 0 and not a.no_planted))
        if variants and not a.no_planted:
            never_healthy(variants[0], a.rootfs, work)
        if variants and not a.no_golden:
            golden_image(variants[0], a.rootfs, work, bundles)
        if variants and a.golden_timing > 0:
            golden_timing(variants[0], a.rootfs, work, a.golden_timing)
    note("figures:")
    for variant, what, value in FIGURES:
        note(f"  {variant} | {what} | {value}")
    print(f"{PASSED} passed, {FAILED} failed")
    return 0 if FAILED == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
