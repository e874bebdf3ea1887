"""Helpers and assertions of tools/release/e2e/run, through the service APIs of the moto endpoint.

Every check prints "ok - ..." or "not ok - ..." (details indented); exit status 1 when one failed.
The endpoint and dummy credentials come from the environment (AWS_ENDPOINT_URL etc., set by run).

  check.py ids STACK... --file F (--save | --step NAME)
        the physical ids of the traffic path (load balancer, listener, rule, target groups, groups,
        launch templates; REST API, stage, deployment, functions, versions, aliases) saved, or
        compared with the saved ones; also found through the service APIs, not only CloudFormation
  check.py save STACK --file F    the release's current parameter values (by release key), as JSON
  check.py state STACK --step NAME --expect final|rolled-back|@FILE|KEY=VALUE,...
        the release parameters are as expected, and the service state (listener rule weights,
        group sizes, stage variables and canary) is what the deployed template declares for the
        current parameter values ("no drift": moto has no DetectStackDrift)
  check.py traffic STACK... --file F (--save | --step NAME)
        the traffic as the services show it (rule weights by target group, group sizes, stage
        variables and canary percent) saved, or compared: a deploy that must move nothing
  check.py set STACK final|@FILE|KEY=VALUE,...
        UpdateStack on the previous template (the harness puts a stack where a case starts)
  check.py feeder --file F        puts metrics every second; F (JSON) gives each side's mode
  check.py wait-log LOG --event E [--index N] [--timeout S]
        waits until the driver's JSONL log has the event (e.g. a bake of step N started)
  check.py info STACK KEY         prints a value of the stack's release (e.g. colors.green.targetGroup)
  check.py stopper GROUP          stops every instance of the group as soon as it appears (a color
                                  that never becomes healthy), until killed

"final" is the metadata's final state, which is also every parameter's Default; "rolled-back" is
the old side serving alone with every weight on it (blue-green) or the canary at 0 % (api-canary),
status rolled-back:<id>; "@FILE" the values `save` wrote (the start of a release); KEY=VALUE,...
the release keys of release-spec.md (blueWeight, greenWeight, serving, status, percent).
"""
import argparse
import json
import math
import os
import sys
import time
from typing import Any

# The TAP-style checks of tools/e2e/check.py, one implementation: "ok - NAME" / "not ok - NAME" with detail.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "e2e"))
import check as tap  # noqa: E402 - tools/e2e/check.py, found through the path above

report = tap.report
check = tap.check


_clients: dict[str, Any] = {}


def client(name: str) -> Any:
    if name not in _clients:
        import boto3

        _clients[name] = boto3.session.Session(region_name=os.environ.get("AWS_REGION", "us-east-1")).client(name)
    return _clients[name]


# ---------------------------------------------------------------- the deployed stack and its release


def template(stack: str) -> dict[str, Any]:
    body = client("cloudformation").get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    return json.loads(body) if isinstance(body, str) else body


def release(stack: str) -> dict[str, Any]:
    meta = template(stack).get("Metadata", {}).get("Infra::Releases")
    if isinstance(meta, str):
        meta = json.loads(meta)
    assert isinstance(meta, list) and len(meta) == 1, f"{stack}: expected one Infra::Releases entry, found {meta!r}"
    return meta[0]


def parameters(stack: str) -> dict[str, str]:
    s = client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {p["ParameterKey"]: p["ParameterValue"] for p in s.get("Parameters", [])}


def physical_ids(stack: str) -> dict[str, str]:
    out: dict[str, str] = {}
    kwargs: dict[str, Any] = {"StackName": stack}
    while True:
        page = client("cloudformation").list_stack_resources(**kwargs)
        for r in page["StackResourceSummaries"]:
            if r["LogicalResourceId"]:
                out[r["LogicalResourceId"]] = r["PhysicalResourceId"]
        if not page.get("NextToken"):
            return out
        kwargs["NextToken"] = page["NextToken"]


def colors(r: dict[str, Any]) -> tuple[str, str]:
    """(new, old): the new color is the one whose final weight is 100."""
    new = "green" if int(r["final"]["greenWeight"]) == 100 else "blue"
    return new, ("blue" if new == "green" else "green")


