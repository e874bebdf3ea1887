using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;

namespace Infra.Constructs.Tests.Support;

/// <summary>Minimal valid fleet props in a stack, for tests that vary one thing.</summary>
public static class FleetFactory
{
    private static readonly Lazy<Amazon.CDK.Assertions.Template> DefaultFleet = new(() => TestStacks.Synth(s => new WebFleet(s, "Fleet", Props(s))));

    /// <summary>
    /// The template of a default fleet (<see cref="Props"/>), synthesized once per test run and shared by
    /// the test classes that inspect it (compute, logs).
    /// </summary>
    public static Amazon.CDK.Assertions.Template DefaultFleetTemplate => DefaultFleet.Value;

    /// <summary>Props with a VPC and a security group created in <paramref name="stack"/>.</summary>
    public static WebFleetProps Props(Stack stack)
    {
        var vpc = TestStacks.Vpc(stack);
        var sg = new SecurityGroup(stack, "AppSg", new SecurityGroupProps { Vpc = vpc, Description = "test" });
        return new WebFleetProps { Vpc = vpc, SecurityGroup = sg };
    }

    /// <summary>Fleet props and a plain-HTTP load balancer (no access logs) in the same VPC.</summary>
    public static (WebLoadBalancer Lb, WebFleetProps Fleet) PropsBehindLoadBalancer(Stack stack)
    {
        var props = Props(stack);
        var sg = new SecurityGroup(stack, "LbSg", new SecurityGroupProps { Vpc = props.Vpc!, Description = "test", AllowAllOutbound = false });
        return (new WebLoadBalancer(stack, "Lb", new WebLoadBalancerProps { Vpc = props.Vpc, SecurityGroup = sg, AccessLogs = false }), props);
    }

    /// <summary>A default fleet that a load balancer routes to (its target-group metrics need the route).</summary>
    public static WebFleet Routed(Stack stack)
    {
        var (lb, props) = PropsBehindLoadBalancer(stack);
        var fleet = new WebFleet(stack, "Fleet", props);
        lb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
        return fleet;
    }
}
