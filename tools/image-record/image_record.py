#!/usr/bin/env python3
"""tools/images: record the server image of a fleet color per region (docs/images.md).

The reference app reads src/Infra.App/Config/images.json: environment -> color -> region -> AMI id.
A fleet with a record never changes image by itself; a new image is this file changing in a pull
request, which tools/pr-diff shows as the launch template of that color changing (its servers are
replaced at the next deploy). Commands:

  tools/images show                                   the record
  tools/images update --env prod --color green --region eu-west-1 [--region us-east-1] [--arch arm64]
                                                      look up the newest public Amazon Linux 2023 image
                                                      (SSM parameter) and record it for that color
  tools/images set --env prod --color green --region eu-west-1 --ami ami-...
                                                      record a given image (a golden image of your own)
  tools/images golden --env prod --color green --region eu-west-1 [--pipeline web] [--arch x86_64]
                      [--parameter NAME] [--allow-live]
                                                      record the newest image an image pipeline recorded in
                                                      its SSM parameter (default /infra/golden-image/PIPELINE/ARCH);
                                                      refuses the live color(s) unless --allow-live
  tools/images check [--env prod]                     exit 1 when a color has no record (deploy gate)

Credentials and region come from the usual AWS settings; AWS_ENDPOINT_URL points at another endpoint
(the tests use moto_server on loopback). IMAGES_FILE overrides the record's path.
"""
import argparse
import datetime
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_FILE = os.path.join(REPO, "src", "Infra.App", "Config", "images.json")
PARAMETERS = {
    "x86_64": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    "arm64": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
}
AMI = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")
COLORS = ("blue", "green")
ENVIRONMENTS_CS = os.path.join(REPO, "src", "Infra.App", "Config", "Environments.cs")
# Where an image pipeline records its newest image id, one parameter per pipeline and architecture
# (docs/golden-images.md); --parameter names another.
GOLDEN_PARAMETER = "/infra/golden-image/{pipeline}/{arch}"
PIPELINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def fail(message):
    print(f"images: {message}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        fail(f"{path} does not exist")
    except json.JSONDecodeError as e:
        fail(f"{path} is not valid JSON: {e}")


def save(path, record):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)


def color_of(record, env, color):
    envs = record.setdefault("environments", {})
    if env not in envs:
        fail(f"no environment '{env}' in the record (known: {', '.join(envs) or 'none'})")
    return envs[env].setdefault(color, {})


def ami_of(entry):
    return entry if isinstance(entry, str) else (entry or {}).get("ami")


def record_one(record, env, color, region, ami, source):
    regions = color_of(record, env, color)
    old = ami_of(regions.get(region))
    regions[region] = {"ami": ami, "source": source, "recorded": datetime.date.today().isoformat()}
    # Keep the file stable for review: regions in order.
    record["environments"][env][color] = dict(sorted(regions.items()))
    if old == ami:
        print(f"{env}/{color} {region}: {ami} (unchanged)")
    else:
        print(f"{env}/{color} {region}: {old or '(none: followed the latest)'} -> {ami}: "
              f"replaces the servers of {env} {color} at its next deploy")


def image_parameter(region, parameter):
    """The AMI id an SSM parameter holds in region (the public latest image, or a pipeline's newest); fails otherwise."""
    import boto3  # only the commands that read a parameter talk to AWS
    ssm = boto3.client("ssm", region_name=region)
    try:
        value = ssm.get_parameter(Name=parameter)["Parameter"]["Value"]
    except Exception as e:  # noqa: BLE001 - the message names the region and the parameter
        fail(f"could not read {parameter} in {region}: {e}")
    if not AMI.match(value):
        fail(f"{parameter} in {region} is '{value}', not an AMI id")
    return value


def cmd_update(a, record):
    parameter = PARAMETERS[a.arch]
    for region in a.region:
        record_one(record, a.env, a.color, region, image_parameter(region, parameter), f"ssm:{parameter}")


def live_colors(env, path=None):
    """The colors of env that take traffic, read from the environment's settings (Environments.cs, their one
    source): the active color, and the other one too while a canary sends it a share. Fails rather than guess."""
    path = path or os.environ.get("ENVIRONMENTS_FILE") or ENVIRONMENTS_CS
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        fail(f"cannot read the environments' settings ({path}): {e}")
    # Each environment is a "new() { Name = \"...\", ... };" block; its traffic plan is one line of it.
    blocks = re.split(r"\bnew\(\)\s*\{", text)[1:]
    found = [b for b in blocks if re.search(rf'^\s*Name\s*=\s*"{re.escape(env)}"\s*,', b, re.M)]
    if len(found) != 1:
        fail(f"cannot tell the live color of '{env}': {len(found)} settings blocks named \"{env}\" in {path}")
    plan = re.search(r"Traffic\s*=\s*new\s+TrafficPlan\s*\{[^}]*?ActiveColor\s*=\s*TrafficColor\.(Blue|Green)\b[^}]*\}", found[0])
    if plan is None:
        fail(f"cannot tell the live color of '{env}': no 'Traffic = new TrafficPlan {{ ActiveColor = TrafficColor.X ... }}' in {path}")
    active = plan.group(1).lower()
    canary = re.search(r"CanaryPercent\s*=\s*(\d+)", plan.group(0))
    if canary is None:
        fail(f"cannot tell the live color of '{env}': its TrafficPlan in {path} names no CanaryPercent")
    return [active] if int(canary.group(1)) == 0 else [active, "green" if active == "blue" else "blue"]


