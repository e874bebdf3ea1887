using System.Diagnostics;
using System.Text.Json.Nodes;
using Infra.App.Config;
using Infra.Constructs.Deployment;

namespace Infra.App.Tests;

/// <summary>
/// Proof that each deployment step is safe: the templates before and after are compared by the
/// engine of `cdk diff` (@aws-cdk/cloudformation-diff, via tools/cfn-diff/classify.js), whose
/// replacement rules come from the CloudFormation resource specification. No resource on the
/// traffic path may be replaced or removed.
/// </summary>
[Collection(ReferenceAppCollection.Name)]
public class SwitchSafetyTests(SwitchSafetyTests.Fixture f) : IClassFixture<SwitchSafetyTests.Fixture>
{
    /// <summary>Resource types on the traffic path.</summary>
    public static readonly string[] TrafficPath =
    [
        "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
        "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::AutoScaling::AutoScalingGroup", "AWS::SecretsManager::Secret",
        "AWS::Route53::RecordSet", "AWS::Route53::HostedZone", "AWS::CertificateManager::Certificate", "AWS::EC2::NatGateway",
    ];

    public sealed record Change(string Stack, string LogicalId, string Type, string Kind, string[] ChangedProperties);

    /// <param name="reference">The reference app, synthesized once per run: dev and prod as configured are taken from it.</param>
    public sealed class Fixture(ReferenceAppFixture reference) : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "switch-safety-" + Guid.NewGuid().ToString("N"));
        // Keyed by the settings (a record: equal settings are one configuration), so each variant is synthesized once.
        private readonly Dictionary<EnvironmentSettings, Dictionary<string, string>> _files = [];

        /// <summary>Synthesizes an environment with <paramref name="settings"/> once per distinct settings; returns stack name → template file.</summary>
        public Dictionary<string, string> Synth(string name, EnvironmentSettings settings)
        {
            if (_files.TryGetValue(settings, out var cached)) return cached;
            var files = new Dictionary<string, string>();
            if (Environments.All.TryGetValue(settings.Name, out var configured) && configured == settings)
            {
                foreach (var stack in reference.Assembly.Stacks.Where(s => s.StackName.StartsWith(ReferencePrefix(settings), StringComparison.Ordinal)))
                    files[stack.StackName] = stack.TemplateFullPath;
                return _files[settings] = files;
            }
            var app = AppFactory.Create(validation: false, outdir: Path.Combine(_dir, name));
            Program.Build(app, [settings]);
            // The environment's own stacks (the shared ApiGateway-Account stack is not part of a switch).
            foreach (var stack in app.Synth().Stacks.Where(s => s.StackName.StartsWith(ReferencePrefix(settings), StringComparison.Ordinal)))
                files[stack.StackName] = stack.TemplateFullPath;
            return _files[settings] = files;
        }

        private static string ReferencePrefix(EnvironmentSettings s) => char.ToUpperInvariant(s.Name[0]) + s.Name[1..] + "-";

        /// <summary>Every changed resource between two variants, classified by the cdk diff engine.</summary>
        public List<Change> Diff(string before, EnvironmentSettings a, string after, EnvironmentSettings b)
        {
            var old = Synth(before, a); var @new = Synth(after, b);
            var changes = new List<Change>();
            foreach (var stack in old.Keys.Union(@new.Keys))
            {
                var json = Classify(old.GetValueOrDefault(stack, "-"), @new.GetValueOrDefault(stack, "-"));
                foreach (var r in json["resources"]!.AsArray())
                    changes.Add(new Change(stack, r!["logicalId"]!.GetValue<string>(), r["type"]!.GetValue<string>(), r["change"]!.GetValue<string>(),
                        r["changedProperties"]?.AsArray().Select(p => p!.GetValue<string>()).ToArray() ?? []));
            }
            return changes;
        }

        private static JsonNode Classify(string oldFile, string newFile)
        {
            // The same template on both sides has no change: no need to start the diff engine.
            if (File.Exists(oldFile) && File.ReadAllBytes(oldFile).AsSpan().SequenceEqual(File.ReadAllBytes(newFile)))
                return new JsonObject { ["stack"] = "unchanged", ["resources"] = new JsonArray() };
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Infra.sln"))) root = Path.GetDirectoryName(root)!;
            var psi = new ProcessStartInfo("node", [Path.Combine(root, "tools/cfn-diff/classify.js"), oldFile, newFile])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var node = Process.Start(psi)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEnd();
            node.WaitForExit();
            if (node.ExitCode != 0) throw new InvalidOperationException($"classify.js failed ({node.ExitCode}): {stderr} (run bash tools/setup)");
            return JsonNode.Parse(stdout.Result)!;
        }

        public void Dispose()
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }
    }

    // The hand-stepped path: each step a template change (prod's own release moves parameters instead; see
    // ReleaseDeclarationChangesNoResource and tools/release/e2e).
    private static readonly EnvironmentSettings Prod = Environments.Prod with { Release = null };
    // Flips and canary steps start from a ready idle color (docs/blue-green.md: make it ready, then send it traffic).
    private static readonly EnvironmentSettings ProdReady = Prod with { Traffic = Prod.Traffic with { IdleCapacity = IdleCapacity.Ready } };
    private static EnvironmentSettings WithTraffic(TrafficColor active, int canary) => ProdReady with { Traffic = ProdReady.Traffic with { ActiveColor = active, CanaryPercent = canary } };

    private static void NothingOnTheTrafficPathIsReplacedOrRemoved(IEnumerable<Change> changes) =>
        changes.Where(c => TrafficPath.Contains(c.Type) && c.Kind is "replaced" or "may-replace" or "removed")
            .Should().BeEmpty("a traffic switch must not replace or remove anything clients depend on");

    [Fact]
    public void FlipToGreen_ChangesOnlyTheRuleWeightsAndReplacesNothing()
    {
        var changes = f.Diff("blue-ready", ProdReady, "green", WithTraffic(TrafficColor.Green, 0));
        NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        changes.Should().Contain(c => c.Type == "AWS::ElasticLoadBalancingV2::ListenerRule" && c.Kind == "updated" && c.ChangedProperties.Contains("Actions"));
        changes.Should().ContainSingle("a flip between ready fleets touches only the listener rule");
    }

    [Fact]
    public void RollbackToBlue_IsTheReverseChange()
    {
        var forward = f.Diff("blue-ready", ProdReady, "green", WithTraffic(TrafficColor.Green, 0));
        var back = f.Diff("green", WithTraffic(TrafficColor.Green, 0), "blue-ready", ProdReady);
        NothingOnTheTrafficPathIsReplacedOrRemoved(back);
        back.Select(c => (c.LogicalId, c.Kind)).Should().BeEquivalentTo(forward.Select(c => (c.LogicalId, c.Kind)));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 50)]
    [InlineData(50, 100)]
    [InlineData(50, 0)]
    public void CanaryStep_ChangesOnlyTheRuleWeights(int from, int to)
    {
        var changes = f.Diff($"canary{from}", WithTraffic(TrafficColor.Blue, from), $"canary{to}", WithTraffic(TrafficColor.Blue, to));
        NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        changes.Should().ContainSingle().Which.Type.Should().Be("AWS::ElasticLoadBalancingV2::ListenerRule");
    }

    [Fact]
    public void NewAmiOnTheIdleColor_UpdatesItsLaunchTemplateAndReplacesNothing()
    {
        var changes = f.Diff("blue", Prod, "green-ami", Prod with { Images = new ColorImages(Green: "ami-0123456789abcdef0") });
        NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        changes.Should().Contain(c => c.Type == "AWS::EC2::LaunchTemplate" && c.LogicalId.Contains("Green") && c.Kind == "updated");
        changes.Should().NotContain(c => c.LogicalId.Contains("Blue"), "the live color is untouched");
    }

    [Fact]
    public void RecordingAnImageForTheIdleColor_UpdatesOnlyItsLaunchTemplate()
    {
        // tools/images update --env prod --color green: the record changes, and with it only green's launch template.
        var recorded = Prod with { Images = Prod.Images with { GreenByRegion = new Dictionary<string, string> { ["eu-west-1"] = "ami-0123456789abcdef0" } } };
        var changes = f.Diff("blue", Prod, "green-recorded", recorded);
        NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        changes.Should().Contain(c => c.Type == "AWS::EC2::LaunchTemplate" && c.LogicalId.Contains("Green") && c.Kind == "updated");
        changes.Should().NotContain(c => c.LogicalId.Contains("Blue"), "the live color keeps its image");
    }

    [Fact]
    public void CapacityChange_UpdatesTheGroupsInPlace()
    {
        var changes = f.Diff("blue", Prod, "bigger", Prod with { MaxCapacity = 12 });
        NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        changes.Should().Contain(c => c.Type == "AWS::AutoScaling::AutoScalingGroup" && c.Kind == "updated" && c.ChangedProperties.Contains("MaxSize"));
    }

    [Fact]
    public void ReadyTouchesOnlyTheIdleColorAndWarmAfterTheFlipOnlyTheOldOne()
    {
        // Warm -> Ready: green grows to production capacity and gets the schedules; blue is untouched.
        var ready = f.Diff("blue", Prod, "blue-ready", ProdReady);
        NothingOnTheTrafficPathIsReplacedOrRemoved(ready);
        ready.Should().Contain(c => c.Type == "AWS::AutoScaling::AutoScalingGroup" && c.LogicalId.Contains("Green") && c.ChangedProperties.Contains("MinSize"));
        ready.Should().Contain(c => c.Type == "AWS::AutoScaling::ScheduledAction" && c.LogicalId.Contains("Green") && c.Kind == "added");
        ready.Should().NotContain(c => c.LogicalId.Contains("Blue"), "the live color is untouched");
        ready.Should().NotContain(c => c.Type == "AWS::ElasticLoadBalancingV2::ListenerRule", "no traffic moves");
        // After the flip, Ready -> Warm: blue (now idle) shrinks and loses the schedules; green is untouched.
        var greenWarm = ProdReady with { Traffic = Prod.Traffic with { ActiveColor = TrafficColor.Green } };
        var shrink = f.Diff("green", WithTraffic(TrafficColor.Green, 0), "green-warm", greenWarm);
        NothingOnTheTrafficPathIsReplacedOrRemoved(shrink);
        shrink.Should().Contain(c => c.Type == "AWS::AutoScaling::ScheduledAction" && c.LogicalId.Contains("Blue") && c.Kind == "removed");
        shrink.Should().NotContain(c => c.LogicalId.Contains("Green"));
    }

    [Fact]
    public void ReadyThenFlipThenScaleToZero_NeverReplacesTheTrafficPath()
    {
        var dev = Environments.Dev;
        EnvironmentSettings Step(TrafficColor active, IdleCapacity idle) => dev with { Traffic = dev.Traffic with { ActiveColor = active, IdleCapacity = idle } };
        NothingOnTheTrafficPathIsReplacedOrRemoved(f.Diff("dev-blue-cold", Step(TrafficColor.Blue, IdleCapacity.ScaleToZero), "dev-blue-ready", Step(TrafficColor.Blue, IdleCapacity.Ready)));
        var flip = f.Diff("dev-blue-ready", Step(TrafficColor.Blue, IdleCapacity.Ready), "dev-green-ready", Step(TrafficColor.Green, IdleCapacity.Ready));
        NothingOnTheTrafficPathIsReplacedOrRemoved(flip);
        flip.Should().ContainSingle("between ready colors a flip is the listener rule alone");
        NothingOnTheTrafficPathIsReplacedOrRemoved(f.Diff("dev-green-ready", Step(TrafficColor.Green, IdleCapacity.Ready), "dev-green-cold", Step(TrafficColor.Green, IdleCapacity.ScaleToZero)));
    }

    [Fact]
    public void WarmColdTransitions_WithAndWithoutANewImage_AreUpdatesCloudFormationAccepts()
    {
        // dev's idle green: scaled to zero (as configured), warm (the plan's small size) or ready, with and without a
        // new image recorded for it. Every step's template must satisfy the update-policy rules, and no step may
        // replace anything on the traffic path.
        var dev = Environments.Dev;
        var image = new Dictionary<string, string> { ["eu-west-1"] = "ami-0123456789abcdef0" };
        EnvironmentSettings Idle(IdleCapacity idle, bool newImage = false) => dev with
        {
            Traffic = dev.Traffic with { IdleCapacity = idle },
            Images = newImage ? dev.Images with { GreenByRegion = image } : dev.Images,
        };
        var steps = new (string Name, EnvironmentSettings Settings)[]
        {
            ("dev-blue-cold", Idle(IdleCapacity.ScaleToZero)),
            ("dev-blue-warm", Idle(IdleCapacity.Warm)),
            ("dev-blue-cold-image", Idle(IdleCapacity.ScaleToZero, newImage: true)),
            ("dev-blue-warm-image", Idle(IdleCapacity.Warm, newImage: true)),
            ("dev-blue-cold", Idle(IdleCapacity.ScaleToZero)),
            ("dev-blue-ready", Idle(IdleCapacity.Ready)),
            ("dev-blue-cold", Idle(IdleCapacity.ScaleToZero)),
        };
        foreach (var ((from, a), (to, b)) in steps.Zip(steps.Skip(1)))
        {
            var changes = f.Diff(from, a, to, b);
            NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
            changes.Should().Contain(c => c.Type == "AWS::AutoScaling::AutoScalingGroup" && c.LogicalId.Contains("Green") && c.Kind == "updated", $"{from} -> {to} resizes green in place");
            changes.Should().NotContain(c => c.LogicalId.Contains("Blue"), $"{from} -> {to} leaves the live color alone");
        }
        foreach (var (name, settings) in steps.DistinctBy(s => s.Name))
            foreach (var file in f.Synth(name, settings).Values)
                UpdatePolicyRules.Violations(JsonNode.Parse(File.ReadAllText(file))!.AsObject()).Should().BeEmpty($"{name}: {Path.GetFileName(file)}");
    }

    [Fact]
    public void ReleaseDeclarationChangesNoResource()
    {
        // Prod's next release, to green: its pull request changes parameter defaults and the release metadata only.
        // `cdk deploy` keeps the parameters' current values, so nothing moves until tools/release moves it.
        var next = Environments.Prod with
        {
            Traffic = Environments.Prod.Traffic with { ActiveColor = TrafficColor.Green },
            Release = Environments.Prod.Release! with { Id = "prod-next" },
        };
        var changes = f.Diff("release-now", Environments.Prod, "release-next", next);
        changes.Where(c => c.Kind != "updated" || c.ChangedProperties.Length > 0)
            .Should().BeEmpty("a release declaration must not change what any resource is; the driver moves the parameters");
    }

    [Fact]
    public void TheUpdatePolicyRulesCanFail()
    {
        JsonObject Group(int max, JsonObject policy) => new()
        {
            ["Resources"] = new JsonObject
            {
                ["G"] = new JsonObject { ["Type"] = "AWS::AutoScaling::AutoScalingGroup", ["Properties"] = new JsonObject { ["MinSize"] = "0", ["MaxSize"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ["UpdatePolicy"] = policy },
            },
        };
        UpdatePolicyRules.Violations(Group(2, new JsonObject { ["AutoScalingRollingUpdate"] = new JsonObject { ["MinInstancesInService"] = 2 } }))
            .Should().ContainSingle().Which.Should().Contain("MinInstancesInService 2 not below MaxSize 2");
        UpdatePolicyRules.Violations(Group(0, new JsonObject { ["AutoScalingInstanceRefresh"] = new JsonObject { ["Strategy"] = "Rolling" } }))
            .Should().ContainSingle().Which.Should().Contain("without servers");
        UpdatePolicyRules.Violations(Group(4, new JsonObject
        {
            ["AutoScalingRollingUpdate"] = new JsonObject(),
            ["AutoScalingInstanceRefresh"] = new JsonObject { ["Strategy"] = "Rolling", ["Preferences"] = new JsonObject { ["MinHealthyPercentage"] = 100, ["MaxHealthyPercentage"] = 100 } },
        })).Should().HaveCount(2);
    }

    [Fact]
    public void TheCheckCanFail_ANewVpcRangeReplacesTheNetwork()
    {
        var changes = f.Diff("blue", Prod, "new-cidr", Prod with { VpcCidr = "10.21.0.0/16" });
        changes.Should().Contain(c => c.Type == "AWS::EC2::VPC" && c.Kind == "replaced");
        var act = () => NothingOnTheTrafficPathIsReplacedOrRemoved(changes);
        act.Should().Throw<Exception>();
    }
}
