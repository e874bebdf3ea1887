using Infra.App.Config;
using Infra.Constructs.Deployment;

namespace Infra.App.Tests;

public class ConfigTests
{
    private static Func<string, object?> Context(params (string Key, object Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void DefaultSelectsEveryEnvironment() =>
        AppConfig.Select(Context()).Select(e => e.Name).Should().Equal("dev", "prod");

    [Fact]
    public void EnvSelectsOne() =>
        AppConfig.Select(Context(("env", "prod"))).Should().ContainSingle().Which.Name.Should().Be("prod");

    [Fact]
    public void UnknownEnvListsTheValidChoices()
    {
        var act = () => AppConfig.Select(Context(("env", "nosuch")));
        act.Should().Throw<ConfigException>().WithMessage("Unknown environment -c env=nosuch. Valid: dev, prod, all.");
    }

    [Fact]
    public void TrafficOverridesApplyToTheSelectedEnvironment()
    {
        var dev = AppConfig.Select(Context(("env", "dev"), ("activeColor", "Green"), ("canaryPercent", "10"), ("idleCapacity", "warm"))).Single();
        dev.Traffic.Should().Be(new TrafficPlan { ActiveColor = TrafficColor.Green, CanaryPercent = 10, IdleCapacity = IdleCapacity.Warm });
    }

    [Fact]
    public void DefaultSecurityGroupsAreClosedUnlessTheMotoTestSwitchIsSet()
    {
        AppConfig.Select(Context()).Should().OnlyContain(e => e.RestrictDefaultSecurityGroup);
        AppConfig.Select(Context(("e2e", "moto"))).Should().OnlyContain(e => !e.RestrictDefaultSecurityGroup);
    }

    [Fact]
    public void TheMotoTestSwitchChangesNothingButTheDefaultSecurityGroupRestriction()
    {
        var plain = AppConfig.Select(Context(("env", "dev"))).Single();
        var moto = AppConfig.Select(Context(("env", "dev"), ("e2e", "moto"))).Single();
        moto.Should().Be(plain with { RestrictDefaultSecurityGroup = false });
    }

    [Fact]
    public void NumbersFromJsonContextAreAccepted() =>
        AppConfig.Select(Context(("env", "dev"), ("canaryPercent", 25))).Single().Traffic.CanaryPercent.Should().Be(25);

    [Theory]
    [InlineData("activeColor", "purple", "Valid: blue, green.")]
    [InlineData("activeColor", "1", "Valid: blue, green.")]
    [InlineData("canaryPercent", "ten", "Valid: a whole number from 0 to 100.")]
    [InlineData("canaryPercent", "101", "Valid: a whole number from 0 to 100.")]
    [InlineData("canaryPercent", "-5", "Valid: a whole number from 0 to 100.")]
    [InlineData("canaryPercent", "1e2", "Valid: a whole number from 0 to 100.")]
    [InlineData("idleCapacity", "cold", "Valid: scaleToZero, warm, ready.")]
    [InlineData("account", "12345", "Valid: a 12-digit AWS account id.")]
    [InlineData("region", "mars-north-1a", "Valid: an AWS region such as eu-west-1.")]
    [InlineData("e2e", "aws", "Valid: moto*")]
    public void BadContextValuesListTheValidChoices(string key, string value, string valid)
    {
        var act = () => AppConfig.Select(Context((key, value)));
        act.Should().Throw<ConfigException>().WithMessage($"*-c {key}={value}*{valid}");
    }

    [Fact]
    public void CiIdentityIsOffWithoutAGitHubRepository() => AppConfig.CiIdentity(Context()).Should().BeNull();

    [Fact]
    public void GitHubRepositoryTurnsCiIdentityOn()
    {
        AppConfig.CiIdentity(Context(("githubRepository", " example-org/infra-constructs "))).Should().Be(new CiIdentitySettings("example-org/infra-constructs"));
        const string arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
        AppConfig.CiIdentity(Context(("githubRepository", "example-org/infra-constructs"), ("githubOidcProviderArn", arn)))
            .Should().Be(new CiIdentitySettings("example-org/infra-constructs", arn));
    }

    [Theory]
    [InlineData("example-org", "Valid: owner/name of a GitHub repository")]
    [InlineData("https://github.com/example-org/infra-constructs", "Valid: owner/name of a GitHub repository")]
    [InlineData("example-org/*", "Valid: owner/name of a GitHub repository")]
    [InlineData("-bad/name", "Valid: owner/name of a GitHub repository")]
    public void BadGitHubRepositoryIsRejectedWithTheExpectedForm(string value, string valid)
    {
        var act = () => AppConfig.CiIdentity(Context(("githubRepository", value)));
        act.Should().Throw<ConfigException>().WithMessage($"Invalid -c githubRepository={value}. {valid}*");
    }

    [Fact]
    public void BadOrOrphanProviderArnIsRejected()
    {
        var bad = () => AppConfig.CiIdentity(Context(("githubRepository", "o/r"), ("githubOidcProviderArn", "arn:aws:iam::111111111111:oidc-provider/gitlab.com")));
        bad.Should().Throw<ConfigException>().WithMessage("Invalid -c githubOidcProviderArn=*Valid: arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com*");
        var orphan = () => AppConfig.CiIdentity(Context(("githubOidcProviderArn", "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com")));
        orphan.Should().Throw<ConfigException>().WithMessage("*needs -c githubRepository=owner/name*");
    }

    [Fact]
    public void EnvironmentRangesDoNotOverlap()
    {
        var blocks = Environments.All.Values.Select(e => (e.Name, Cidr: Infra.Constructs.Validation.Cidr.TryParse(e.VpcCidr, out var c) ? c : throw new InvalidOperationException(e.Name))).ToList();
        foreach (var a in blocks)
            foreach (var b in blocks.Where(b => b.Name != a.Name))
                a.Cidr.Overlaps(b.Cidr).Should().BeFalse($"{a.Name} and {b.Name}");
    }

    [Fact]
    public void BenchmarkSwitchesAreNotPartOfTheAppsConfiguration()
    {
        // bench/ref-app owns -c benchEnvironments=N; the production configuration neither knows nor applies it.
        AppConfig.Keys.Should().NotContain("benchEnvironments");
        AppConfig.Select(Context(("env", "dev"), ("benchEnvironments", "3"))).Should().Equal(AppConfig.Select(Context(("env", "dev"))));
    }

    [Fact]
    public void TheEmulatorProfileIsTheOnlyPlaceTheMotoSwitchChangesSettings()
    {
        var plain = AppConfig.Select(Context(("env", "dev"))).Single();
        EmulatorProfile.Parse(null).Should().BeNull();
        EmulatorProfile.Parse("MOTO").Should().BeSameAs(EmulatorProfile.Moto);
        EmulatorProfile.Moto.Apply(plain).Should().Be(AppConfig.Select(Context(("env", "dev"), (EmulatorProfile.ContextKey, "moto"))).Single());
    }
}