def cmd_golden(a, record):
    # The environment's record names its pipeline (the app builds that one); --pipeline overrides.
    a.pipeline = a.pipeline or record.get("environments", {}).get(a.env, {}).get("pipeline") or "web"
    live = live_colors(a.env)
    print(f"{a.env}: live color{'s' if len(live) > 1 else ''}: {', '.join(live)} (src/Infra.App/Config/Environments.cs)")
    if a.color in live and not a.allow_live:
        fail(f"{a.env} {a.color} takes traffic: a new image replaces its servers at the next deploy. Record it for the idle "
             f"color, flip, then record the other (docs/golden-images.md), or pass --allow-live to replace the live "
             f"servers (an instance refresh); nothing was written")
    if a.color in live:
        print(f"images: --allow-live: writing the LIVE color {a.env} {a.color}")
    parameter = a.parameter or GOLDEN_PARAMETER.format(pipeline=a.pipeline, arch=a.arch)
    for region in a.region:
        record_one(record, a.env, a.color, region, image_parameter(region, parameter), f"pipeline {a.pipeline} (ssm:{parameter})")


def cmd_set(a, record):
    if not AMI.match(a.ami):
        fail(f"'{a.ami}' is not an AMI id (ami- and 8 or 17 hex digits)")
    for region in a.region:
        record_one(record, a.env, a.color, region, a.ami, "given")


def cmd_check(a, record):
    missing = []
    first_steps = []
    for env, colors in record.get("environments", {}).items():
        if a.env and env != a.env:
            continue
        absent = [color for color in COLORS if not colors.get(color)]
        missing += [f"{env}/{color}" for color in absent]
        # An environment that names its image pipeline (the app adds its {Env}-Images stack) starts from a build.
        pipeline = colors.get("pipeline")
        if absent and pipeline:
            try:
                live = live_colors(env)
            except SystemExit:
                live = []
            records = "; ".join(
                f"tools/images golden --env {env} --color {color} --region REGION --pipeline {pipeline}"
                + (" --allow-live (it takes traffic: only before the first deploy, or as an instance refresh)" if color in live else "")
                for color in sorted(absent, key=lambda c: c in live))
            first_steps.append(
                f"{env} takes its images from the pipeline {pipeline} (docs/golden-images.md). First step: deploy its "
                f"stack (npx cdk deploy -c env={env} {env.capitalize()}-Network {env.capitalize()}-Images; the deploy "
                f"workflow stops at this check), then build one, "
                f"aws imagebuilder start-image-pipeline-execution --image-pipeline-arn "
                f"arn:aws:imagebuilder:REGION:ACCOUNT:image-pipeline/{pipeline}-x86-64 (the {env.capitalize()}-Images stack's "
                f"output PipelineArnx8664); when it is AVAILABLE, record it, idle color first: {records}")
    if missing:
        print("images: no recorded image (the fleet follows the latest public image, replaced on any deploy after AWS "
              "publishes one): " + ", ".join(missing) + ". Record with tools/images update.", file=sys.stderr)
        for step in first_steps:
            print("images: " + step, file=sys.stderr)
        return 1
    print("images: every color has a recorded image")
    return 0


def cmd_show(_a, record):
    for env, colors in record.get("environments", {}).items():
        for color in COLORS:
            regions = colors.get(color) or {}
            if not regions:
                print(f"{env}/{color}: (none: follows the latest public image)")
            for region, entry in regions.items():
                extra = "" if isinstance(entry, str) else f"  ({entry.get('source', '?')}, {entry.get('recorded', '?')})"
                print(f"{env}/{color} {region}: {ami_of(entry)}{extra}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tools/images", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("show")
    for name in ("update", "set", "golden"):
        p = sub.add_parser(name)
        p.add_argument("--env", required=True)
        p.add_argument("--color", required=True, choices=COLORS)
        p.add_argument("--region", required=True, action="append")
        if name in ("update", "golden"):
            p.add_argument("--arch", default="x86_64", choices=sorted(PARAMETERS))
        if name == "set":
            p.add_argument("--ami", required=True)
        if name == "golden":
            p.add_argument("--pipeline", help="the image pipeline's name (default: the environment's \"pipeline\" in the record, else web)")
            p.add_argument("--parameter", help="the SSM parameter holding its newest image id (default: " + GOLDEN_PARAMETER + ")")
            p.add_argument("--allow-live", action="store_true", help="also write a color that takes traffic")
    c = sub.add_parser("check")
    c.add_argument("--env")
    a = ap.parse_args(argv)
    if getattr(a, "pipeline", None) is not None and not PIPELINE.match(a.pipeline):
        fail(f"'{a.pipeline}' is not a pipeline name (letters, digits, '_', '.', '-')")
    if getattr(a, "parameter", None) is not None and not a.parameter.startswith("/"):
        fail(f"'{a.parameter}' is not a parameter path (it starts with /)")
    for region in getattr(a, "region", None) or []:
        if not REGION.match(region):
            fail(f"'{region}' is not a region name such as eu-west-1")
    path = os.environ.get("IMAGES_FILE") or DEFAULT_FILE
    record = load(path)
    if a.command == "show":
        return cmd_show(a, record)
    if a.command == "check":
        return cmd_check(a, record)
    {"update": cmd_update, "set": cmd_set, "golden": cmd_golden}[a.command](a, record)
    save(path, record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
