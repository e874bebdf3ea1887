using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.S3;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Tests.Support;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Validation;

/// <summary>
/// The escape hatch (<see cref="PropsOverride"/>): the CDK's own props override the library's, every set property
/// wins, and the guarded ones are rejected at synth time naming the prop to use. One synthesis for the winners.
/// </summary>
public sealed class PropsOverrideTests
{
    private static readonly Lazy<Template> Overridden = new(() => TestStacks.Synth(s =>
    {
        var props = FleetFactory.Props(s);
        var sg = new SecurityGroup(s, "LbSg", new SecurityGroupProps { Vpc = props.Vpc, Description = "test", AllowAllOutbound = false });
        var lb = new WebLoadBalancer(s, "Lb", new WebLoadBalancerProps
        {
            Vpc = props.Vpc,
            SecurityGroup = sg,
            AccessLogs = false,
            LoadBalancerOverrides = new ApplicationLoadBalancerProps { LoadBalancerName = "shop-web", PreserveHostHeader = true },
        });
        var fleet = new WebFleet(s, "Fleet", props with
        {
            AutoScalingGroupOverrides = new AutoScalingGroupProps
            {
                MaxInstanceLifetime = Duration.Days(7),
                TerminationPolicies = [TerminationPolicy.OLDEST_INSTANCE],
                CapacityRebalance = true,
            },
        });
        lb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
        _ = new RevisionBucket(s, "Revisions", new RevisionBucketProps
        {
            BucketOverrides = new BucketProps { MinimumTLSVersion = 1.2, TransferAcceleration = true },
        });
    }));

    [Fact]
    public void SetPropertiesWinOverTheLibrarysValues()
    {
        var t = Overridden.Value;
        t.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", new Dictionary<string, object>
        {
            ["MaxInstanceLifetime"] = 604800,
            ["TerminationPolicies"] = new[] { "OldestInstance" },
            ["CapacityRebalance"] = true,
        });
        t.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object>
        {
            ["Name"] = "shop-web",
            ["LoadBalancerAttributes"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = "routing.http.preserve_host_header.enabled", ["Value"] = "true" }]),
        });
        t.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["AccelerateConfiguration"] = new Dictionary<string, object> { ["AccelerationStatus"] = "Enabled" },
        });
    }

    [Fact]
    public void UnsetPropertiesKeepTheLibrarysValues()
    {
        var t = Overridden.Value;
        // The library's own settings survive the overrides: group metrics and warm-up, the ALB's hygiene, the bucket's key.
        t.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", new Dictionary<string, object>
        {
            ["MetricsCollection"] = Match.AnyValue(),
            ["DefaultInstanceWarmup"] = 60,
            ["HealthCheckType"] = "ELB",
        });
        t.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object>
        {
            ["LoadBalancerAttributes"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = "routing.http.drop_invalid_header_fields.enabled", ["Value"] = "true" }]),
        });
        t.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["AccelerateConfiguration"] = Match.AnyValue(),
            ["VersioningConfiguration"] = new Dictionary<string, object> { ["Status"] = "Enabled" },
            ["BucketEncryption"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["ServerSideEncryptionConfiguration"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["BucketKeyEnabled"] = true })]),
            }),
        });
    }

    public static TheoryData<string, Func<WebFleetProps, WebFleetProps>> GuardedGroupProps => new()
    {
        { "MinCapacity", p => p with { AutoScalingGroupOverrides = new AutoScalingGroupProps { MinCapacity = 9 } } },
        { "UpdatePolicy", p => p with { AutoScalingGroupOverrides = new AutoScalingGroupProps { UpdatePolicy = UpdatePolicy.ReplacingUpdate() } } },
        { "RequireImdsv2", p => p with { AutoScalingGroupOverrides = new AutoScalingGroupProps { RequireImdsv2 = false } } },
        { "AssociatePublicIpAddress", p => p with { AutoScalingGroupOverrides = new AutoScalingGroupProps { AssociatePublicIpAddress = true } } },
    };

    [Theory]
    [MemberData(nameof(GuardedGroupProps))]
    public void AGuardedGroupPropIsRejectedNamingWhatToUse(string property, Func<WebFleetProps, WebFleetProps> change)
    {
        var stack = TestStacks.NewStack();
        var error = Rejections.Expect(() => new WebFleet(stack, "Fleet", change(FleetFactory.Props(stack))), "Test/Fleet", $"AutoScalingGroupOverrides.{property}");
        error.Allowed.Should().Be(WebFleetSettings.GuardedGroupProps[property]);
    }

    [Fact]
    public void GuardedBucketAndLoadBalancerPropsAreRejectedAllTogether()
    {
        var stack = TestStacks.NewStack();
        System.Action bucket = () => _ = new RevisionBucket(stack, "Revisions", new RevisionBucketProps
        {
            BucketOverrides = new BucketProps { Versioned = false, PublicReadAccess = true, BucketName = "fine-name" },
        });
        var error = Rejections.Expect(bucket, "Test/Revisions", "BucketOverrides.PublicReadAccess");
        error.Errors.Select(e => e.Property).Should().BeEquivalentTo(["RevisionBucketProps.BucketOverrides.Versioned", "RevisionBucketProps.BucketOverrides.PublicReadAccess"]);

        var vpc = TestStacks.Vpc(stack);
        var sg = new SecurityGroup(stack, "LbSg", new SecurityGroupProps { Vpc = vpc, Description = "test" });
        System.Action lb = () => _ = new WebLoadBalancer(stack, "Lb", new WebLoadBalancerProps
        {
            Vpc = vpc,
            SecurityGroup = sg,
            LoadBalancerOverrides = new ApplicationLoadBalancerProps { DropInvalidHeaderFields = false },
        });
        Rejections.Expect(lb, "Test/Lb", "LoadBalancerOverrides.DropInvalidHeaderFields").Allowed.Should().Contain("request smuggling");
    }

    [Fact]
    public void ApplyCopiesOnlySetPropertiesAndCheckNamesEachGuardedOne()
    {
        var defaults = new BucketProps { Versioned = true, EnforceSSL = true, BucketName = "library" };
        var merged = PropsOverride.Apply(defaults, new BucketProps { BucketName = "mine" });
        (merged.BucketName, merged.Versioned, merged.EnforceSSL).Should().Be(("mine", true, true));
        PropsOverride.SetProperties(new BucketProps { BucketName = "mine", Versioned = false }).Should().BeEquivalentTo(["BucketName", "Versioned"]);

        var check = new PropChecks("Test/Thing", "ThingProps");
        PropsOverride.Check(new BucketProps { Versioned = false }, check, "Overrides", new Dictionary<string, string> { ["Versioned"] = "unset: kept on" });
        check.Errors.Should().ContainSingle().Which.Message.Should().Be("Test/Thing: invalid ThingProps.Overrides.Versioned = False. Allowed: unset: kept on");
    }
}
