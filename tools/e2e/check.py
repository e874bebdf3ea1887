"""Assertions of tools/e2e/run against the deployed dev environment, through the service APIs.

Every check prints one line, "ok - ..." or "not ok - ..." (details indented below it); the exit
status is 1 when any check failed. The AWS endpoint and dummy credentials come from the
environment (AWS_ENDPOINT_URL etc., set by tools/e2e/run).

  check.py network --settings DIR       VPC, subnets per AZ, NAT, routes, flow log, S3 endpoint
  check.py state --settings DIR --step NAME --weights BLUE,GREEN --capacity BLUE,GREEN
                 --assembly DIR --ids FILE [--save]
                                        the web tier: stacks complete with the synthesized
                                        templates, security groups, launch templates, groups,
                                        the weighted rule, target groups; then the physical ids
                                        of the traffic path are saved (--save) or compared
  check.py moto-log LOG --from-line N --expected-skipped T1,T2
                                        moto skipped only the expected types, no Traceback
  check.py diff-safe LOG                a `cdk diff` output replaces and destroys nothing
  check.py tamper SRC DST LOGICAL_ID NEW_ID
                                        copy a cloud assembly, renaming a resource (self-test)

The dev environment's settings (VPC CIDR, AZs, NAT gateways, fleet size, instance port, health
path, secret name, listener) are never written here: --settings DIR is the cloud assembly of the
committed dev settings (`cdk synth -c env=dev`), whose templates the app wrote from their one
source, src/Infra.App/Config/Environments.cs. A capacity is MIN-MAX or `fleet`, the dev fleet's
MinCapacity-MaxCapacity as synthesized there.
"""
import argparse
import collections
import base64
import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import Any, Callable

STACKS = ("Dev-Network", "Dev-Web")
WORLD = ("0.0.0.0/0", "::/0")
COLORS = ("blue", "green")

failures = 0


def report(ok: bool, name: str, detail: Any = None) -> bool:
    global failures
    print(("ok - " if ok else "not ok - ") + name, flush=True)
    if not ok:
        failures += 1
        if detail is not None:
            for line in str(detail).splitlines():
                print("    " + line, flush=True)
    return ok


def check(name: str, fn: Callable[[], Any]) -> Any:
    """Runs fn; an AssertionError (or any exception) fails the check with its message."""
    try:
        value = fn()
    except AssertionError as e:
        report(False, name, e)
        return None
    except Exception as e:  # noqa: BLE001 - an API error is a failed check too
        report(False, name, f"{type(e).__name__}: {e}")
        return None
    report(True, name)
    return value


def clients() -> dict[str, Any]:
    import boto3

    session = boto3.session.Session(region_name=os.environ.get("AWS_REGION", "us-east-1"))
    return {n: session.client(n) for n in ("cloudformation", "ec2", "elbv2", "autoscaling", "secretsmanager")}


def one(items: list[Any], what: str) -> Any:
    assert len(items) == 1, f"expected exactly one {what}, found {len(items)}: {items}"
    return items[0]


def tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


# ---------------------------------------------------------------- the dev settings, as synthesized


@dataclass(frozen=True)
class Settings:
    env_name: str                 # the `environment` tag
    vpc_cidr: str
    azs: int                      # public (and private) subnets, one per AZ
    masks: dict[str, str]         # subnet type -> prefix length
    nat_gateways: int
    fleet: tuple[int, int]        # MinCapacity, MaxCapacity of the active color
    instance_port: int
    health_path: str
    secret_name: str
    listener: tuple[int, str]     # the one listener: port, protocol (dev: no domain, HTTP only)


