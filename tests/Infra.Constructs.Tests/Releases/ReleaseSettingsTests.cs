using Amazon.CDK;
using Infra.Constructs.Defaults;
using Infra.Constructs.Releases;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Releases;

/// <summary>ProgressiveRelease resolved without a construct tree: defaults, the step rules, every error collected.</summary>
public class ReleaseSettingsTests
{
    private static readonly ReleaseSettings.StepRules Fleet = new(ReleaseDefaults.FleetSteps, WholePercents: true, EndsAtAll: true);
    private static readonly ReleaseSettings.StepRules Api = new(ReleaseDefaults.ApiSteps, WholePercents: false, EndsAtAll: false);

    private static (ReleaseSettings? Settings, PropChecks Check) Resolve(ProgressiveRelease? release, ReleaseSettings.StepRules rules)
    {
        var check = new PropChecks("Test/Fleets", "Props");
        return (ReleaseSettings.Resolve(release, check, "Release", rules), check);
    }

    [Fact]
    public void No_release_resolves_to_null()
    {
        var (settings, check) = Resolve(null, Fleet);
        settings.Should().BeNull();
        check.HasErrors.Should().BeFalse();
    }

    [Fact]
    public void Defaults_come_from_ReleaseDefaults()
    {
        var (s, check) = Resolve(new ProgressiveRelease { Id = "r1" }, Fleet);
        check.HasErrors.Should().BeFalse();
        s!.Steps.Should().Equal(ReleaseDefaults.FleetSteps);
        s.BakeSeconds.Should().Be(ReleaseDefaults.BakeMinutes * 60);
        s.PollSeconds.Should().Be(ReleaseDefaults.PollSeconds).And.BeLessThanOrEqualTo(15, "the issue bounds gate-to-rollback by a 15 s poll");
        s.HealthyWaitSeconds.Should().Be(ReleaseDefaults.HealthyWaitMinutes * 60);
        s.Alarms.Should().BeTrue();
        s.MaxErrorPercent.Should().Be(ReleaseDefaults.MaxErrorPercent);
        s.MaxErrorIncreasePoints.Should().Be(ReleaseDefaults.MaxErrorIncreasePoints);
        s.MaxP99Ratio.Should().Be(ReleaseDefaults.MaxP99Ratio);
        s.MaxP99Seconds.Should().BeNull();
        s.MinRequests.Should().Be(ReleaseDefaults.MinRequests);
        s.DoneStatus.Should().Be("done:r1");
    }

    [Fact]
    public void Fleet_steps_end_with_all_of_the_traffic_and_api_steps_do_not()
    {
        Resolve(new ProgressiveRelease { Id = "r1", Steps = [10, 50] }, Fleet).Settings!.Steps.Should().Equal(10, 50, 100);
        Resolve(new ProgressiveRelease { Id = "r1", Steps = [10, 100] }, Fleet).Settings!.Steps.Should().Equal(10, 100);
        Resolve(new ProgressiveRelease { Id = "r1", Steps = [2.5, 50] }, Api).Settings!.Steps.Should().Equal(2.5, 50);
    }

    [Fact]
    public void Given_values_are_kept()
    {
        var (s, check) = Resolve(new ProgressiveRelease
        {
            Id = "prod-2026-12-07",
            BakeTime = Duration.Minutes(3),
            PollInterval = Duration.Seconds(5),
            HealthyWait = Duration.Minutes(2),
            Gates = new ReleaseGates { Alarms = false, MaxErrorPercent = 2, MaxErrorIncreasePoints = 0, MaxP99 = Duration.Millis(1500), MaxP99Ratio = 1, MinRequests = 1 },
        }, Fleet);
        check.HasErrors.Should().BeFalse();
        (s!.BakeSeconds, s.PollSeconds, s.HealthyWaitSeconds).Should().Be((180, 5, 120));
        (s.Alarms, s.MaxErrorPercent, s.MaxErrorIncreasePoints, s.MaxP99Seconds, s.MaxP99Ratio, s.MinRequests).Should().Be((false, 2.0, 0.0, 1.5, 1.0, 1));
    }

    [Theory]
    [InlineData("Props.Release.Steps", "1 to 10 steps")]
    [InlineData("Props.Release.Steps", "percents above 0 and at most 100")]
    [InlineData("Props.Release.Steps", "strictly ascending percents")]
    [InlineData("Props.Release.Steps", "whole percents")]
    public void Bad_steps_are_rejected(string property, string allowed)
    {
        IReadOnlyList<double> steps = allowed switch
        {
            "1 to 10 steps" => [],
            "percents above 0 and at most 100" => [0, 50],
            "strictly ascending percents" => [50, 25],
            _ => [2.5, 50],
        };
        var (_, check) = Resolve(new ProgressiveRelease { Id = "r1", Steps = steps }, Fleet);
        var error = check.Collected();
        error.Property.Should().Be(property);
        error.Message.Should().Contain(allowed);
    }

    [Fact]
    public void Every_invalid_value_is_reported_together()
    {
        var (_, check) = Resolve(new ProgressiveRelease
        {
            Id = "bad id!",
            BakeTime = Duration.Seconds(30),
            PollInterval = Duration.Seconds(90),
            HealthyWait = Duration.Hours(2),
            Gates = new ReleaseGates { MaxErrorPercent = 0, MaxErrorIncreasePoints = -1, MaxP99 = Duration.Minutes(5), MaxP99Ratio = 0.5, MinRequests = 0 },
        }, Fleet);
        check.Errors.Select(e => e.Property).Should().BeEquivalentTo(
            "Props.Release.Id", "Props.Release.BakeTime", "Props.Release.PollInterval", "Props.Release.HealthyWait",
            "Props.Release.Gates.MaxErrorPercent", "Props.Release.Gates.MaxErrorIncreasePoints", "Props.Release.Gates.MaxP99",
            "Props.Release.Gates.MaxP99Ratio", "Props.Release.Gates.MinRequests");
        check.Collected().Message.Should().StartWith("Test/Fleets: invalid Props.Release.Id = 'bad id!'").And.Contain("and 8 more invalid props");
    }

    [Fact]
    public void A_missing_id_is_rejected_with_an_example()
    {
        var (_, check) = Resolve(new ProgressiveRelease { Id = null! }, Api);
        check.Collected().Property.Should().Be("Props.Release.Id");
        check.Collected().Message.Should().Contain("an id naming this release");
    }

    [Fact]
    public void Metadata_numbers_are_whole_or_text_because_the_metadata_section_takes_no_fractions()
    {
        var (s, _) = Resolve(new ProgressiveRelease { Id = "r1", Steps = [2.5, 50], Gates = new ReleaseGates { MaxP99 = Duration.Seconds(2) } }, Api);
        var json = System.Text.Json.JsonSerializer.Serialize(s!.ToMetadata("api-canary", "Test/Api"));
        json.Should().Contain("\"steps\":[\"2.5\",50]")
            .And.Contain("\"maxErrorPercent\":1,")
            .And.Contain("\"maxErrorIncreasePoints\":\"0.5\"")
            .And.Contain("\"maxP99Ratio\":\"1.5\"")
            .And.Contain("\"maxP99Seconds\":2")
            .And.Contain("\"kind\":\"api-canary\"").And.Contain("\"construct\":\"Test/Api\"");
        ReleaseSettings.Number(0.1).Should().Be("0.1");
        ReleaseSettings.Number(100).Should().Be(100L);
    }
}
