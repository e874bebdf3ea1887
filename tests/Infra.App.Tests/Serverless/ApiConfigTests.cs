using Infra.App.Config;
using Infra.Constructs.Serverless;

namespace Infra.App.Tests.Serverless;

/// <summary>The <c>apiRelease</c> / <c>apiCanaryPercent</c> context overrides (no synth).</summary>
public sealed class ApiConfigTests
{
    private static IReadOnlyList<EnvironmentSettings> Select(params (string Key, string Value)[] context) =>
        AppConfig.Select(key => context.FirstOrDefault(c => c.Key == key).Value);

    private static EnvironmentSettings Env(string name, params (string Key, string Value)[] context) =>
        Select([("env", name), .. context]).Single();

    [Fact]
    public void Environments_have_a_typed_canary_step()
    {
        Environments.Dev.Api.Release.Should().Be(CanaryRelease.Started(10));
        Environments.Prod.Api.Release.Should().Be(CanaryRelease.None);
        AppConfig.Keys.Should().Contain(["apiRelease", "apiCanaryPercent"]);
    }

    [Fact]
    public void Without_overrides_the_settings_stay()
    {
        Env("dev").Api.Should().Be(Environments.Dev.Api);
    }

    [Theory]
    [InlineData("25", 25)]
    [InlineData("12.5", 12.5)]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    public void Percent_starts_or_moves_the_canary(string text, double percent)
    {
        foreach (var s in Select(("apiCanaryPercent", text)))
            s.Api.Release.Should().Be(CanaryRelease.Started(percent));
    }

    [Theory]
    [InlineData("promoted", CanaryPhase.Promoted)]
    [InlineData("RolledBack", CanaryPhase.RolledBack)]
    [InlineData("none", CanaryPhase.None)]
    public void Release_sets_the_step(string text, CanaryPhase phase) =>
        Env("prod", ("apiRelease", text)).Api.Release.Phase.Should().Be(phase);

    [Fact]
    public void Started_without_a_percent_keeps_the_current_one() =>
        Env("dev", ("apiRelease", "started")).Api.Release.Should().Be(CanaryRelease.Started(10));

    [Fact]
    public void Started_without_a_percent_where_nothing_is_started_is_an_error()
    {
        var act = () => Env("prod", ("apiRelease", "started"));
        act.Should().Throw<ConfigException>().WithMessage("*apiCanaryPercent=N for environment prod*");
    }

    [Theory]
    [InlineData("promote")]
    [InlineData("1")]
    [InlineData("")]
    public void Unknown_release_lists_the_valid_values(string text)
    {
        var act = () => Select(("apiRelease", text));
        act.Should().Throw<ConfigException>().WithMessage($"Invalid -c apiRelease={text}. Valid: none, started, promoted, rolledBack.");
    }

    [Theory]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("10%")]
    public void Bad_percent_says_what_is_valid(string text)
    {
        var act = () => Select(("apiCanaryPercent", text));
        act.Should().Throw<ConfigException>().WithMessage($"Invalid -c apiCanaryPercent={text}. Valid: a number from 0 to 100*");
    }

    [Fact]
    public void Percent_with_another_step_is_an_error()
    {
        var act = () => Select(("apiRelease", "promoted"), ("apiCanaryPercent", "20"));
        act.Should().Throw<ConfigException>().WithMessage("*apiCanaryPercent only with apiRelease=started*");
    }
}
