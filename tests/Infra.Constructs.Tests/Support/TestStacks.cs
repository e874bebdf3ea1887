using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.EC2;

namespace Infra.Constructs.Tests.Support;

/// <summary>
/// Builds stacks for tests. Built-in CloudFormation validation is off here (it costs ~2 s per
/// synth); the reference app's snapshot test runs it once.
/// </summary>
public static class TestStacks
{
    /// <summary>A fresh, environment-agnostic stack in a fresh app, with optional app context (e.g. feature flags).</summary>
    public static Stack NewStack(string id = "Test", Amazon.CDK.Environment? env = null, IDictionary<string, object>? context = null)
    {
        var app = new App(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false, Context = context });
        return new Stack(app, id, new StackProps { Env = env });
    }

    /// <summary>A stack with an account and region (for options that need one).</summary>
    public static Stack NewPinnedStack(string id = "Pinned") =>
        NewStack(id, new Amazon.CDK.Environment { Account = "111111111111", Region = "eu-west-1" });

    /// <summary>A plain two-AZ VPC for constructs that need one.</summary>
    public static IVpc Vpc(Stack stack) => new Vpc(stack, "TestVpc", new VpcProps { MaxAzs = 2, NatGateways = 1, RestrictDefaultSecurityGroup = false });

    /// <summary>Builds a stack once and returns its template.</summary>
    public static Template Synth(Action<Stack> build, Amazon.CDK.Environment? env = null, IDictionary<string, object>? context = null)
    {
        var stack = NewStack(env: env, context: context);
        build(stack);
        return Template.FromStack(stack);
    }
}
