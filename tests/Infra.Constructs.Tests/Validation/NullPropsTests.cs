using Amazon.CDK;
using Infra.Constructs.CiCd;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Dns;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Security;
using Infra.Constructs.Serverless;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Validation;

/// <summary>
/// A caller without nullable checks (or with <c>null!</c>) that passes no props gets the usual message
/// naming the construct path and the props type, never a NullReferenceException from inside a constructor.
/// </summary>
public sealed class NullPropsTests
{
    public static TheoryData<string, Action<Stack>> Constructs => new()
    {
        { "WebSecurityGroupsProps", s => _ = new WebSecurityGroups(s, "X", null!) },
        { "WebDomainProps", s => _ = new WebDomain(s, "X", null!) },
        { "AliasDeploymentProps", s => _ = new AliasDeployment(s, "X", null!) },
        { "VersionedFunctionProps", s => _ = new VersionedFunction(s, "X", null!) },
        { "CanaryRestApiProps", s => _ = new CanaryRestApi(s, "X", null!) },
        { "WebFleetProps", s => _ = new WebFleet(s, "X", null!) },
        { "WebLoadBalancerProps", s => _ = new WebLoadBalancer(s, "X", null!) },
        { "WebMonitoringProps", s => _ = new WebMonitoring(s, "X", null!) },
        { "FleetDeploymentProps", s => _ = new FleetDeployment(s, "X", null!) },
        { "BlueGreenFleetsProps", s => _ = new BlueGreenFleets(s, "X", null!) },
        { "GitHubOidcRolesProps", s => _ = new GitHubOidcRoles(s, "X", null!) },
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void Null_props_are_rejected_with_the_usual_message(string propsType, Action<Stack> build)
    {
        var stack = new Stack(new App(new AppProps { AnalyticsReporting = false }), "Test");
        var error = FluentActions.Invoking(() => build(stack)).Should().Throw<InvalidPropException>().Which;
        error.Message.Should().Be($"Test/X: invalid {propsType} = (not set). Allowed: a {propsType} (this construct's props are required; see the defaults in its XML docs)");
    }
}
