#!/usr/bin/env python3
"""measure.py [--cwd DIR] [--env K=V ...] [--log FILE] -- CMD...

Runs CMD once and prints one JSON object on stdout:
  wall_s       wall-clock seconds from fork to exit
  maxrss_mb    peak resident memory of the largest single process of the tree
               (getrusage(RUSAGE_CHILDREN).ru_maxrss, what `/usr/bin/time -v` reports)
  tree_mb      peak of the summed resident memory of the whole process tree (dotnet + node + ...),
               sampled from /proc every 20 ms
  marks        {phase: ms since fork} from "[timings] PHASE UNIX-MS" lines on stderr
               (bench/ref-app/Program.cs with INFRA_BENCH_TIMINGS=1)
  rc           exit code
The command's stdout and stderr go to --log (default: discarded, but the last 40 lines are
printed to stderr when it fails).
"""
import json, os, resource, subprocess, sys, tempfile, threading, time

PAGE = os.sysconf("SC_PAGE_SIZE")


def children_of():
    kids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(pid))
    return kids


def tree_rss(root):
    kids, total, todo = children_of(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(kids.get(pid, []))
    return total


def main(argv):
    cwd, env, log = None, dict(os.environ), None
    while argv and argv[0] != "--":
        opt = argv.pop(0)
        if opt == "--cwd":
            cwd = argv.pop(0)
        elif opt == "--env":
            k, v = argv.pop(0).split("=", 1)
            env[k] = v
        elif opt == "--log":
            log = argv.pop(0)
        else:
            sys.exit(f"measure.py: unknown option {opt}")
    cmd = argv[1:]
    out = open(log, "w") if log else tempfile.TemporaryFile("w+")
    err = tempfile.TemporaryFile("w+")
    start_unix = time.time() * 1000
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    rc = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    t.join()
    err.seek(0)
    errtext = err.read()
    out.write(errtext)
    marks = {}
    for line in errtext.splitlines():
        if line.startswith("[timings] "):
            _, phase, ms = line.split()
            marks[phase] = round(float(ms) - start_unix, 1)
    if rc != 0:
        out.flush()
        out.seek(0) if not log else None
        text = open(log).read() if log else out.read()
        sys.stderr.write("".join(text.splitlines(True)[-40:]))
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall_s": round(wall, 3), "maxrss_mb": round(maxrss), "tree_mb": round(peak[0] / 2**20),
                      "marks": marks, "rc": rc}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
