"""Helpers of tools/consumer-test/run, one subcommand each:

    python3 helpers.py block DOCS NAME
        prints the docs' fenced block after "<!-- consumer-test: NAME -->"
    LINES=... python3 helpers.py add-lines CSPROJ
        inserts $LINES before the project file's closing </Project>
    python3 helpers.py has-types TEMPLATE TYPE[=MIN_COUNT]...
        the template has at least MIN_COUNT (default 1) resources of each TYPE; prints what is missing
"""
import collections
import json
import os
import re
import sys


def block(docs, name):
    text = open(docs, encoding="utf-8").read()
    m = re.search(r"<!-- consumer-test: " + re.escape(name) + r" -->\n```[a-z]*\n(.*?)\n```\n", text, re.S)
    if not m: sys.exit(f"     no block after <!-- consumer-test: {name} --> in {docs}")
    print(m.group(1))


def add_lines(path):
    lines = os.environ["LINES"]
    text = open(path, encoding="utf-8-sig").read()
    at = text.rindex("</Project>")
    open(path, "w", encoding="utf-8").write(text[:at] + lines + "\n\n" + text[at:])


def has_types(path, *wanted):
    try:
        counts = collections.Counter(r["Type"] for r in json.load(open(path))["Resources"].values())
    except OSError as e:
        sys.exit(f"     {e}")
    need = {w.split("=")[0]: int((w.split("=") + ["1"])[1]) for w in wanted}
    missing = [f"{t} (at least {n}, found {counts[t]})" for t, n in need.items() if counts[t] < n]
    for m in missing: print(f"     missing {m} in {path.rsplit('/', 1)[-1]}")
    sys.exit(1 if missing else 0)


COMMANDS = {"block": block, "add-lines": add_lines, "has-types": has_types}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
