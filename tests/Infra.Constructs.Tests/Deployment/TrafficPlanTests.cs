using Infra.Constructs.Deployment;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Deployment;

public class TrafficPlanTests
{
    [Fact]
    public void Default_SendsAllTrafficToBlueAndKeepsGreenWarm()
    {
        var plan = new TrafficPlan();
        plan.ActiveColor.Should().Be(TrafficColor.Blue);
        plan.CanaryPercent.Should().Be(0);
        plan.IdleCapacity.Should().Be(IdleCapacity.Warm);
        plan.Stickiness.Should().BeNull();
        plan.WeightOf(TrafficColor.Blue).Should().Be(100);
        plan.WeightOf(TrafficColor.Green).Should().Be(0);
        plan.IsRunning(TrafficColor.Green).Should().BeTrue();
    }

    [Theory]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 0, IdleCapacity.Warm, 100, 0, true, true)]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 0, IdleCapacity.ScaleToZero, 100, 0, true, false)]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 10, IdleCapacity.Warm, 90, 10, true, true)]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 10, IdleCapacity.ScaleToZero, 90, 10, true, true)]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 100, IdleCapacity.Warm, 0, 100, true, true)]
    [InlineData(TrafficColor.Blue, TrafficColor.Green, 100, IdleCapacity.ScaleToZero, 0, 100, false, true)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 0, IdleCapacity.Warm, 100, 0, true, true)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 0, IdleCapacity.ScaleToZero, 100, 0, true, false)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 10, IdleCapacity.Warm, 90, 10, true, true)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 10, IdleCapacity.ScaleToZero, 90, 10, true, true)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 100, IdleCapacity.Warm, 0, 100, true, true)]
    [InlineData(TrafficColor.Green, TrafficColor.Blue, 100, IdleCapacity.ScaleToZero, 0, 100, false, true)]
    public void ActiveColorGetsTheRestOfTheCanaryAndOnlyAColorWithoutTrafficMayScaleToZero(
        TrafficColor active, TrafficColor other, int canary, IdleCapacity idle,
        int activeWeight, int otherWeight, bool activeRuns, bool otherRuns)
    {
        var plan = new TrafficPlan { ActiveColor = active, CanaryPercent = canary, IdleCapacity = idle };
        plan.Validate("Test/Fleets");
        plan.OtherColor.Should().Be(other);
        plan.WeightOf(active).Should().Be(activeWeight);
        plan.WeightOf(other).Should().Be(otherWeight);
        plan.IsRunning(active).Should().Be(activeRuns);
        plan.IsRunning(other).Should().Be(otherRuns);
    }

    [Fact]
    public void Validate_AcceptsTheBoundsOfEachRange()
    {
        foreach (var plan in new[]
        {
            new TrafficPlan { CanaryPercent = 0, Stickiness = null },
            new TrafficPlan { CanaryPercent = 100, Stickiness = Amazon.CDK.Duration.Seconds(1) },
            new TrafficPlan { ActiveColor = TrafficColor.Green, Stickiness = Amazon.CDK.Duration.Days(7), IdleCapacity = IdleCapacity.ScaleToZero },
        })
            plan.Invoking(p => p.Validate("Test/Fleets")).Should().NotThrow();
    }

    public static TheoryData<string, TrafficPlan> BadPlans => new()
    {
        { "CanaryPercent", new TrafficPlan { CanaryPercent = -1 } },
        { "CanaryPercent", new TrafficPlan { CanaryPercent = 101 } },
        { "Stickiness", new TrafficPlan { Stickiness = Amazon.CDK.Duration.Seconds(0) } },
        { "Stickiness", new TrafficPlan { Stickiness = Amazon.CDK.Duration.Seconds(604801) } },
        { "Stickiness", new TrafficPlan { Stickiness = Amazon.CDK.Duration.Millis(1500) } },
        { "ActiveColor", new TrafficPlan { ActiveColor = (TrafficColor)7 } },
        { "IdleCapacity", new TrafficPlan { IdleCapacity = (IdleCapacity)7 } },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void Validate_RejectsBadPlansNamingTheConstructAndProperty(string property, TrafficPlan plan)
    {
        var error = Rejections.Expect(() => plan.Validate("Test/Fleets"), "Test/Fleets", property);
        error.Property.Should().Be($"TrafficPlan.{property}");
    }

    [Theory]
    [InlineData("green", TrafficColor.Green)]
    [InlineData(" Blue ", TrafficColor.Blue)]
    [InlineData("BLUE", TrafficColor.Blue)]
    public void TryParseColor_AcceptsColorNamesInAnyCase(string text, TrafficColor expected)
    {
        TrafficPlan.TryParseColor(text, out var color).Should().BeTrue();
        color.Should().Be(expected);
    }

    [Theory]
    [InlineData("purple")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData(" 1 ")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("blue,green")]
    [InlineData("green, blue")]
    public void TryParseColor_RejectsAnythingButAColorName(string? text) =>
        TrafficPlan.TryParseColor(text, out _).Should().BeFalse();
}