def named_state(r: dict[str, Any], name: str) -> dict[str, str]:
    """Release key -> value for final / rolled-back / @FILE, or KEY=VALUE,... given directly."""
    if name == "final":
        return {k: str(v) for k, v in r["final"].items()}
    if name.startswith("@"):
        with open(name[1:]) as f:
            return {k: str(v) for k, v in json.load(f).items()}
    if name == "rolled-back":
        if r["kind"] == "blue-green":
            new, old = colors(r)
            return {f"{old}Weight": "100", f"{new}Weight": "0", "serving": old, "status": f"rolled-back:{r['id']}"}
        return {"percent": "0", "status": f"rolled-back:{r['id']}"}
    return dict(kv.split("=", 1) for kv in name.split(","))


def same(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


# ---------------------------------------------------------------- the template at the current parameters


class Unresolved:
    def __repr__(self) -> str:
        return "<unresolved>"


UNRESOLVED = Unresolved()
NO_VALUE = "<AWS::NoValue>"   # the property is absent


class Resolver:
    """Evaluates a template fragment at the stack's parameter values: Ref (parameter or resource's
    physical id), Fn::If / Equals / Or / And / Not / Condition, Fn::Join; anything else (GetAtt,
    Sub, ImportValue) is left unresolved and not compared."""

    def __init__(self, tpl: dict[str, Any], params: dict[str, str], ids: dict[str, str]):
        self.tpl, self.params, self.ids = tpl, params, ids
        self.conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            self.conditions[name] = bool(self.value(self.tpl["Conditions"][name]))
        return self.conditions[name]

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.value(x) for x in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                if arg == "AWS::NoValue":
                    return NO_VALUE
                if arg in self.params:
                    return self.params[arg]
                return self.ids.get(arg, UNRESOLVED)
            if key == "Fn::If":
                return self.value(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Equals":
                a, b = (self.value(x) for x in arg)
                return str(a) == str(b)
            if key == "Fn::Or":
                return any(self.value(x) for x in arg)
            if key == "Fn::And":
                return all(self.value(x) for x in arg)
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::Join":
                parts = [self.value(x) for x in arg[1]]
                return UNRESOLVED if any(p is UNRESOLVED for p in parts) else arg[0].join(map(str, parts))
            if key.startswith("Fn::"):
                return UNRESOLVED
        return {k: self.value(v) for k, v in node.items()}


def declared_vs_service(stack: str) -> list[str]:
    """Differences between what the template declares at the current parameters and the services."""
    tpl, params, ids = template(stack), parameters(stack), physical_ids(stack)
    res = Resolver(tpl, params, ids)
    problems: list[str] = []
    compared = 0
    for logical, r in tpl["Resources"].items():
        kind, props = r["Type"], r.get("Properties", {})
        if logical not in ids:
            continue
        if kind == "AWS::ElasticLoadBalancingV2::ListenerRule":
            want = {}
            for action in res.value(props.get("Actions", [])):
                for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
                    want[tg["TargetGroupArn"]] = int(float(tg.get("Weight", 1)))
            rule = client("elbv2").describe_rules(RuleArns=[ids[logical]])["Rules"][0]
            got = {t["TargetGroupArn"]: t["Weight"] for a in rule["Actions"] for t in (a.get("ForwardConfig") or {}).get("TargetGroups", [])}
            compared += 1
            if got != want:
                problems.append(f"{logical} forward weights: service {got}, template declares {want}")
        elif kind == "AWS::AutoScaling::AutoScalingGroup":
            g = client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[ids[logical]])["AutoScalingGroups"][0]
            compared += 1
            for field in ("MinSize", "MaxSize", "DesiredCapacity"):
                declared = res.value(props[field]) if field in props else NO_VALUE
                if declared is NO_VALUE:
                    # Absent: CloudFormation keeps the group's desired capacity, within min-max.
                    if field == "DesiredCapacity" and not g["MinSize"] <= g["DesiredCapacity"] <= g["MaxSize"]:
                        problems.append(f"{logical} desired {g['DesiredCapacity']} outside {g['MinSize']}-{g['MaxSize']}")
                    continue
                if g[field] != int(float(declared)):
                    problems.append(f"{logical} {field}: service {g[field]}, template declares {declared}")
            running = [i for i in g["Instances"] if i["LifecycleState"] == "InService"]
            if len(running) != g["DesiredCapacity"]:
                problems.append(f"{logical}: {len(running)} instances in service, desired {g['DesiredCapacity']}")
        elif kind == "AWS::ApiGateway::Stage":
            p = res.value(props)
            stage = client("apigateway").get_stage(restApiId=p["RestApiId"], stageName=ids[logical])
            compared += 1
            want_vars = {k: v for k, v in (p.get("Variables") or {}).items() if v is not UNRESOLVED}
            if stage.get("variables", {}) != want_vars:
                problems.append(f"{logical} variables: service {stage.get('variables')}, template declares {want_vars}")
            canary, got_c = p.get("CanarySetting"), stage.get("canarySettings") or {}
            if canary:
                if not same(got_c.get("percentTraffic"), canary.get("PercentTraffic", 0)):
                    problems.append(f"{logical} canary percentTraffic: service {got_c.get('percentTraffic')}, template declares {canary.get('PercentTraffic')}")
                if got_c.get("stageVariableOverrides", {}) != (canary.get("StageVariableOverrides") or {}):
                    problems.append(f"{logical} canary overrides: service {got_c.get('stageVariableOverrides')}, template declares {canary.get('StageVariableOverrides')}")
                if got_c.get("deploymentId") != canary.get("DeploymentId"):
                    problems.append(f"{logical} canary deployment: service {got_c.get('deploymentId')}, template declares {canary.get('DeploymentId')}")
    # Scheduled actions exist exactly when their Condition holds (a serving color's schedules).
    schedules: dict[str, int] = {}
    for logical, r in tpl["Resources"].items():
        if r["Type"] == "AWS::AutoScaling::ScheduledAction":
            group = res.value(r["Properties"]["AutoScalingGroupName"])
            schedules.setdefault(group, 0)
            if "Condition" not in r or res.condition(r["Condition"]):
                schedules[group] += 1
    for group, want_n in schedules.items():
        got = client("autoscaling").describe_scheduled_actions(AutoScalingGroupName=group)["ScheduledUpdateGroupActions"]
        compared += 1
        if len(got) != want_n:
            problems.append(f"{group}: {len(got)} scheduled actions {[a['ScheduledActionName'] for a in got]}, the template declares {want_n} at these parameters")
    if not compared:
        problems.append(f"{stack}: nothing on the traffic path to compare")
    return problems


# ---------------------------------------------------------------- commands


TRAFFIC_TYPES = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::LaunchTemplate", "AWS::EC2::SecurityGroup",
    "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::Lambda::Function", "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
}


