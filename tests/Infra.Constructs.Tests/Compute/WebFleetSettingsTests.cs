using Amazon.CDK;
using Infra.Constructs.Compute;
using Infra.Constructs.Defaults;
using Infra.Constructs.Tests.Support;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Compute;

/// <summary>
/// The fleet's props resolved without a construct tree (<see cref="WebFleetSettings.Resolve"/>): defaults come from
/// <see cref="ComputeDefaults"/>, and every wrong prop is reported in one error, not one per synth.
/// </summary>
public class WebFleetSettingsTests
{
    // Resolve reads no construct: the VPC and group are not needed to check the rest.
    private static readonly WebFleetProps Empty = new() { Vpc = null!, SecurityGroup = null! };

    private static WebFleetSettings Resolve(WebFleetProps props, WebFleetSettings.Context? context = null)
    {
        var check = new PropChecks("Test/Fleet", nameof(WebFleetProps));
        var settings = WebFleetSettings.Resolve(props, check, context);
        check.ThrowIfAny();
        return settings;
    }

    [Fact]
    public void EveryDefaultComesFromComputeDefaults()
    {
        var s = Resolve(Empty);
        s.InstanceType.Should().Be(ComputeDefaults.InstanceType);
        s.MinCapacity.Should().Be(ComputeDefaults.MinCapacity);
        s.MaxCapacity.Should().Be(ComputeDefaults.MaxCapacity);
        s.DesiredCapacity.Should().BeNull("scaling owns the desired capacity unless it is set");
        s.AppProcessCount.Should().Be(ComputeDefaults.AppProcessCount);
        s.AppBasePort.Should().Be(ComputeDefaults.AppBasePort);
        s.InstancePort.Should().Be(ComputeDefaults.InstancePort);
        s.HealthCheckPath.Should().Be(ComputeDefaults.HealthCheckPath);
        s.RootVolumeGiB.Should().Be(ComputeDefaults.RootVolumeGiB);
        s.RootDeviceName.Should().Be(ComputeDefaults.RootDeviceName);
        s.HealthCheckGraceSeconds.Should().Be(ComputeDefaults.HealthCheckGraceSeconds);
        s.CpuTargetPercent.Should().Be(ComputeDefaults.CpuTargetPercent);
        s.RequestsPerTargetPerMinute.Should().Be(ComputeDefaults.RequestsPerTargetPerMinute);
        s.UpdateStrategy.Should().Be(ComputeDefaults.UpdateStrategy);
        s.Refresh.Should().Be(new FleetRefreshPlan(ComputeDefaults.RefreshMinHealthyPercent, ComputeDefaults.RefreshMaxHealthyPercent, s.Refresh!.Checkpoints, ComputeDefaults.RefreshCheckpointDelayMinutes, ComputeDefaults.RefreshBakeMinutes));
        s.Refresh.Checkpoints.Should().BeEmpty();
        s.InstanceWarmupSeconds.Should().Be(ComputeDefaults.InstanceWarmupSeconds);
        s.SignalTimeoutMinutes.Should().Be(ComputeDefaults.SignalTimeoutMinutes);
        s.DeregistrationDelaySeconds.Should().Be(ComputeDefaults.DeregistrationDelaySeconds);
        s.EnvironmentName.Should().Be(ComputeDefaults.EnvironmentName);
        s.ParameterPrefix.Should().Be("/default/web/");
        s.WaitsForHealthySignal.Should().BeTrue();
        s.InstallCodeDeployAgent.Should().BeTrue();
        s.LogsEnabled.Should().BeTrue();
        s.Schedules.Should().BeEmpty();
    }

