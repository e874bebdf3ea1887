using Amazon.CDK;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Guardrails;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Network;
using Infra.Constructs.Secrets;
using Infra.Constructs.Security;

namespace Infra.Constructs.Tests.Guardrails;

/// <summary>The guard is the app's choice: library constructs never touch the app root; the app turns it on once.</summary>
public sealed class SecretLiteralGuardOptInTests
{
    /// <summary>An app with the library's main constructs and a planted fake password in a tag; synthesizes it.</summary>
    private static (App App, Action Synth, string Outdir) Shop(bool guard)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "guard-optin-" + Guid.NewGuid().ToString("N"));
        var app = new App(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false, Outdir = outdir });
        if (guard) SecretLiteralGuard.ApplyTo(app).Should().BeTrue();
        var stack = new Stack(app, "Shop");
        var network = new ProductionNetwork(stack, "Network");
        var groups = new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = network.Vpc });
        var secret = new AppSecret(stack, "Secret");
        _ = new InstanceAccess(stack, "Access");
        _ = new RevisionBucket(stack, "Revisions");
        var lb = new WebLoadBalancer(stack, "Lb", new WebLoadBalancerProps { Vpc = network.Vpc, SecurityGroup = groups.LoadBalancer });
        var fleet = new WebFleet(stack, "Fleet", new WebFleetProps { Vpc = network.Vpc, SecurityGroup = groups.App, AppSecret = secret.Secret });
        lb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
        Tags.Of(stack).Add("DB_PASSWORD", FakeSecrets.Password());
        return (app, () => app.Synth(), outdir);
    }

    [Fact]
    public void LibraryConstructsAloneAddNoChildToTheAppAndNoValidationPlugin()
    {
        var (app, synth, outdir) = Shop(guard: false);
        try
        {
            app.Node.Children.Select(c => c.Node.Id).Should().Equal(["Shop"], "the library adds nothing to the user's app root");
            synth.Should().NotThrow("no validation plugin is registered, so the planted value is not judged");
            var report = Path.Combine(outdir, "validation-report.json");
            (File.Exists(report) ? File.ReadAllText(report) : "").Should().NotContain(SecretLiteralGuard.PluginName);
        }
        finally { if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true); }
    }

    [Fact]
    public void AppliedByTheAppTheGuardFailsSynthesisOnAPlantedSecretAndAddsNoConstruct()
    {
        var (app, synth, outdir) = Shop(guard: true);
        try
        {
            app.Node.Children.Select(c => c.Node.Id).Should().Equal(["Shop"], "ApplyTo registers a plugin, no marker construct");
            synth.Should().Throw<Exception>().Where(e => e.Message.Contains("Validation failed", StringComparison.Ordinal));
            File.ReadAllText(Path.Combine(outdir, "validation-report.json")).Should().Contain(SecretLiteralGuard.PluginName)
                .And.Contain("password-like value of the tag DB_PASSWORD");
        }
        finally { if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true); }
    }

    [Fact]
    public void ApplyToIsIdempotent()
    {
        var app = new App(new AppProps { AnalyticsReporting = false });
        SecretLiteralGuard.ApplyTo(app).Should().BeTrue();
        SecretLiteralGuard.ApplyTo(app).Should().BeFalse("the guard is already on for this app");
        SecretLiteralGuard.ApplyTo(new App(new AppProps { AnalyticsReporting = false })).Should().BeTrue("another app is another choice");
        app.Node.Children.Should().BeEmpty();
    }
}