def read_settings(assembly: str) -> Settings:
    """The dev settings from the templates of a cloud assembly of the committed dev settings."""
    def resources(stack: str) -> list[dict[str, Any]]:
        with open(os.path.join(assembly, f"{stack}.template.json")) as f:
            return list(json.load(f)["Resources"].values())

    def of_type(rs: list[dict[str, Any]], t: str) -> list[dict[str, Any]]:
        return [r.get("Properties", {}) for r in rs if r["Type"] == t]

    def only(values: list[Any], what: str) -> Any:
        assert len(set(map(json.dumps, values))) == 1, f"{assembly}: expected one {what}, found {values}"
        return values[0]

    network, web = resources("Dev-Network"), resources("Dev-Web")
    vpc = one(of_type(network, "AWS::EC2::VPC"), f"AWS::EC2::VPC in {assembly}/Dev-Network")
    subnets: dict[str, list[str]] = {}
    for s in of_type(network, "AWS::EC2::Subnet"):
        subnets.setdefault(tags(s).get("aws-cdk:subnet-type", "untagged"), []).append(s["CidrBlock"])
    groups = of_type(web, "AWS::AutoScaling::AutoScalingGroup")
    active = [g for g in groups if int(g["MinSize"]) > 0]
    target_groups = of_type(web, "AWS::ElasticLoadBalancingV2::TargetGroup")
    listener = one(of_type(web, "AWS::ElasticLoadBalancingV2::Listener"), f"listener in {assembly}/Dev-Web")
    return Settings(
        env_name=tags(vpc)["environment"],
        vpc_cidr=vpc["CidrBlock"],
        azs=len(subnets.get("Public", [])),
        masks={k: only([c.split("/")[1] for c in v], f"{k} subnet size") for k, v in subnets.items()},
        nat_gateways=len(of_type(network, "AWS::EC2::NatGateway")),
        fleet=only([(int(g["MinSize"]), int(g["MaxSize"])) for g in active], "active fleet size"),
        instance_port=only([t["Port"] for t in target_groups], "target group port"),
        health_path=only([t["HealthCheckPath"] for t in target_groups], "health check path"),
        secret_name=one(of_type(web, "AWS::SecretsManager::Secret"), f"secret in {assembly}/Dev-Web")["Name"],
        listener=(listener["Port"], listener["Protocol"]),
    )


DEV: Settings  # set by main() from --settings


# ---------------------------------------------------------------- network


def find_vpc(c: dict[str, Any]) -> dict[str, Any]:
    vpcs = c["ec2"].describe_vpcs(Filters=[{"Name": "cidr", "Values": [DEV.vpc_cidr]}])["Vpcs"]
    return one([v for v in vpcs if tags(v).get("aws:cloudformation:stack-name") == "Dev-Network"], f"VPC {DEV.vpc_cidr} of Dev-Network")


def subnets_by_kind(c: dict[str, Any], vpc_id: str) -> dict[str, list[dict[str, Any]]]:
    subnets = c["ec2"].describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for s in subnets:
        kinds.setdefault(tags(s).get("aws-cdk:subnet-type", "untagged"), []).append(s)
    for v in kinds.values():
        v.sort(key=lambda s: s["AvailabilityZone"])
    return kinds


