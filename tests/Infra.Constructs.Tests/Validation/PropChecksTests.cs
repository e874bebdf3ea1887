using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Validation;

public class PropChecksTests
{
    private readonly PropChecks _check = new("Stack/Thing", "ThingProps");

    [Theory]
    [InlineData("0 8 * * MON-FRI")]
    [InlineData("*/15 * * * *")]
    [InlineData("30 22 1 1,7 *")]
    public void ValidCronPasses(string cron)
    {
        _check.Cron("Cron", cron);
        _check.HasErrors.Should().BeFalse();
    }

    [Theory]
    [InlineData("0 8 * *")]
    [InlineData("61 8 * * *")]
    [InlineData("0 25 * * *")]
    [InlineData("every day")]
    public void BadCronIsRejectedWithTheValue(string cron)
    {
        var act = () => { _check.Cron("Cron", cron); _check.ThrowIfAny(); };
        act.Should().Throw<InvalidPropException>().WithMessage($"Stack/Thing: invalid ThingProps.Cron = '{cron}'. Allowed: *");
    }

    [Theory]
    [InlineData("app.example.com", true)]
    [InlineData("example.com", true)]
    [InlineData("", false)]
    [InlineData("localhost", false)]
    [InlineData("-bad.example.com", false)]
    [InlineData("app.example.com.", false)]
    [InlineData("under_score.example.com", false)]
    public void DomainNames(string name, bool ok)
    {
        var act = () => { _check.DomainName("DomainName", name); _check.ThrowIfAny(); };
        if (ok) act.Should().NotThrow(); else act.Should().Throw<InvalidPropException>();
    }

    [Fact]
    public void RangeNamesTheBounds()
    {
        var act = () => { _check.InRange("Count", 7, 1, 5); _check.ThrowIfAny(); };
        act.Should().Throw<InvalidPropException>().WithMessage("*ThingProps.Count = 7. Allowed: a number from 1 to 5");
    }

    [Fact]
    public void ChecksCollectEveryErrorAndThrowThemTogether()
    {
        _check.InRange("Count", 7, 1, 5);
        _check.Cron("Cron", "every day");
        _check.Port("Port", 70000);
        _check.Errors.Should().HaveCount(3, "a failed check records its error and checking goes on");

        var error = _check.Invoking(c => c.ThrowIfAny()).Should().Throw<InvalidPropException>().Which;
        error.Errors.Select(e => e.Property).Should().Equal("ThingProps.Count", "ThingProps.Cron", "ThingProps.Port");
        error.Property.Should().Be("ThingProps.Count", "the first error leads, as a single error always did");
        error.Message.Should().StartWith("Stack/Thing: invalid ThingProps.Count = 7. Allowed: a number from 1 to 5\n... and 2 more invalid props:\n")
            .And.Contain("  Stack/Thing: invalid ThingProps.Cron = 'every day'")
            .And.Contain("  Stack/Thing: invalid ThingProps.Port = 70000");
    }

    [Fact]
    public void FailThrowsNowWithWhatWasCollectedBefore()
    {
        _check.InRange("Count", 7, 1, 5);
        var error = _check.Fail("Vpc", null, "a value");
        error.Errors.Select(e => e.Property).Should().Equal("ThingProps.Count", "ThingProps.Vpc");
    }

    [Fact]
    public void NoErrorsMeansNothingIsThrown()
    {
        _check.InRange("Count", 3, 1, 5);
        _check.Invoking(c => c.ThrowIfAny()).Should().NotThrow();
        _check.HasErrors.Should().BeFalse();
    }
}
