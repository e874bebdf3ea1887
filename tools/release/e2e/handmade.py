"""Copy a dev cloud assembly with Dev-Web and Dev-Api hand-edited into release mode as release-spec.md
describes (parameters whose Defaults are the final state, conditions, Metadata["Infra::Releases"]),
rehashing the template assets. Stand-in for the C# constructs' release mode."""
import hashlib, json, os, shutil, sys
src, dst, rid = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "dev-e2e-1"
if os.path.exists(dst): shutil.rmtree(dst)
shutil.copytree(src, dst)
GATES = {"alarms": True, "maxErrorPercent": 1, "maxErrorIncreasePoints": 0.5, "maxP99Seconds": 2, "maxP99Ratio": 1.5, "minRequests": 100}

def rewrite(stack, edit):
    path = os.path.join(dst, f"{stack}.template.json")
    old_text = open(path).read(); t = json.loads(old_text); edit(t)
    new_text = json.dumps(t, indent=1); open(path, "w").write(new_text)
    old_hash, new_hash = hashlib.sha256(old_text.encode()).hexdigest(), hashlib.sha256(new_text.encode()).hexdigest()
    assets = json.load(open(os.path.join(dst, f"{stack}.assets.json")))
    old_keys = [k for k, a in assets["files"].items() if a["source"]["path"] == f"{stack}.template.json"]
    for name in (f"{stack}.assets.json", "manifest.json"):
        p = os.path.join(dst, name); c = open(p).read()
        for key in old_keys + [old_hash]: c = c.replace(key, new_hash)
        open(p, "w").write(c)

def web(t):
    final = {"blueWeight": 0, "greenWeight": 100, "serving": "green", "status": f"done:{rid}"}
    t["Parameters"].update({
        "FleetsBlueWeight": {"Type": "Number", "Default": 0, "MinValue": 0, "MaxValue": 100},
        "FleetsGreenWeight": {"Type": "Number", "Default": 100, "MinValue": 0, "MaxValue": 100},
        "FleetsServing": {"Type": "String", "Default": "green", "AllowedValues": ["blue", "green", "both"]},
        "FleetsReleaseStatus": {"Type": "String", "Default": f"done:{rid}"}})
    t.setdefault("Conditions", {}).update({
        f"Fleets{c}Serves": {"Fn::Or": [{"Fn::Equals": [{"Ref": "FleetsServing"}, c.lower()]}, {"Fn::Equals": [{"Ref": "FleetsServing"}, "both"]}]}
        for c in ("Blue", "Green")})
    R = t["Resources"]
    rule = next(r for r in R.values() if r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule")
    for tg in rule["Properties"]["Actions"][0]["ForwardConfig"]["TargetGroups"]:
        tg["Weight"] = {"Ref": "FleetsBlueWeight" if "Blue" in tg["TargetGroupArn"]["Ref"] else "FleetsGreenWeight"}
    colors = {}
    for c in ("Blue", "Green"):
        asg = next(k for k, r in R.items() if r["Type"] == "AWS::AutoScaling::AutoScalingGroup" and f"Fleets{c}" in k)
        p = R[asg]["Properties"]
        p["MinSize"] = {"Fn::If": [f"Fleets{c}Serves", "1", "0"]}
        p["MaxSize"] = {"Fn::If": [f"Fleets{c}Serves", "2", "0"]}
        p["DesiredCapacity"] = {"Fn::If": [f"Fleets{c}Serves", "1", "0"]}
        tg = next(k for k, r in R.items() if r["Type"] == "AWS::ElasticLoadBalancingV2::TargetGroup" and f"Fleets{c}" in k)
        alarms = sorted(k for k, r in R.items() if r["Type"] == "AWS::CloudWatch::Alarm" and f"Monitoring{c}" in k)
        colors[c.lower()] = {"targetGroup": tg, "autoScalingGroup": asg, "minHealthy": 1, "alarms": alarms}
    lb = next(k for k, r in R.items() if r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer")
    t.setdefault("Metadata", {})["Infra::Releases"] = [{
        "kind": "blue-green", "id": rid, "construct": "Dev-Web/Fleets", "steps": [10, 50, 100],
        "bakeSeconds": 600, "pollSeconds": 15, "healthyWaitSeconds": 4, "gates": GATES,
        "parameters": {"blueWeight": "FleetsBlueWeight", "greenWeight": "FleetsGreenWeight", "serving": "FleetsServing", "status": "FleetsReleaseStatus"},
        "final": final, "loadBalancer": lb, "colors": colors}]

def api(t):
    t["Parameters"].update({"ApiCanaryPercent": {"Type": "Number", "Default": 0, "MinValue": 0, "MaxValue": 100},
                            "ApiReleaseStatus": {"Type": "String", "Default": f"done:{rid}-api"}})
    t.setdefault("Conditions", {})["ApiPromoted"] = {"Fn::Equals": [{"Ref": "ApiReleaseStatus"}, f"done:{rid}-api"]}
    R = t["Resources"]
    stage = next(r for r in R.values() if r["Type"] == "AWS::ApiGateway::Stage")["Properties"]
    orig, canary = stage["Variables"]["lambdaFunction"], stage["CanarySetting"]["StageVariableOverrides"]["lambdaFunction"]
    stage["Variables"]["lambdaFunction"] = {"Fn::If": ["ApiPromoted", canary, orig]}
    stage["CanarySetting"]["PercentTraffic"] = {"Ref": "ApiCanaryPercent"}
    fn = lambda word: next(k for k, r in R.items() if r["Type"] == "AWS::Lambda::Function" and k.startswith(word))
    t.setdefault("Metadata", {})["Infra::Releases"] = [{
        "kind": "api-canary", "id": f"{rid}-api", "construct": "Dev-Api/Api", "steps": [10, 50],
        "bakeSeconds": 300, "pollSeconds": 15, "healthyWaitSeconds": 0, "gates": GATES,
        "parameters": {"percent": "ApiCanaryPercent", "status": "ApiReleaseStatus"},
        "final": {"percent": 0, "status": f"done:{rid}-api"},
        "restApi": next(k for k, r in R.items() if r["Type"] == "AWS::ApiGateway::RestApi"), "stage": stage["StageName"],
        "stable": {"function": fn("Original"), "alarms": []},
        "canary": {"function": fn("Canary"), "alarms": sorted(k for k, r in R.items() if r["Type"] == "AWS::CloudWatch::Alarm" and k.startswith("Canary"))}}]

rewrite("Dev-Web", web); rewrite("Dev-Api", api)
print(f"# {dst}: Dev-Web and Dev-Api hand-edited into release mode (release {rid})")
