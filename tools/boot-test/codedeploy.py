"""Plays the CodeDeploy agent's part for an in-place deployment on one booted container: the
bundle's hooks run in the agent's order (ApplicationStop from the last successful revision,
DownloadBundle, BeforeInstall, Install, AfterInstall, ApplicationStart, ValidateService), as
root, with the environment variables the agent sets and each hook's timeout from the AppSpec.
What the agent does in AWS (polling CodeDeploy, downloading from S3) is the only part not run."""
import json
import os
import shutil
import time

import yaml

ORDER = ["ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall", "ApplicationStart", "ValidateService"]
ROOT = "/opt/codedeploy-agent/deployment-root"


class Agent:
    def __init__(self, box, application="boot-test-app", group="boot-test-group"):
        self.box = box
        self.application = application
        self.group = group
        self.group_id = "4a0b7e57-0000-4000-8000-000000000001"
        self.last_successful = None  # archive path inside the container
        self.count = 0

    def deploy(self, bundle_zip, log):
        """Returns (succeeded, failed_event, seconds)."""
        self.count += 1
        dep = f"d-BOOTTEST{self.count:04d}"
        base = f"{ROOT}/{self.group_id}/{dep}"
        archive = f"{base}/deployment-archive"
        host_base = self.box.path(base)
        os.makedirs(host_base, exist_ok=True)
        shutil.copy(bundle_zip, os.path.join(host_base, "bundle.zip"))
        env = {
            "LIFECYCLE_EVENT": "", "DEPLOYMENT_ID": dep, "APPLICATION_NAME": self.application,
            "DEPLOYMENT_GROUP_NAME": self.group, "DEPLOYMENT_GROUP_ID": self.group_id,
        }
        t0 = time.monotonic()
        for event in ORDER:
            if event == "DownloadBundle":
                r = self.box.sh(f"mkdir -p {archive} && unzip -q -o {base}/bundle.zip -d {archive}", timeout=60)
                log(f"  {event}: unzip -> {r.returncode}")
                if r.returncode != 0:
                    return False, event, time.monotonic() - t0
                continue
            if event == "Install":
                spec = yaml.safe_load(open(self.box.path(f"{archive}/appspec.yml"), encoding="utf-8"))
                plan = {"archive": archive, "files": spec.get("files", []), "permissions": spec.get("permissions", []),
                        "file_exists_behavior": spec.get("file_exists_behavior", "DISALLOW")}
                r = self.box.sh("/usr/local/lib/boot-test/install-files", timeout=120, input=json.dumps(plan))
                log(f"  {event}: {r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ''} -> {r.returncode}")
                if r.returncode != 0:
                    log(r.stdout + r.stderr)
                    return False, event, time.monotonic() - t0
                continue
            source = self.last_successful if event == "ApplicationStop" else archive
            if event == "ApplicationStop" and source is None:
                log(f"  {event}: skipped (first deployment on this instance)")
                continue
            spec = yaml.safe_load(open(self.box.path(f"{source}/appspec.yml"), encoding="utf-8"))
            for hook in (spec.get("hooks") or {}).get(event) or []:
                env["LIFECYCLE_EVENT"] = event
                exports = " ".join(f"{k}={v}" for k, v in env.items())
                cmd = f"cd {ROOT} && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root {exports} {source}/{hook['location']}"
                started = time.monotonic()
                r = self.box.sh(cmd, timeout=int(hook.get("timeout", 3600)))
                tail = (r.stdout + r.stderr).strip().splitlines()
                log(f"  {event}: {hook['location']} -> exit {r.returncode} in {time.monotonic() - started:.1f} s; {tail[-1] if tail else ''}")
                if r.returncode != 0:
                    for line in tail[-12:]:
                        log(f"    | {line}")
                    return False, event, time.monotonic() - t0
        self.last_successful = archive
        return True, None, time.monotonic() - t0
