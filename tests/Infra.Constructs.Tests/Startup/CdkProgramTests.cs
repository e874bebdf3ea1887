using Amazon.CDK;
using Infra.Constructs.Network;
using Infra.Constructs.Startup;
using Infra.Constructs.Tests.Guardrails;

namespace Infra.Constructs.Tests.Startup;

/// <summary>A user's Main through <see cref="CdkProgram.Run"/>: a clear message and exit code 1, never a trace.</summary>
public sealed class CdkProgramTests
{
    private static (int Code, string Output) Run(Action<App> build)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "cdkprogram-" + Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        try
        {
            var code = CdkProgram.Run(build, new AppProps { Outdir = outdir, BuiltinCloudFormationValidation = false, AnalyticsReporting = false }, error);
            return (code, error.ToString());
        }
        finally { if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true); }
    }

    [Fact]
    public void A_bad_prop_is_one_line_and_exit_code_1()
    {
        var (code, output) = Run(app => _ = new ProductionNetwork(new Stack(app, "Shop"), "Network", new ProductionNetworkProps { Cidr = "10.30.0.0/33" }));
        code.Should().Be(1);
        output.Should().StartWith("error: Shop/Network: invalid ProductionNetworkProps.Cidr = '10.30.0.0/33'.").And.NotContain("   at ");
    }

    [Fact]
    public void A_secret_in_a_tag_is_the_guards_redacted_report_and_exit_code_1_and_no_validator_quotes_it()
    {
        // The CDK only writes its report here (nothing it prints can quote the value); the consumer test
        // (tools/consumer-test/run) checks the same end to end with the built-in CloudFormation checks on,
        // which flag the tag and would quote it. Everything written to standard error is checked.
        var password = FakeSecrets.Password();
        var outdir = Path.Combine(Path.GetTempPath(), "cdkprogram-" + Guid.NewGuid().ToString("N"));
        var console = new StringWriter();
        var original = Console.Error;
        Console.SetError(console);
        int code;
        try
        {
            code = CdkProgram.Run(app =>
            {
                var stack = new Stack(app, "Shop");
                _ = new ProductionNetwork(stack, "Network");
                Tags.Of(stack).Add("DB_PASSWORD", password);
            }, new AppProps { Outdir = outdir, BuiltinCloudFormationValidation = false, AnalyticsReporting = false });
        }
        finally
        {
            Console.SetError(original);
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
        var output = console.ToString();
        code.Should().Be(1);
        output.Should().Contain("error: synthesis stopped by validation:")
            .And.Contain("password-like value of the tag DB_PASSWORD")
            .And.NotContain("Amazon.JSII");
        output.Contains(password, StringComparison.Ordinal).Should().BeFalse("nothing printed may quote the secret");
    }

    [Fact]
    public void A_good_app_synthesizes_and_returns_0()
    {
        var (code, output) = Run(app => _ = new ProductionNetwork(new Stack(app, "Shop"), "Network"));
        code.Should().Be(0, output);
        output.Should().BeEmpty();
    }
}