def cmd_network(_: argparse.Namespace) -> None:
    c = clients()
    vpc = check(f"VPC {DEV.vpc_cidr} exists (Dev-Network)", lambda: find_vpc(c))
    if vpc is None:
        return
    vpc_id = vpc["VpcId"]
    kinds = subnets_by_kind(c, vpc_id)

    def per_az() -> None:
        public, private = kinds.get("Public", []), kinds.get("Private", [])
        assert set(kinds) == {"Public", "Private"}, f"subnet kinds {sorted(kinds)}"
        azs_pub = [s["AvailabilityZone"] for s in public]
        azs_priv = [s["AvailabilityZone"] for s in private]
        assert len(public) == DEV.azs and len(private) == DEV.azs, f"public {azs_pub}, private {azs_priv}"
        assert len(set(azs_pub)) == DEV.azs and sorted(azs_pub) == sorted(azs_priv), f"public {azs_pub}, private {azs_priv}"
        masks = sorted({(s["CidrBlock"].split("/")[1], k) for k, v in kinds.items() for s in v})
        assert masks == sorted((m, k) for k, m in DEV.masks.items()), f"masks {masks}"

    check(f"subnets: one public (/{DEV.masks['Public']}) and one private (/{DEV.masks['Private']}) in each of {DEV.azs} AZs", per_az)
    def no_public_ips() -> None:
        mapping = [s["SubnetId"] for v in kinds.values() for s in v if s["MapPublicIpOnLaunch"]]
        assert not mapping, f"MapPublicIpOnLaunch on {mapping}"

    check("no subnet maps public IPs on launch", no_public_ips)

    def nat() -> None:
        nats = [n for n in c["ec2"].describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
                if n.get("State") != "deleted"]
        assert len(nats) == DEV.nat_gateways, f"{len(nats)} NAT gateways (dev has {DEV.nat_gateways})"
        public_ids = {s["SubnetId"] for s in kinds.get("Public", [])}
        for n in nats:
            assert n["SubnetId"] in public_ids, f"NAT gateway in {n['SubnetId']}, not a public subnet"

    check("one NAT gateway, in a public subnet" if DEV.nat_gateways == 1 else f"{DEV.nat_gateways} NAT gateways, in public subnets", nat)

    def routes() -> None:
        tables = c["ec2"].describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
        default = [r for t in tables for r in t["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        to_igw = [r for r in default if str(r.get("GatewayId", "")).startswith("igw-")]
        to_nat = [r for r in default if r.get("NatGatewayId")]
        assert len(to_igw) == DEV.azs and len(to_nat) == DEV.azs, \
            f"default routes: {len(to_igw)} to the internet gateway, {len(to_nat)} to NAT (want {DEV.azs} and {DEV.azs})"

    nat_word = "the NAT gateway" if DEV.nat_gateways == 1 else "a NAT gateway"
    check(f"default routes: {DEV.azs} route tables to the internet gateway, {DEV.azs} to {nat_word}", routes)

    def flow_log() -> None:
        logs = c["ec2"].describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
        assert [(f["TrafficType"], f["LogDestinationType"]) for f in logs] == [("ALL", "cloud-watch-logs")], logs

    check("VPC flow log of ALL traffic to CloudWatch Logs", flow_log)

    def s3_endpoint() -> None:
        eps = c["ec2"].describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
        assert [(e["VpcEndpointType"], e["ServiceName"].split(".")[-1]) for e in eps] == [("Gateway", "s3")], eps

    check("S3 gateway endpoint", s3_endpoint)


# ---------------------------------------------------------------- web tier


def deployed_templates_match(c: dict[str, Any], assembly: str) -> None:
    problems = []
    for stack in STACKS:
        s = c["cloudformation"].describe_stacks(StackName=stack)["Stacks"][0]
        if s["StackStatus"] not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            problems.append(f"{stack}: {s['StackStatus']} {s.get('StackStatusReason', '')}")
        deployed = c["cloudformation"].get_template(StackName=stack)["TemplateBody"]
        if isinstance(deployed, str):
            deployed = json.loads(deployed)
        with open(os.path.join(assembly, f"{stack}.template.json")) as f:
            wanted = json.load(f)
        if json.loads(json.dumps(deployed)) != wanted:
            problems.append(f"{stack}: the deployed template is not the synthesized one ({assembly})")
    assert not problems, "\n".join(problems)


def discover(c: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """Finds the traffic path through the service APIs: role -> physical id, plus the raw objects."""
    ids: dict[str, str] = {}
    raw: dict[str, Any] = {}
    vpc = find_vpc(c)
    ids["VPC"] = vpc["VpcId"]
    for kind, subnets in subnets_by_kind(c, vpc["VpcId"]).items():
        for s in subnets:
            ids[f"subnet {kind.lower()} {s['AvailabilityZone']}"] = s["SubnetId"]
    raw["subnets"] = subnets_by_kind(c, vpc["VpcId"])

    lb = one([b for b in c["elbv2"].describe_load_balancers()["LoadBalancers"] if b["VpcId"] == vpc["VpcId"]], "load balancer in the VPC")
    ids["load balancer"] = lb["LoadBalancerArn"]
    raw["lb"] = lb
    listener = one(c["elbv2"].describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"], f"listener (dev serves {DEV.listener[1]} only)")
    ids[f"listener :{listener['Port']}"] = listener["ListenerArn"]
    raw["listener"] = listener
    rule = one([r for r in c["elbv2"].describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r["IsDefault"]], "listener rule besides the default")
    ids[f"listener rule (priority {rule['Priority']})"] = rule["RuleArn"]
    raw["rule"] = rule
    ids["security group (load balancer)"] = one(lb["SecurityGroups"], "security group on the load balancer")

    groups = c["autoscaling"].describe_auto_scaling_groups(Filters=[{"Name": "tag:environment", "Values": [DEV.env_name]}])["AutoScalingGroups"]
    raw["asg"], raw["lt"], raw["tg"] = {}, {}, {}
    app_groups = set()
    for color in COLORS:
        g = one([g for g in groups if tags(g).get("deployment-color") == color], f"{color} Auto Scaling group")
        raw["asg"][color] = g
        ids[f"auto scaling group ({color})"] = g["AutoScalingGroupName"]
        tg_arn = one(g["TargetGroupARNs"], f"target group of the {color} group")
        ids[f"target group ({color})"] = tg_arn
        raw["tg"][color] = one(c["elbv2"].describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"], f"{color} target group")
        lt_id = g["LaunchTemplate"]["LaunchTemplateId"]
        ids[f"launch template ({color})"] = lt_id
        version = c["ec2"].describe_launch_template_versions(LaunchTemplateId=lt_id, Versions=["$Latest"])["LaunchTemplateVersions"][0]
        raw["lt"][color] = version
        app_groups.update(version["LaunchTemplateData"].get("SecurityGroupIds", []))
    ids["security group (app)"] = one(sorted(app_groups), "security group on the launch templates")
    raw["vpc"] = vpc
    return ids, raw


def cmd_state(args: argparse.Namespace) -> None:
    c = clients()
    step = args.step
    weights = dict(zip(COLORS, (int(w) for w in args.weights.split(","))))
    capacity = dict(zip(COLORS, (DEV.fleet if r == "fleet" else tuple(int(n) for n in r.split("-")) for r in args.capacity.split(","))))

    check(f"[{step}] both stacks complete, running exactly the synthesized templates",
          lambda: deployed_templates_match(c, args.assembly))
    found = check(f"[{step}] traffic path found through the service APIs (VPC, LB, listener, rule, groups, target groups, templates)",
                  lambda: discover(c))
    if found is None:
        return
    ids, raw = found
    lb_sg, app_sg = ids["security group (load balancer)"], ids["security group (app)"]

    def security_groups() -> None:
        sgs = c["ec2"].describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [ids["VPC"]]}])["SecurityGroups"]
        problems = []
        for sg in sgs:
            for p in sg["IpPermissions"]:
                world = [r["CidrIp"] for r in p.get("IpRanges", []) if r["CidrIp"] in WORLD] + \
                        [r["CidrIpv6"] for r in p.get("Ipv6Ranges", []) if r["CidrIpv6"] in WORLD]
                if not world:
                    continue
                port_ok = p.get("IpProtocol") == "tcp" and p.get("FromPort") == p.get("ToPort") and p.get("FromPort") in (80, 443)
                if sg["GroupId"] != lb_sg or not port_ok:
                    problems.append(f"{sg['GroupId']} ({sg['GroupName']}) open to {world}: {p.get('IpProtocol')} {p.get('FromPort')}-{p.get('ToPort')}")
        lb_open = sorted(p.get("FromPort") for sg in sgs if sg["GroupId"] == lb_sg for p in sg["IpPermissions"]
                         if any(r["CidrIp"] == "0.0.0.0/0" for r in p.get("IpRanges", [])))
        if lb_open != [80, 443]:
            problems.append(f"load balancer group open to 0.0.0.0/0 on {lb_open}, want [80, 443]")
        app = one([sg for sg in sgs if sg["GroupId"] == app_sg], "app security group")
        app_rules = [(p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), sorted(g["GroupId"] for g in p.get("UserIdGroupPairs", [])),
                      [r["CidrIp"] for r in p.get("IpRanges", [])] + [r["CidrIpv6"] for r in p.get("Ipv6Ranges", [])]) for p in app["IpPermissions"]]
        if app_rules != [("tcp", DEV.instance_port, DEV.instance_port, [lb_sg], [])]:
            problems.append(f"app group ingress {app_rules}, want only tcp {DEV.instance_port} from the load balancer group {lb_sg}")
        assert not problems, "\n".join(problems)

    check(f"[{step}] security groups: only the load balancer group is open to 0.0.0.0/0 or ::/0, on tcp 80/443; the app group takes port {DEV.instance_port} from it only",
          security_groups)

    def launch_templates() -> None:
        problems = []
        secret_arn = c["secretsmanager"].describe_secret(SecretId=DEV.secret_name)["ARN"]
        for color in COLORS:
            data = raw["lt"][color]["LaunchTemplateData"]
            if data.get("MetadataOptions", {}).get("HttpTokens") != "required":
                problems.append(f"{color}: IMDS HttpTokens = {data.get('MetadataOptions')}, want required (IMDSv2 only)")
            volumes = [m.get("Ebs", {}) for m in data.get("BlockDeviceMappings", [])]
            if not volumes or not all(v.get("Encrypted") is True for v in volumes):
                problems.append(f"{color}: volumes {volumes}, want every EBS volume encrypted")
            if data.get("SecurityGroupIds") != [app_sg]:
                problems.append(f"{color}: security groups {data.get('SecurityGroupIds')}, want [{app_sg}]")
            if not str(data.get("ImageId", "")).startswith("ami-"):
                problems.append(f"{color}: image {data.get('ImageId')!r} (the SSM parameter did not resolve)")
            user_data = base64.b64decode(data.get("UserData", "")).decode("utf-8", "replace")
            for line in (f"APP_COLOR={color}", f"APP_SECRET_ARN={secret_arn}"):
                if line not in user_data.splitlines():
                    problems.append(f"{color}: user data lacks the line {line}")
            version = str(raw["asg"][color]["LaunchTemplate"].get("Version"))
            if version != str(raw["lt"][color]["VersionNumber"]):
                problems.append(f"{color}: group uses launch template version {version}, latest is {raw['lt'][color]['VersionNumber']}")
        assert not problems, "\n".join(problems)

    check(f"[{step}] launch templates: IMDSv2 required, encrypted volumes, app group, resolved AMI, secret ARN and color in user data, latest version in use",
          launch_templates)

    def groups() -> None:
        problems = []
        private = sorted(s["SubnetId"] for s in raw["subnets"].get("Private", []))
        for color in COLORS:
            g = raw["asg"][color]
            lo, hi = capacity[color]
            got = (g["MinSize"], g["MaxSize"])
            if got != (lo, hi):
                problems.append(f"{color}: min/max {got}, want {(lo, hi)}")
            if not lo <= g["DesiredCapacity"] <= hi:
                problems.append(f"{color}: desired {g['DesiredCapacity']} outside {lo}-{hi}")
            running = [i for i in g["Instances"] if i["LifecycleState"] == "InService"]
            if len(running) != g["DesiredCapacity"]:
                problems.append(f"{color}: {len(running)} instances in service, desired {g['DesiredCapacity']}")
            if sorted(g["VPCZoneIdentifier"].split(",")) != private:
                problems.append(f"{color}: subnets {g['VPCZoneIdentifier']}, want the private subnets {private}")
            if g["HealthCheckType"] != "ELB":
                problems.append(f"{color}: health check type {g['HealthCheckType']}, want ELB")
        assert not problems, "\n".join(problems)

    want = ", ".join(f"{c_} {capacity[c_][0]}-{capacity[c_][1]}" for c_ in COLORS)
    check(f"[{step}] Auto Scaling groups: min-max {want}, instances in service, private subnets, ELB health checks", groups)

    def rule() -> None:
        r = raw["rule"]
        assert r["Priority"] == "100", f"priority {r['Priority']}"
        assert r["Conditions"] == [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["*"]}}] or \
            [(x["Field"], x.get("PathPatternConfig", {}).get("Values", x.get("Values"))) for x in r["Conditions"]] == [("path-pattern", ["*"])], r["Conditions"]
        action = one(r["Actions"], "rule action")
        assert action["Type"] == "forward", action
        got = {t["TargetGroupArn"]: t["Weight"] for t in action["ForwardConfig"]["TargetGroups"]}
        want_w = {ids[f"target group ({color})"]: weights[color] for color in COLORS}
        assert got == want_w, "weights " + ", ".join(f"{color} {got.get(ids[f'target group ({color})'])}" for color in COLORS) + \
            " — want " + ", ".join(f"{color} {weights[color]}" for color in COLORS) + f"\nforward config: {got}"
        default = one(raw["listener"]["DefaultActions"], "default action")
        assert default["Type"] == "fixed-response" and default["FixedResponseConfig"]["StatusCode"] == "404", default
        assert (raw["listener"]["Port"], raw["listener"]["Protocol"]) == DEV.listener, raw["listener"]

    check(f"[{step}] catch-all rule (priority 100) forwards blue {weights['blue']} / green {weights['green']}; listener :{DEV.listener[0]} default is a fixed 404", rule)

    def target_groups() -> None:
        problems = []
        for color in COLORS:
            tg = raw["tg"][color]
            got = (tg["Protocol"], tg["Port"], tg["VpcId"], tg["TargetType"], tg.get("HealthCheckPath"), tg.get("HealthCheckProtocol"),
                   tg.get("HealthCheckPort"), tg.get("Matcher", {}).get("HttpCode"))
            want_tg = ("HTTP", DEV.instance_port, ids["VPC"], "instance", DEV.health_path, "HTTP", "traffic-port", "200")
            if got != want_tg:
                problems.append(f"{color}: {got}, want {want_tg}")
            if ids["load balancer"] not in tg.get("LoadBalancerArns", []):
                problems.append(f"{color}: not attached to the load balancer")
        assert not problems, "\n".join(problems)

    check(f"[{step}] target groups: HTTP :{DEV.instance_port} instances in the VPC, health check GET {DEV.health_path} expecting 200", target_groups)

    def load_balancer() -> None:
        lb = raw["lb"]
        public = sorted(s["SubnetId"] for s in raw["subnets"].get("Public", []))
        got = (lb["Scheme"], lb["Type"], sorted(z["SubnetId"] for z in lb["AvailabilityZones"]))
        assert got == ("internet-facing", "application", public), f"{got}, want internet-facing application LB in {public}"

    check(f"[{step}] load balancer: internet-facing, application, in the public subnets", load_balancer)

    if args.save:
        with open(args.ids, "w") as f:
            json.dump(ids, f, indent=2, sort_keys=True)
        print(f"# saved {len(ids)} physical ids of the traffic path to {args.ids}:")
        for role, pid in sorted(ids.items()):
            print(f"#   {role}: {pid}")
        want_ids = 12 + 2 * DEV.azs
        report(len(ids) == want_ids, f"[{step}] {len(ids)} physical ids of the traffic path saved (VPC, {2 * DEV.azs} subnets, 2 SGs, LB, listener, rule, 2 TGs, 2 ASGs, 2 launch templates)", ids)
        return

    with open(args.ids) as f:
        saved = json.load(f)

    def unchanged() -> None:
        changed = [f"{role}: {saved.get(role, '(none)')} -> {ids.get(role, '(gone)')}"
                   for role in sorted(set(saved) | set(ids)) if saved.get(role) != ids.get(role)]
        assert not changed, "replaced or removed on the traffic path:\n" + "\n".join(changed)

    check(f"[{step}] every saved physical id of the traffic path is unchanged ({len(saved)})", unchanged)


