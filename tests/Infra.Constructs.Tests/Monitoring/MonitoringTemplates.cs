using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

/// <summary>Builds monitored environments and reads dashboards, alarms and user data out of templates.</summary>
public static class MonitoringTemplates
{
    /// <summary>A load balancer and blue/green fleets (10 % canary on green) in <paramref name="stack"/>.</summary>
    public static (WebLoadBalancer Lb, BlueGreenFleets Fleets, IVpc Vpc) BlueGreen(Stack stack, Func<WebFleetProps, WebFleetProps>? fleet = null)
    {
        var props = FleetFactory.Props(stack);
        var lbSg = new SecurityGroup(stack, "LbSg", new SecurityGroupProps { Vpc = props.Vpc!, Description = "test" });
        var lb = new WebLoadBalancer(stack, "Lb", new WebLoadBalancerProps { Vpc = props.Vpc, SecurityGroup = lbSg });
        var fleets = new BlueGreenFleets(stack, "Fleets", new BlueGreenFleetsProps
        {
            LoadBalancer = lb,
            Fleet = fleet?.Invoke(props) ?? props,
            Traffic = new TrafficPlan { ActiveColor = TrafficColor.Blue, CanaryPercent = 10 },
        });
        return (lb, fleets, props.Vpc!);
    }

    /// <summary>A single fleet routed from a load balancer (no blue/green).</summary>
    public static (WebLoadBalancer Lb, WebFleet Fleet) Single(Stack stack, Func<WebFleetProps, WebFleetProps>? fleet = null)
    {
        var props = FleetFactory.Props(stack);
        var lbSg = new SecurityGroup(stack, "LbSg", new SecurityGroupProps { Vpc = props.Vpc!, Description = "test" });
        var lb = new WebLoadBalancer(stack, "Lb", new WebLoadBalancerProps { Vpc = props.Vpc, SecurityGroup = lbSg });
        var web = new WebFleet(stack, "Fleet", fleet?.Invoke(props) ?? props);
        lb.Route([new WeightedTarget(web.TargetGroup, 1)]);
        return (lb, web);
    }

    /// <summary>
    /// Renders a value with intrinsics as text: <c>Ref:X</c>, <c>GetAtt:X.Attr</c>, <c>Import</c>; joins concatenated.
    /// JSON stays valid when the intrinsics sit inside strings (as in a dashboard body).
    /// </summary>
    public static string Render(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o.ContainsKey("Fn::Join") =>
            string.Join(o["Fn::Join"]![0]!.GetValue<string>(), o["Fn::Join"]![1]!.AsArray().Select(Render)),
        JsonObject o when o.ContainsKey("Fn::Base64") => Render(o["Fn::Base64"]),
        JsonObject o when o.ContainsKey("Ref") => "Ref:" + o["Ref"]!.GetValue<string>(),
        JsonObject o when o.ContainsKey("Fn::GetAtt") => "GetAtt:" + string.Join('.', o["Fn::GetAtt"]!.AsArray().Select(x => x!.GetValue<string>())),
        JsonObject o => o.First().Key,
        _ => node.ToJsonString(),
    };

    /// <summary>The dashboard's widgets (body parsed after rendering).</summary>
    public static JsonArray Widgets(this JsonObject template)
    {
        var dashboard = template.ResourcesOf("AWS::CloudWatch::Dashboard").Single().Props;
        return JsonNode.Parse(Render(dashboard["DashboardBody"]))!["widgets"]!.AsArray();
    }

    /// <summary>The widget titled <paramref name="title"/>.</summary>
    public static JsonObject Widget(this JsonArray widgets, string title) =>
        widgets.Single(w => w!["properties"]!["title"]?.GetValue<string>() == title)!.AsObject();

    /// <summary>Titles of graph and alarm widgets.</summary>
    public static IReadOnlyList<string> Titles(this JsonArray widgets) =>
        widgets.Select(w => w!["properties"]!["title"]?.GetValue<string>()).OfType<string>().ToList();

    /// <summary>Markdown of the text widgets.</summary>
    public static string Markdown(this JsonArray widgets) =>
        string.Join("\n", widgets.Select(w => w!["properties"]!["markdown"]?.GetValue<string>()).OfType<string>());

    /// <summary>Metric names (second element of each metric array) and expressions of a widget.</summary>
    public static IReadOnlyList<string> MetricNames(this JsonObject widget) =>
        widget["properties"]!["metrics"]!.AsArray().Select(m => m!.AsArray())
            .Select(m => m[0] is JsonObject expr ? "expr:" + expr["expression"]!.GetValue<string>() : m[1]!.GetValue<string>())
            .ToList();

    /// <summary>Alarms (logical id → properties) of a template.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Alarms(this JsonObject template) =>
        template.ResourcesOf("AWS::CloudWatch::Alarm").ToDictionary(a => a.Id, a => a.Props);

    /// <summary>Logical ids referenced (Ref) by an alarm's actions.</summary>
    public static IReadOnlyList<string> ActionRefs(this JsonObject alarm, string key = "AlarmActions") =>
        (alarm[key]?.AsArray() ?? []).Select(a => a!["Ref"]?.GetValue<string>() ?? a.ToJsonString()).ToList();

    /// <summary>The user data of the launch template whose logical id contains <paramref name="idPart"/> (or the only one).</summary>
    public static string UserData(this JsonObject template, string idPart = "") =>
        Render(template.ResourcesOf("AWS::EC2::LaunchTemplate").Single(l => l.Id.Contains(idPart)).Props["LaunchTemplateData"]!["UserData"]);
}
