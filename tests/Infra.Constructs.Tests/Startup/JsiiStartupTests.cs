using Infra.Constructs.Startup;

namespace Infra.Constructs.Tests.Startup;

public class JsiiStartupTests
{
    [Fact]
    public void TheNodeOptionIsOneTokenThatSetsTheV8Flags()
    {
        // NODE_OPTIONS splits on spaces and treats double quotes specially: the option must have neither.
        JsiiStartup.NodeOption.Should().StartWith("--import=data:text/javascript,").And.Contain(JsiiStartup.V8Flags);
        JsiiStartup.NodeOption.Should().NotContain(" ").And.NotContain("\"");
    }

    [Fact]
    public void TheModuleInitializerAppliedItOnce()
    {
        if (string.Equals(System.Environment.GetEnvironmentVariable("INFRA_JSII_TUNING"), "off", StringComparison.OrdinalIgnoreCase))
            return; // turned off for this run: nothing to check
        JsiiStartup.Tune().Should().BeFalse("the test assembly's module initializer already applied it");
        var options = System.Environment.GetEnvironmentVariable("NODE_OPTIONS")!;
        options.Split(' ').Count(o => o == JsiiStartup.NodeOption).Should().Be(1);
    }
}