def traffic_ids(stack: str) -> dict[str, str]:
    types = {k: r["Type"] for k, r in template(stack)["Resources"].items()}
    return {f"{stack}/{k}": v for k, v in physical_ids(stack).items() if types.get(k) in TRAFFIC_TYPES}


def found_by_services(stack: str, ids: dict[str, str]) -> None:
    """The saved ids are the live traffic path, found from the services themselves."""
    tpl = template(stack)["Resources"]
    by_type: dict[str, list[str]] = {}
    for key, pid in ids.items():
        logical = key.split("/", 1)[1]
        by_type.setdefault(tpl[logical]["Type"], []).append(pid)
    problems = []
    for lb in by_type.get("AWS::ElasticLoadBalancingV2::LoadBalancer", []):
        listeners = client("elbv2").describe_listeners(LoadBalancerArn=lb)["Listeners"]
        rules = [r for li in listeners for r in client("elbv2").describe_rules(ListenerArn=li["ListenerArn"])["Rules"] if not r["IsDefault"]]
        if sorted(r["RuleArn"] for r in rules) != sorted(by_type.get("AWS::ElasticLoadBalancingV2::ListenerRule", [])):
            problems.append(f"rules of the load balancer's listeners {[r['RuleArn'] for r in rules]} are not the stack's")
        forwarded = sorted({t["TargetGroupArn"] for r in rules for a in r["Actions"] for t in (a.get("ForwardConfig") or {}).get("TargetGroups", [])})
        if forwarded != sorted(by_type.get("AWS::ElasticLoadBalancingV2::TargetGroup", [])):
            problems.append(f"the rules forward to {forwarded}, not the stack's target groups")
    groups = by_type.get("AWS::AutoScaling::AutoScalingGroup", [])
    if groups:
        found = client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=groups)["AutoScalingGroups"]
        tgs = sorted(a for g in found for a in g["TargetGroupARNs"])
        lts = sorted(g["LaunchTemplate"]["LaunchTemplateId"] for g in found)
        if len(found) != len(groups) or tgs != sorted(by_type.get("AWS::ElasticLoadBalancingV2::TargetGroup", [])):
            problems.append(f"groups {groups} found {len(found)}, attached to {tgs}")
        if lts != sorted(by_type.get("AWS::EC2::LaunchTemplate", [])):
            problems.append(f"the groups launch from {lts}, not the stack's launch templates")
    for api in by_type.get("AWS::ApiGateway::RestApi", []):
        stages = sorted(s["stageName"] for s in client("apigateway").get_stages(restApiId=api)["item"])
        if stages != sorted(by_type.get("AWS::ApiGateway::Stage", [])):
            problems.append(f"stages of {api}: {stages}, not the stack's")
    aliases = sorted(a["AliasArn"] for fn in by_type.get("AWS::Lambda::Function", []) for a in client("lambda").list_aliases(FunctionName=fn)["Aliases"])
    if aliases != sorted(by_type.get("AWS::Lambda::Alias", [])):
        problems.append(f"aliases of the functions: {aliases}, not the stack's")
    assert not problems, "\n".join(problems)


