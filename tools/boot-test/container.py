"""One throw-away Debian container booted with a real systemd as PID 1 (systemd-nspawn, private
network: loopback only). Commands run inside with nsenter, as machinectl cannot work without
systemd on the host."""
import os
import shutil
import signal
import subprocess
import time


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class Container:
    def __init__(self, rootfs_tar, workdir, name):
        self.name = name
        self.root = os.path.join(workdir, name)
        self.tar = rootfs_tar
        self.proc = None
        self.leader = None
        self.console = os.path.join(workdir, f"{name}.console.log")

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def create(self):
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        subprocess.run(["tar", "-C", self.root, "-xf", self.tar], check=True)

    def write(self, inside, text, mode=0o644):
        p = self.path(inside)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(p, mode)

    def read(self, inside, default=""):
        try:
            with open(self.path(inside), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return default

    def boot(self, timeout=60, settled=True):
        """Boots; returns seconds until systemd says the system is up (running or degraded), or, when
        not settled, until systemd answers at all (a boot whose units still run is "starting")."""
        t0 = time.monotonic()
        log = open(self.console, "a", encoding="utf-8")
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "-D", self.root, "--boot", "--private-network", "--register=no",
             "--keep-unit", "--console=read-only", f"--machine={self.name}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = t0 + timeout
        while time.monotonic() < deadline and self.leader is None:
            if self.proc.poll() is not None:
                raise RuntimeError(f"systemd-nspawn exited with {self.proc.returncode}; see {self.console}")
            for child in _children(self.proc.pid):
                if _comm(child) == "systemd":
                    self.leader = child
            time.sleep(0.05)
        if self.leader is None:
            raise RuntimeError(f"no systemd inside the container after {timeout} s; see {self.console}")
        # systemd is PID 1 before its bus answers: ask until it gives a state.
        state = ""
        while time.monotonic() < deadline:
            wait = "--wait" if settled else ""
            r = self.sh(f"systemctl is-system-running {wait}", timeout=max(5, deadline - time.monotonic()))
            state = r.stdout.strip()
            if state and (settled or state != "initializing"):
                break
            time.sleep(0.2)
        if state not in (("running", "degraded") if settled else ("running", "degraded", "starting")):
            raise RuntimeError(f"the container's systemd is '{state}' after boot")
        return time.monotonic() - t0

    def sh(self, command, timeout=60, input=None):
        """Runs a shell command in every namespace of the container (its files, its loopback)."""
        return self.run(["nsenter", "-t", str(self.leader), "-a", "--", "/bin/sh", "-c", command], timeout, input)

    def net(self, argv, timeout=60):
        """Runs a host program in the container's network namespace only (its loopback)."""
        return self.run(["nsenter", "-t", str(self.leader), "-n", "--"] + argv, timeout)

    def net_popen(self, argv):
        return subprocess.Popen(["nsenter", "-t", str(self.leader), "-n", "--"] + argv,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @staticmethod
    def run(argv, timeout, input=None):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input)
            return Result(p.returncode, p.stdout, p.stderr)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            return Result(124, out, f"timed out after {timeout} s")

    def poweroff(self, timeout=30):
        if self.proc is None:
            return
        if self.proc.poll() is None and self.leader:
            self.sh("systemctl poweroff", timeout=10)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc, self.leader = None, None

    def destroy(self):
        try:
            self.poweroff()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="utf-8") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""