# ---------------------------------------------------------------- logs, diffs, self-test


def cmd_moto_log(args: argparse.Namespace) -> None:
    with open(args.log, errors="replace") as f:
        lines = f.read().splitlines()[args.from_line:]
    expected = set(filter(None, args.expected_skipped.split(",")))
    skipped = {m.group(1) for m in (re.search(r"No Moto CloudFormation support for (\S+)", line) for line in lines) if m}
    unexpected = sorted(skipped - expected)
    report(not unexpected, f"[{args.step}] moto skipped only expected resource types ({', '.join(sorted(skipped)) or 'none'})",
           f"moto created nothing for: {', '.join(unexpected)} (add it to EXPECTED_SKIPPED in tools/e2e/run and docs/e2e.md only if that is acceptable)")
    tracebacks = [i for i, line in enumerate(lines) if "Traceback (most recent call last)" in line]
    excerpt = "\n".join(lines[tracebacks[0]:tracebacks[0] + 30]) if tracebacks else None
    report(not tracebacks, f"[{args.step}] no Python Traceback in moto's log", excerpt)


# Resource types on the traffic path (tests/Infra.App.Tests/SwitchSafetyTests.cs, plus launch templates).
TRAFFIC_PATH = {
    "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::LaunchTemplate", "AWS::SecretsManager::Secret",
    "AWS::Route53::RecordSet", "AWS::Route53::HostedZone", "AWS::CertificateManager::Certificate", "AWS::EC2::NatGateway",
}


