using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>
/// The sample stack at each step of a release, synthesized once per step for the class. The steps
/// are compared structurally (logical ids, types, changed properties): a release step may change
/// the stage's settings only and must replace nothing.
/// </summary>
public sealed class CanaryReleaseDiffFixture
{
    public JsonObject NotStarted { get; } = Synth(CanaryRelease.None);
    public JsonObject Started0 { get; } = Synth(CanaryRelease.Started(0));
    public JsonObject Started10 { get; } = Synth(CanaryRelease.Started(10));
    public JsonObject Started25 { get; } = Synth(CanaryRelease.Started(25));
    public JsonObject Promoted { get; } = Synth(CanaryRelease.Promoted);
    public JsonObject RolledBack { get; } = Synth(CanaryRelease.RolledBack);
    /// <summary>The commit after a promotion: the canary's settings written as the stage's, no canary.</summary>
    public JsonObject AfterPromotion { get; } = Synth(CanaryRelease.None, afterPromotion: true);

    private static JsonObject Synth(CanaryRelease release, bool afterPromotion = false)
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = CanaryRestApiFixture.SampleProps(original, canary, release) with { Proxy = false };
        if (afterPromotion)
        {
            props = props with
            {
                StableBackend = "canary",
                StageVariables = new Dictionary<string, string> { ["greeting"] = "hello", ["mode"] = "canary" },
                Canary = null,
            };
        }
        _ = new CanaryRestApi(stack, "Api", props);
        return Template.FromStack(stack).Json();
    }
}

public sealed class CanaryReleaseDiffTests(CanaryReleaseDiffFixture f) : IClassFixture<CanaryReleaseDiffFixture>
{
    /// <summary>One changed resource: logical id, type, and the dotted paths of its changed properties.</summary>
    private sealed record Change(string LogicalId, string Type, string Kind, IReadOnlyList<string> Properties);

    /// <summary>Properties of AWS::ApiGateway::Stage whose change replaces the stage.</summary>
    private static readonly string[] StageReplacing = ["RestApiId", "StageName"];

    private static List<Change> Diff(JsonObject before, JsonObject after)
    {
        var a = before["Resources"]!.AsObject();
        var b = after["Resources"]!.AsObject();
        var changes = new List<Change>();
        foreach (var id in a.Select(r => r.Key).Union(b.Select(r => r.Key)).Order(StringComparer.Ordinal))
        {
            var ra = a[id]?.AsObject();
            var rb = b[id]?.AsObject();
            if (ra is null) { changes.Add(new(id, rb!["Type"]!.GetValue<string>(), "added", [])); continue; }
            if (rb is null) { changes.Add(new(id, ra["Type"]!.GetValue<string>(), "removed", [])); continue; }
            var type = ra["Type"]!.GetValue<string>();
            if (type != rb["Type"]!.GetValue<string>()) { changes.Add(new(id, type, "type-changed", [])); continue; }
            var paths = new List<string>();
            Compare(ra, rb, "", paths);
            if (paths.Count > 0) changes.Add(new(id, type, "modified", paths));
        }
        return changes;
    }

    private static void Compare(JsonNode? x, JsonNode? y, string path, List<string> paths)
    {
        if (x is JsonObject ox && y is JsonObject oy)
        {
            foreach (var key in ox.Select(p => p.Key).Union(oy.Select(p => p.Key)))
                Compare(ox[key], oy[key], path.Length == 0 ? key : $"{path}.{key}", paths);
        }
        else if (!JsonNode.DeepEquals(x, y))
        {
            paths.Add(path);
        }
    }

    /// <summary>Asserts that only the stage changed, in place, and only at <paramref name="allowed"/> paths (prefixes).</summary>
    private static Change OnlyStageChanged(JsonObject before, JsonObject after, params string[] allowed)
    {
        var changes = Diff(before, after);
        changes.Should().ContainSingle("only the stage may change; changes: {0}", string.Join("; ", changes.Select(c => $"{c.Kind} {c.Type} {c.LogicalId} [{string.Join(", ", c.Properties)}]")));
        var stage = changes[0];
        stage.Type.Should().Be("AWS::ApiGateway::Stage");
        stage.Kind.Should().Be("modified", "the stage is updated in place, not replaced");
        stage.Properties.Should().OnlyContain(p => p.StartsWith("Properties.", StringComparison.Ordinal), "metadata, DependsOn and policies stay");
        stage.Properties.Should().NotContain(p => StageReplacing.Any(r => p == $"Properties.{r}"), "a new stage name or API would replace the stage");
        stage.Properties.Should().OnlyContain(p => allowed.Any(a => p.StartsWith($"Properties.{a}", StringComparison.Ordinal)));
        return stage;
    }

    [Fact]
    public void Starting_at_0_percent_changes_only_the_canary_overrides()
    {
        var stage = OnlyStageChanged(f.NotStarted, f.Started0, "CanarySetting", "Description");
        stage.Properties.Should().Contain(["Properties.CanarySetting.StageVariableOverrides.lambdaFunction.Ref", "Properties.CanarySetting.StageVariableOverrides.mode"]);
        stage.Properties.Should().NotContain("Properties.CanarySetting.PercentTraffic", "0 % stays 0 %");
    }

    [Fact]
    public void Raising_the_percent_changes_only_the_canary_percent()
    {
        var stage = OnlyStageChanged(f.Started10, f.Started25, "CanarySetting.PercentTraffic", "Description");
        stage.Properties.Should().Contain("Properties.CanarySetting.PercentTraffic");
    }

    [Fact]
    public void Promoting_changes_only_stage_variables_and_canary_settings()
    {
        var stage = OnlyStageChanged(f.Started25, f.Promoted, "Variables", "CanarySetting", "Description");
        stage.Properties.Should().Contain(["Properties.Variables.lambdaFunction.Ref", "Properties.Variables.mode", "Properties.CanarySetting.PercentTraffic", "Properties.CanarySetting.UseStageCache"]);
        stage.Properties.Should().NotContain(p => p.StartsWith("Properties.DeploymentId", StringComparison.Ordinal), "the API definition did not change");
    }

    [Fact]
    public void Rolling_back_changes_only_the_canary_settings()
    {
        var stage = OnlyStageChanged(f.Started25, f.RolledBack, "CanarySetting", "Description");
        stage.Properties.Should().Contain("Properties.CanarySetting.PercentTraffic");
        stage.Properties.Should().NotContain(p => p.StartsWith("Properties.Variables", StringComparison.Ordinal), "the stage keeps what it served");
    }

    [Fact]
    public void Rolling_back_returns_the_stage_to_where_it_was_before_the_canary()
    {
        OnlyStageChanged(f.NotStarted, f.RolledBack, "Description");
    }

    [Fact]
    public void Writing_the_promotion_into_the_config_afterwards_changes_nothing_but_the_label()
    {
        OnlyStageChanged(f.Promoted, f.AfterPromotion, "Description");
    }

    [Fact]
    public void The_comparison_sees_real_changes()
    {
        // Guard against a comparison that finds nothing: the steps do differ.
        Diff(f.Started10, f.Started25).Should().NotBeEmpty();
        Diff(f.Started10, f.Started10).Should().BeEmpty();
    }
}