def cmd_ids(args: argparse.Namespace) -> None:
    ids: dict[str, str] = {}
    for stack in args.stacks:
        ids.update(traffic_ids(stack))
    if args.save:
        with open(args.file, "w") as f:
            json.dump(ids, f, indent=2, sort_keys=True)
        for stack in args.stacks:
            check(f"[deploy] {stack}: the saved traffic path is the live one, found through the service APIs",
                  lambda stack=stack: found_by_services(stack, {k: v for k, v in ids.items() if k.startswith(stack + "/")}))
        report(len(ids) > 0, f"[deploy] {len(ids)} physical ids of the traffic path saved ({', '.join(args.stacks)})")
        return
    with open(args.file) as f:
        saved = json.load(f)

    def unchanged() -> None:
        changed = [f"{k}: {saved.get(k, '(none)')} -> {ids.get(k, '(gone)')}" for k in sorted(set(saved) | set(ids)) if saved.get(k) != ids.get(k)]
        assert not changed, "replaced or removed on the traffic path:\n" + "\n".join(changed)
        for stack in args.stacks:
            found_by_services(stack, {k: v for k, v in ids.items() if k.startswith(stack + "/")})

    check(f"[{args.step}] every physical id on the traffic path unchanged ({len(saved)}) and live in the services", unchanged)