def cmd_diff_safe(args: argparse.Namespace) -> None:
    """A `cdk diff` output: no resource on the traffic path is destroyed or (maybe) replaced."""
    with open(args.log, errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    header = re.compile(r"^\[([-+~])\] (AWS::\S+|Custom::\S+) (\S+) (\S+)(?: (destroy|replace|orphan))?\s*$")
    blocks: list[tuple[str, str, str, str, list[str]]] = []
    for line in text.splitlines():
        m = header.match(line)
        if m:
            blocks.append((m.group(1), m.group(2), m.group(4), m.group(5) or "", []))
        elif blocks and line.startswith((" ", "\t")):
            blocks[-1][4].append(line)
    bad, off_path, changed = [], [], set()
    for sign, rtype, logical, verb, body in blocks:
        changed.add(rtype)
        replaced = any(re.search(r"requires replacement|may cause replacement|may be replaced", b) for b in body)
        if verb in ("destroy", "replace") or replaced or sign == "-":
            if rtype in TRAFFIC_PATH:
                bad.append(f"{rtype} {logical} {verb or ('replaced' if replaced else 'removed')}")
            else:
                off_path.append(rtype)
    counts = sorted(collections.Counter(off_path).items())
    note = f"; removed or replaced off the traffic path: {', '.join(f'{n} {t}' for t, n in counts)}" if off_path else ""
    report(not bad, f"[{args.step}] cdk diff: nothing on the traffic path replaced or destroyed (changes: {', '.join(sorted(changed)) or 'none'}{note})",
           "\n".join(bad))


def cmd_tamper(args: argparse.Namespace) -> None:
    """Copies a cloud assembly with one resource renamed in Dev-Web, as a construct move would do.
    The template asset gets the new content's hash, or the CLI would find the old object in the
    bootstrap bucket, skip the upload and deploy the old template while printing success."""
    if os.path.exists(args.dst):
        shutil.rmtree(args.dst)
    shutil.copytree(args.src, args.dst)
    path = os.path.join(args.dst, "Dev-Web.template.json")
    with open(path) as f:
        text = f.read()
    assert args.logical_id in text, f"{args.logical_id} not in {path}"
    new_text = text.replace(args.logical_id, args.new_id)
    with open(path, "w") as f:
        f.write(new_text)
    old_hash = hashlib.sha256(text.encode()).hexdigest()
    with open(os.path.join(args.dst, "Dev-Web.assets.json")) as f:
        assets = json.load(f)
    old_keys = [k for k, a in assets["files"].items() if a["source"]["path"] == "Dev-Web.template.json"]
    new_hash = hashlib.sha256(new_text.encode()).hexdigest()
    for name in ("Dev-Web.assets.json", "manifest.json"):
        p = os.path.join(args.dst, name)
        with open(p) as f:
            content = f.read()
        for key in old_keys + [old_hash]:
            content = content.replace(key, new_hash)
        with open(p, "w") as f:
            f.write(content)
    print(f"# {args.dst}: {args.logical_id} renamed to {args.new_id} in Dev-Web (template asset {new_hash[:12]})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    n = sub.add_parser("network")
    n.add_argument("--settings", required=True, help="cloud assembly of the committed dev settings")
    s = sub.add_parser("state")
    s.add_argument("--settings", required=True, help="cloud assembly of the committed dev settings")
    s.add_argument("--step", required=True)
    s.add_argument("--weights", required=True, help="BLUE,GREEN")
    s.add_argument("--capacity", required=True, help="BLUE,GREEN, each MIN-MAX or fleet (the dev fleet's size)")
    s.add_argument("--assembly", required=True)
    s.add_argument("--ids", required=True)
    s.add_argument("--save", action="store_true")
    m = sub.add_parser("moto-log")
    m.add_argument("log")
    m.add_argument("--from-line", type=int, default=0)
    m.add_argument("--expected-skipped", default="")
    m.add_argument("--step", default="deploy")
    d = sub.add_parser("diff-safe")
    d.add_argument("log")
    d.add_argument("--step", default="diff")
    t = sub.add_parser("tamper")
    t.add_argument("src")
    t.add_argument("dst")
    t.add_argument("logical_id")
    t.add_argument("new_id")
    args = p.parse_args()
    if getattr(args, "settings", None):
        global DEV
        DEV = read_settings(args.settings)
    {"network": cmd_network, "state": cmd_state, "moto-log": cmd_moto_log, "diff-safe": cmd_diff_safe, "tamper": cmd_tamper}[args.cmd](args)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
