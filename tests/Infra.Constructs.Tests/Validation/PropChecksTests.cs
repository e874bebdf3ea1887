using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Validation;

public class PropChecksTests
{
    private readonly PropChecks _check = new("Stack/Thing", "ThingProps");

    [Theory]
    [InlineData("0 8 * * MON-FRI")]
    [InlineData("*/15 * * * *")]
    [InlineData("30 22 1 1,7 *")]
    public void ValidCronPasses(string cron) => _check.Cron("Cron", cron);

    [Theory]
    [InlineData("0 8 * *")]
    [InlineData("61 8 * * *")]
    [InlineData("0 25 * * *")]
    [InlineData("every day")]
    public void BadCronIsRejectedWithTheValue(string cron)
    {
        var act = () => _check.Cron("Cron", cron);
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
        var act = () => _check.DomainName("DomainName", name);
        if (ok) act.Should().NotThrow(); else act.Should().Throw<InvalidPropException>();
    }

    [Fact]
    public void RangeNamesTheBounds()
    {
        var act = () => _check.InRange("Count", 7, 1, 5);
        act.Should().Throw<InvalidPropException>().WithMessage("*ThingProps.Count = 7. Allowed: a number from 1 to 5");
    }
}