def cmd_state(args: argparse.Namespace) -> None:
    r = release(args.stack)
    want = named_state(r, args.expect)

    def params_ok() -> None:
        s = client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
        assert s["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), f"{args.stack} is {s['StackStatus']}"
        p = parameters(args.stack)
        got = {k: p.get(r["parameters"][k]) for k in want}
        assert all(same(got[k], want[k]) for k in want), f"release parameters {got}, want {want}"
        if args.expect == "final":
            defaults = {k: str(v.get("Default")) for k, v in template(args.stack)["Parameters"].items() if k in r["parameters"].values()}
            current = {k: p.get(k) for k in defaults}
            assert all(same(current[k], defaults[k]) for k in defaults), f"parameters {current} are not the template defaults {defaults}"

    label = "the template defaults (the state main synthesizes)" if args.expect == "final" else \
        ",".join(f"{k}={v}" for k, v in sorted(want.items())) if args.expect.startswith("@") else args.expect
    check(f"[{args.step}] {args.stack}: release parameters at {label}", params_ok)

    def no_drift() -> None:
        problems = declared_vs_service(args.stack)
        assert not problems, "\n".join(problems)

    check(f"[{args.step}] {args.stack}: the services are what the template declares at these parameters (rule weights, group sizes, stage)", no_drift)


def cmd_set(args: argparse.Namespace) -> None:
    r = release(args.stack)
    values = {r["parameters"][k]: v for k, v in named_state(r, args.state).items()}
    current = parameters(args.stack)
    body = [{"ParameterKey": k, "ParameterValue": values[k]} if k in values else {"ParameterKey": k, "UsePreviousValue": True} for k in current]
    cf = client("cloudformation")
    try:
        cf.update_stack(StackName=args.stack, UsePreviousTemplate=True, Parameters=body,
                        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    except Exception as e:  # noqa: BLE001
        if "No updates are to be performed" not in str(e):
            raise
    for _ in range(120):
        status = cf.describe_stacks(StackName=args.stack)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            break
        time.sleep(0.5)
    assert status == "UPDATE_COMPLETE", f"{args.stack}: {status}"


def traffic(stack: str) -> dict[str, Any]:
    tpl, ids = template(stack)["Resources"], physical_ids(stack)
    out: dict[str, Any] = {}
    for logical, r in tpl.items():
        if logical not in ids:
            continue
        if r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule":
            rule = client("elbv2").describe_rules(RuleArns=[ids[logical]])["Rules"][0]
            out[f"{stack}/{logical} weights"] = {t["TargetGroupArn"].split(":")[-1]: t["Weight"] for a in rule["Actions"]
                                                 for t in (a.get("ForwardConfig") or {}).get("TargetGroups", [])}
        elif r["Type"] == "AWS::AutoScaling::AutoScalingGroup":
            g = client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[ids[logical]])["AutoScalingGroups"][0]
            out[f"{stack}/{logical} min-max-desired"] = [g["MinSize"], g["MaxSize"], g["DesiredCapacity"]]
        elif r["Type"] == "AWS::ApiGateway::Stage":
            api = ids[next(k for k, v in tpl.items() if v["Type"] == "AWS::ApiGateway::RestApi")]
            st = client("apigateway").get_stage(restApiId=api, stageName=ids[logical])
            out[f"{stack}/{logical} variables"] = {k: v.rsplit(":function:", 1)[-1] for k, v in st.get("variables", {}).items()}
            out[f"{stack}/{logical} canary percent"] = (st.get("canarySettings") or {}).get("percentTraffic")
    return out


def cmd_traffic(args: argparse.Namespace) -> None:
    now: dict[str, Any] = {}
    for stack in args.stacks:
        now.update(traffic(stack))
    if args.save:
        with open(args.file, "w") as f:
            json.dump(now, f, indent=2, sort_keys=True)
        return
    with open(args.file) as f:
        saved = {k: v for k, v in json.load(f).items() if k.split("/", 1)[0] in args.stacks}

    def unchanged() -> None:
        moved = [f"{k}: {saved.get(k)} -> {now.get(k)}" for k in sorted(set(saved) | set(now)) if saved.get(k) != now.get(k)]
        assert not moved, "traffic moved:\n" + "\n".join(moved)

    check(f"[{args.step}] no traffic moved ({', '.join(args.stacks)}: rule weights, group sizes, stage variables and canary, as the services show them)", unchanged)


def cmd_save(args: argparse.Namespace) -> None:
    r = release(args.stack)
    p = parameters(args.stack)
    with open(args.file, "w") as f:
        json.dump({k: p[name] for k, name in r["parameters"].items()}, f, sort_keys=True)


def cmd_stopper(args: argparse.Namespace) -> None:
    stopped: set[str] = set()
    while True:
        groups = client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[args.group])["AutoScalingGroups"]
        fresh = [i["InstanceId"] for g in groups for i in g["Instances"] if i["InstanceId"] not in stopped]
        if fresh:
            client("ec2").stop_instances(InstanceIds=fresh)
            stopped.update(fresh)
            print(f"# stopped {fresh} at {time.time():.3f}", flush=True)
        time.sleep(0.05)


def cmd_info(args: argparse.Namespace) -> None:
    node: Any = release(args.stack)
    for part in args.key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, str) and args.physical:
        node = physical_ids(args.stack)[node]
    print(json.dumps(node) if not isinstance(node, str) else node)


