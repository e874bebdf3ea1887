"""Helpers of bench/run, one subcommand each (each prints one JSON row of the results file):

    python3 rows.py synth SECTION LABEL LOAD PERF_FILE OUT_DIR MEASURED_JSON
        a synthesis run: the measured row, the jsii perf counters and the number of templates
    python3 rows.py plain SECTION LABEL LOAD LOG_FILE MEASURED_JSON
        any command: the measured row, its "N passed, N failed" totals and, for tools/pr-diff,
        how many syntheses it ran
    python3 rows.py write-doc DOC REPORT
        replaces the text between <!-- bench:begin --> and <!-- bench:end --> of DOC with REPORT
"""
import glob
import json
import os
import re
import sys


def synth(section, label, load, perf, out, measured):
    row = json.loads(measured)
    row.update(section=section, label=label, load=float(load))
    if os.path.exists(perf):
        row["perf"] = json.load(open(perf))["counters"]
    row["templates"] = len(glob.glob(os.path.join(out, "*.template.json")))
    print(json.dumps(row))


def plain(section, label, load, logf, measured):
    row = json.loads(measured)
    row.update(section=section, label=label, load=float(load))
    text = open(logf, errors="replace").read()
    totals = re.findall(r"^(\d+ passed, \d+ failed.*)$", text, re.M)
    if totals: row["totals"] = totals[-1]
    dotnet = re.findall(r"(Passed!|Failed!)\s+- Failed:\s+(\d+), Passed:\s+(\d+).*?- (\S+\.dll)", text)
    if dotnet: row["totals"] = ", ".join(f"{d}: {p} passed, {f} failed" for _, f, p, d in dotnet)
    m = re.search(r"one synthesis serves both", text)
    row["pr_synths"] = 1 if m else (2 if "synth base:" in text else None)
    print(json.dumps(row))


def write_doc(doc, report_file):
    report = open(report_file).read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    text = open(doc).read()
    a, b = text.index(begin) + len(begin), text.index(end)
    open(doc, "w").write(text[:a] + "\n" + report.rstrip() + "\n" + text[b:])


COMMANDS = {"synth": synth, "plain": plain, "write-doc": write_doc}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