    [Fact]
    public void GivenValuesWinAndDurationsBecomeTheirUnits()
    {
        var s = Resolve(Empty with
        {
            InstanceType = "m7g.large",
            MinCapacity = 3,
            MaxCapacity = 9,
            HealthCheckGrace = Duration.Minutes(2),
            SignalTimeout = Duration.Minutes(20),
            EnvironmentName = "prod",
            UpdateStrategy = FleetUpdateStrategy.RollingUpdate,
            RollingMaxBatchSize = 2,
        });
        s.InstanceType.Should().Be("m7g.large");
        (s.MinCapacity, s.MaxCapacity).Should().Be((3, 9));
        s.HealthCheckGraceSeconds.Should().Be(120);
        s.SignalTimeoutMinutes.Should().Be(20);
        s.ParameterPrefix.Should().Be("/prod/web/");
        s.Refresh.Should().BeNull("a rolling update has no refresh plan");
        s.RollingMinInService.Should().Be(1, "the minimum minus one batch");
    }

    [Fact]
    public void TheMaximumFollowsALargerMinimumAndAColdFleetSendsNoSignal()
    {
        Resolve(Empty with { MinCapacity = 6 }).MaxCapacity.Should().Be(6);
        Resolve(Empty with { MinCapacity = 0, MaxCapacity = 0 }).WaitsForHealthySignal.Should().BeFalse();
    }

    [Fact]
    public void TheSecurityGroupsPortIsTheDefaultAndAnyOtherIsRejected()
    {
        var context = new WebFleetSettings.Context(SecurityGroupsInstancePort: 8080, SecurityGroupsPath: "Test/Groups");
        Resolve(Empty, context).InstancePort.Should().Be(8080);
        Rejections.Expect(() => Resolve(Empty with { InstancePort = 80 }, context), "Test/Fleet", "InstancePort")
            .Allowed.Should().Contain("Test/Groups");
    }

    [Fact]
    public void ARecordWithoutTheStacksRegionIsRejectedOnlyWhenTheRegionIsKnown()
    {
        var props = Empty with { AmiIdsByRegion = new Dictionary<string, string> { ["eu-west-1"] = "ami-0123456789abcdef0" } };
        Resolve(props).Should().NotBeNull("an environment-agnostic stack checks the region at deploy time (a CloudFormation rule)");
        Rejections.Expect(() => Resolve(props, new WebFleetSettings.Context(StackRegion: "us-east-1")), "Test/Fleet", "AmiIdsByRegion")
            .Allowed.Should().Contain("us-east-1");
    }

    [Fact]
    public void EveryWrongPropIsReportedInOneError()
    {
        var props = Empty with
        {
            InstanceType = "t3.mediun",
            MinCapacity = 5,
            MaxCapacity = 2,
            HealthCheckPath = "health",
            SignalTimeout = Duration.Seconds(90),
            RollingMaxBatchSize = 2,
            Schedules = [new FleetSchedule { Name = "night", Cron = "every night", MinCapacity = 0 }],
        };
        var error = Rejections.Expect(() => Resolve(props), "Test/Fleet", "InstanceType");
        error.Errors.Select(e => e.Property).Should().Equal(
            "WebFleetProps.InstanceType",
            "WebFleetProps.MinCapacity",
            "WebFleetProps.HealthCheckPath",
            "WebFleetProps.SignalTimeout",
            "WebFleetProps.RollingMaxBatchSize",
            "WebFleetProps.Schedules[night].Cron");
        error.Message.Should().Contain("... and 5 more invalid props:");
    }

    [Fact]
    public void TheConstructReportsEveryErrorTogetherBeforeCreatingAnything()
    {
        var stack = TestStacks.NewStack();
        var act = () => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { MinCapacity = -1, AppProcessCount = 0, Color = "not a color" });
        var error = act.Should().Throw<InvalidPropException>().Which;
        error.Errors.Select(e => e.Property).Should().Equal("WebFleetProps.MinCapacity", "WebFleetProps.AppProcessCount", "WebFleetProps.Color");
        stack.Node.TryFindChild("Fleet")!.Node.Children.Should().BeEmpty("no resource is created from rejected props");
    }
}
