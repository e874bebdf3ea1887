using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Lambda;
using Infra.Constructs.Defaults;
using Infra.Constructs.Security;
using Infra.Constructs.Serverless;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>
/// The API's props resolved without building it (<see cref="CanaryRestApiSettings.Resolve"/>): defaults from
/// <see cref="ApiGatewayDefaults"/>, and every wrong prop reported in one error.
/// </summary>
public sealed class CanaryRestApiSettingsTests
{
    // Functions are imported by ARN into a stack that is never synthesized: Resolve only reads the keys.
    private static readonly Stack Stack = ServerlessTestKit.NewStack();
    private static readonly Dictionary<string, IFunction> Backends = new()
    {
        ["original"] = Function.FromFunctionArn(Stack, "Original", "arn:aws:lambda:eu-west-1:123456789012:function:sample-original:live"),
        ["canary"] = Function.FromFunctionArn(Stack, "Canary", "arn:aws:lambda:eu-west-1:123456789012:function:sample-canary:live"),
    };

    private static CanaryRestApiSettings Resolve(CanaryRestApiProps props)
    {
        var check = new PropChecks("Test/Api", nameof(CanaryRestApiProps));
        var settings = CanaryRestApiSettings.Resolve(props, check, "Test-Api");
        check.ThrowIfAny();
        return settings;
    }

    [Fact]
    public void DefaultsComeFromApiGatewayDefaults()
    {
        var s = Resolve(new CanaryRestApiProps { Backends = new Dictionary<string, IFunction> { ["only"] = Backends["original"] }, Authorization = ApiAuthorization.Iam });
        s.ApiName.Should().Be("Test-Api");
        s.StageName.Should().Be(ApiGatewayDefaults.StageName);
        s.BackendVariable.Should().Be(ApiGatewayDefaults.BackendVariable);
        (s.StableBackend, s.CanaryBackend).Should().Be(("only", "only"), "one backend is the stable one");
        s.Release.Should().Be(CanaryRelease.None);
        s.ThrottlingRateLimit.Should().Be(ApiGatewayDefaults.ThrottlingRateLimit);
        s.ThrottlingBurstLimit.Should().Be(ApiGatewayDefaults.ThrottlingBurstLimit);
        s.CacheClusterSizeGb.Should().BeNull();
        s.CacheTtlSeconds.Should().Be(ApiGatewayDefaults.CacheTtlSeconds);
        s.ExecutionLogLevel.Should().Be(ApiGatewayDefaults.ExecutionLogLevel);
        s.LogRetention.Should().Be(ApiGatewayDefaults.LogRetention);
        s.Firewall.Should().Be(WebFirewall.None);
        s.FirewallRateLimit.Should().Be(FirewallDefaults.RateLimitPer5Minutes);
    }

    [Fact]
    public void AStartedCanaryResolvesItsBackendAndOverrides()
    {
        var s = Resolve(new CanaryRestApiProps
        {
            Backends = Backends,
            StableBackend = "original",
            StageVariables = new Dictionary<string, string> { ["mode"] = "stable" },
            Canary = new StageCanary { Backend = "canary", StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "canary" } },
            Release = CanaryRelease.Started(10),
            Authorization = ApiAuthorization.Iam,
        });
        (s.StableBackend, s.CanaryBackend).Should().Be(("original", "canary"));
        s.CanaryOverrides.Should().Equal(new Dictionary<string, string> { ["mode"] = "canary" });
        s.Release.Percent.Should().Be(10);
    }

    [Fact]
    public void EveryWrongPropIsReportedInOneError()
    {
        var props = new CanaryRestApiProps
        {
            Backends = Backends,
            StageName = "has space",
            Release = CanaryRelease.Started(150),
            ThrottlingRateLimit = 0,
            CacheTtl = Duration.Seconds(30),
            Authorization = ApiAuthorization.Iam,
        };
        var check = new PropChecks("Test/Api", nameof(CanaryRestApiProps));
        CanaryRestApiSettings.Resolve(props, check, "Test-Api");
        var error = check.Invoking(c => c.ThrowIfAny()).Should().Throw<InvalidPropException>().Which;
        error.Errors.Select(e => e.Property).Should().Equal(
            "CanaryRestApiProps.StageName",
            "CanaryRestApiProps.StableBackend",
            "CanaryRestApiProps.Release.Percent",
            "CanaryRestApiProps.Canary",
            "CanaryRestApiProps.ThrottlingRateLimit",
            "CanaryRestApiProps.CacheTtl");
    }

    [Fact]
    public void TheConstructThrowsEveryErrorBeforeCreatingAnything()
    {
        var stack = ServerlessTestKit.NewStack();
        var act = () => new CanaryRestApi(stack, "Api", new CanaryRestApiProps
        {
            Backends = new Dictionary<string, IFunction> { ["only"] = Function.FromFunctionArn(stack, "Fn", "arn:aws:lambda:eu-west-1:123456789012:function:f:live") },
            ThrottlingBurstLimit = 0,
            ExecutionLogLevel = (MethodLoggingLevel)42,
            Authorization = ApiAuthorization.Iam,
        });
        var error = act.Should().Throw<InvalidPropException>().Which;
        error.Errors.Select(e => e.Property).Should().Equal("CanaryRestApiProps.ThrottlingBurstLimit", "CanaryRestApiProps.ExecutionLogLevel");
        stack.Node.TryFindChild("Api")!.Node.Children.Should().BeEmpty();
    }
}
