using System.Text.Json.Nodes;

namespace Infra.App.Tests;

/// <summary>
/// The rules CloudFormation applies to an Auto Scaling group's update policy on a stack update, as its template
/// reference states them (aws-attribute-updatepolicy: AutoScalingRollingUpdate, AutoScalingInstanceRefresh;
/// the EC2 Auto Scaling RefreshPreferences API), plus the library's own: a group without servers has no policy.
/// An update is judged by the policy of the template being deployed, so checking every template of every step
/// checks every transition between them.
/// </summary>
public static class UpdatePolicyRules
{
    /// <summary>Every rule the Auto Scaling groups of <paramref name="template"/> break, as "logical id: rule".</summary>
    public static List<string> Violations(JsonObject template)
    {
        var found = new List<string>();
        foreach (var (id, node) in template["Resources"]!.AsObject())
        {
            if (node!["Type"]!.GetValue<string>() != "AWS::AutoScaling::AutoScalingGroup") continue;
            void Fail(string rule) => found.Add($"{id}: {rule}");
            var props = node["Properties"]!;
            var min = int.Parse(props["MinSize"]!.GetValue<string>());
            var max = int.Parse(props["MaxSize"]!.GetValue<string>());
            if (min > max) Fail($"MinSize {min} above MaxSize {max}");
            if (props["DesiredCapacity"] is { } d && int.Parse(d.GetValue<string>()) is var desired && (desired < min || desired > max))
                Fail($"DesiredCapacity {desired} outside {min}-{max}");
            var policy = node["UpdatePolicy"] as JsonObject ?? [];
            var rolling = policy["AutoScalingRollingUpdate"];
            var refresh = policy["AutoScalingInstanceRefresh"];
            if (rolling is not null && refresh is not null)
                Fail("both AutoScalingRollingUpdate and AutoScalingInstanceRefresh (the stack update fails)");
            if (max == 0 && (rolling is not null || refresh is not null || policy.ContainsKey("AutoScalingReplacingUpdate")))
                Fail("a replacement policy on a group without servers (MaxSize 0)");
            if (rolling is not null)
            {
                var inService = rolling["MinInstancesInService"]?.GetValue<int>() ?? 0;
                if (inService >= max) Fail($"MinInstancesInService {inService} not below MaxSize {max}");
                if ((rolling["MaxBatchSize"]?.GetValue<int>() ?? 1) < 1) Fail("MaxBatchSize below 1");
            }
            if (refresh is not null)
            {
                if (refresh["Strategy"]?.GetValue<string>() is not ("Rolling" or "ReplaceRootVolume")) Fail("Strategy not Rolling or ReplaceRootVolume");
                var p = refresh["Preferences"] ?? new JsonObject();
                var minHealthy = p["MinHealthyPercentage"]?.GetValue<int>() ?? 100;
                var maxHealthy = p["MaxHealthyPercentage"]?.GetValue<int>() ?? 110;
                if (minHealthy is < 0 or > 100) Fail($"MinHealthyPercentage {minHealthy} outside 0-100");
                if (maxHealthy is < 100 or > 200) Fail($"MaxHealthyPercentage {maxHealthy} outside 100-200");
                if (maxHealthy - minHealthy > 100) Fail("MaxHealthyPercentage more than 100 above MinHealthyPercentage");
                if (minHealthy == 100 && maxHealthy == 100) Fail("MinHealthyPercentage and MaxHealthyPercentage both 100: nothing can be replaced");
                var checkpoints = p["CheckpointPercentages"]?.AsArray().Select(c => c!.GetValue<int>()).ToArray() ?? [];
                if (checkpoints.Length > 0 && (checkpoints.Zip(checkpoints.Skip(1)).Any(x => x.First >= x.Second) || checkpoints[^1] != 100 || checkpoints[0] < 1))
                    Fail("CheckpointPercentages not ascending, unique, ending at 100");
                if (checkpoints.Length == 0 && p["CheckpointDelay"] is not null) Fail("CheckpointDelay without CheckpointPercentages");
                if (p["CheckpointDelay"]?.GetValue<int>() is { } delay && delay is < 0 or > 172800) Fail("CheckpointDelay outside 0-172800");
                if (p["BakeTime"]?.GetValue<int>() is { } bake && bake is < 0 or > 172800) Fail("BakeTime outside 0-172800");
                if (p["AlarmSpecification"]?["Alarms"]?.AsArray() is { } alarms && alarms.Count is 0 or > 10) Fail($"{alarms.Count} alarms (1-10 allowed)");
            }
        }
        return found;
    }
}