def cmd_wait_log(args: argparse.Namespace) -> int:
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        if os.path.exists(args.log):
            with open(args.log) as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if e.get("event") == args.event and (args.index is None or e.get("index") == args.index) and \
                            (args.action is None or e.get("action") == args.action):
                        print(line.strip())
                        return 0
        time.sleep(0.1)
    print(f"# {args.log}: no {args.event} event (index {args.index}) within {args.timeout} s", file=sys.stderr)
    return 1


def cmd_feeder(args: argparse.Namespace) -> None:
    """Every second, per side: requests, 5xx/errors and latency, as the load balancer and Lambda
    publish them. Modes: good, bad (10 % errors), slow (p99 10 s), starve (1 request a second), off."""
    cw = client("cloudwatch")
    while True:
        try:
            with open(args.file) as f:
                conf = json.load(f)
        except (OSError, ValueError):
            time.sleep(0.2)
            continue
        rate = int(conf.get("rate", 60))
        for side in conf.get("sides", []):
            mode = side.get("mode", "off")
            if mode == "off":
                continue
            n = 1 if mode == "starve" else rate
            errors = math.ceil(n * 0.1) if mode == "bad" else 0
            fast = side["namespace"] == "AWS/ApplicationELB"
            scale = 1.0 if fast else 1000.0   # seconds (ALB) or milliseconds (Lambda)
            slow = 10.0 if mode == "slow" else 0.2
            names = ("RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime") if fast else ("Invocations", "Errors", "Duration")
            data = [
                {"MetricName": names[0], "Dimensions": side["dimensions"], "Value": n, "Unit": "Count"},
                {"MetricName": names[2], "Dimensions": side["dimensions"], "Values": [0.05 * scale, 0.1 * scale, slow * scale],
                 "Counts": [max(1, n // 2 - 1), max(1, n // 2), 1], "Unit": "Seconds" if fast else "Milliseconds"},
            ]
            if errors:
                data.append({"MetricName": names[1], "Dimensions": side["dimensions"], "Value": errors, "Unit": "Count"})
            try:
                cw.put_metric_data(Namespace=side["namespace"], MetricData=data)
            except Exception as e:  # noqa: BLE001 - the feeder keeps going; the driver sees the gap
                print(f"# feeder: {e}", file=sys.stderr, flush=True)
        time.sleep(1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("ids")
    i.add_argument("stacks", nargs="+")
    i.add_argument("--file", required=True)
    i.add_argument("--save", action="store_true")
    i.add_argument("--step", default="check")
    s = sub.add_parser("state")
    s.add_argument("stack")
    s.add_argument("--step", required=True)
    s.add_argument("--expect", required=True)
    t = sub.add_parser("set")
    t.add_argument("stack")
    t.add_argument("state")
    f = sub.add_parser("feeder")
    f.add_argument("--file", required=True)
    w = sub.add_parser("wait-log")
    w.add_argument("log")
    w.add_argument("--event", required=True)
    w.add_argument("--index", type=int)
    w.add_argument("--action")
    w.add_argument("--timeout", type=float, default=60)
    c = sub.add_parser("traffic")
    c.add_argument("stacks", nargs="+")
    c.add_argument("--file", required=True)
    c.add_argument("--save", action="store_true")
    c.add_argument("--step", default="check")
    v = sub.add_parser("save")
    v.add_argument("stack")
    v.add_argument("--file", required=True)
    o = sub.add_parser("stopper")
    o.add_argument("group")
    n = sub.add_parser("info")
    n.add_argument("stack")
    n.add_argument("key")
    n.add_argument("--physical", action="store_true", help="a logical id: print its physical id")
    args = p.parse_args()
    if args.cmd == "wait-log":
        return cmd_wait_log(args)
    {"ids": cmd_ids, "state": cmd_state, "set": cmd_set, "feeder": cmd_feeder, "info": cmd_info, "save": cmd_save, "traffic": cmd_traffic, "stopper": cmd_stopper}[args.cmd](args)
    return 1 if tap.failures else 0


if __name__ == "__main__":
    sys.exit(main())
