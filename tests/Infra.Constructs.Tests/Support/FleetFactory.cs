using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Tests.Support;

/// <summary>Minimal valid fleet props in a stack, for tests that vary one thing.</summary>
public static class FleetFactory
{
    /// <summary>Props with a VPC and a security group created in <paramref name="stack"/>.</summary>
    public static WebFleetProps Props(Stack stack)
    {
        var vpc = TestStacks.Vpc(stack);
        var sg = new SecurityGroup(stack, "AppSg", new SecurityGroupProps { Vpc = vpc, Description = "test" });
        return new WebFleetProps { Vpc = vpc, SecurityGroup = sg };
    }
}
