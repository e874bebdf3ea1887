#!/usr/bin/env python3
"""Renders a server file of src/Infra.Constructs/Compute/ServerFiles/ the way the library does
(ServerFiles.Render in ServerFiles.cs; the syntax is in ServerFiles/README.md), for the checks
outside .NET: deploy/test/run (nginx -t, the hooks' contract) and tools/boot-test's tests.

  python3 tools/server-files/render.py nginx.conf.template INSTANCE_PORT=80 HEALTH_PATH=/health --ports 8001,8002
  python3 tools/server-files/render.py app@.service
  python3 tools/server-files/render.py install.sh        (its @include lines replaced)

Prints the text with its final newline. Exit 1 on a placeholder without a value."""
import json
import os
import re
import sys

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Infra.Constructs", "Compute", "ServerFiles")
PLACEHOLDER = re.compile(r"\{\{([A-Z][A-Z0-9_]*)\}\}")
APP_PORT = "APP_PORT"


def read(name):
    """The file as stored, without its final newline (as ServerFiles.Read)."""
    with open(os.path.join(DIR, name), encoding="utf-8", newline="") as f:
        text = f.read().replace("\r\n", "\n")
    return text[:-1] if text.endswith("\n") else text


INCLUDE = "@include "


def install_script():
    """install.sh as a server runs it: each "@include FILE" line replaced by that file (ServerFiles.InstallScript)."""
    return "\n".join(read(line[len(INCLUDE):].strip()) if line.startswith(INCLUDE) else line
                     for line in read("install.sh").split("\n"))


def render(name, values, ports=()):
    """The template with values in place of {{NAME}}; a line holding {{APP_PORT}} once per port."""
    if name == "install.sh":
        return install_script()
    as_json = name.endswith(".json.template")

    def substitute(line, vals):
        def one(m):
            if m.group(1) not in vals:
                raise KeyError(f"{name}: no value for the placeholder {{{{{m.group(1)}}}}}")
            value = str(vals[m.group(1)])
            return json.dumps(value, ensure_ascii=False)[1:-1] if as_json else value
        return PLACEHOLDER.sub(one, line)

    out = []
    for line in read(name).split("\n"):
        if "{{" + APP_PORT + "}}" not in line:
            out.append(substitute(line, values))
            continue
        if not ports:
            raise KeyError(f"{name}: a line holds {{{{{APP_PORT}}}}} but no app ports were given")
        out.extend(substitute(line, {**values, APP_PORT: port}) for port in ports)
    return "\n".join(out)


def main(argv):
    args, ports = [], []
    it = iter(argv)
    for a in it:
        if a == "--ports":
            ports = [int(p) for p in next(it).split(",") if p]
        else:
            args.append(a)
    if not args:
        sys.exit(__doc__)
    values = dict(a.split("=", 1) for a in args[1:])
    try:
        sys.stdout.write(render(args[0], values, ports) + "\n")
    except KeyError as e:
        sys.exit(str(e.args[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
