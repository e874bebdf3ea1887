using Amazon.CDK.Assertions;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Security;

public class WebSecurityGroupsTests(WebSecurityGroupsTests.Fixture f) : IClassFixture<WebSecurityGroupsTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Default { get; }
        public System.Text.Json.Nodes.JsonObject DefaultJson { get; }
        public Template WithAdmin { get; }

        public Fixture()
        {
            Default = TestStacks.Synth(s => new WebSecurityGroups(s, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(s) }));
            DefaultJson = Default.Json();
            WithAdmin = TestStacks.Synth(s => new WebSecurityGroups(s, "Groups", new WebSecurityGroupsProps
            {
                Vpc = TestStacks.Vpc(s),
                AdminSshCidrs = ["203.0.113.0/24"],
                InstancePort = 8080,
                LoadBalancerIngressCidrs = ["198.51.100.0/24"],
            }));
        }
    }

    private static Dictionary<string, object> Ingress(string cidr, int port) => new()
    {
        ["IpProtocol"] = "tcp",
        ["FromPort"] = port,
        ["ToPort"] = port,
        [cidr.Contains(':') ? "CidrIpv6" : "CidrIp"] = cidr,
    };

    [Fact]
    public void LoadBalancerAcceptsHttpAndHttpsFromAnywhere()
    {
        f.Default.HasResourceProperties("AWS::EC2::SecurityGroup", new Dictionary<string, object>
        {
            ["SecurityGroupIngress"] = Match.ArrayWith([Match.ObjectLike(Ingress("0.0.0.0/0", 443)), Match.ObjectLike(Ingress("0.0.0.0/0", 80)), Match.ObjectLike(Ingress("::/0", 443))]),
        });
    }

    [Fact]
    public void AppAcceptsOnlyTheInstancePortFromTheLoadBalancerGroup()
    {
        var source = new Capture();
        f.Default.HasResourceProperties("AWS::EC2::SecurityGroupIngress", new Dictionary<string, object>
        {
            ["FromPort"] = 80,
            ["ToPort"] = 80,
            ["IpProtocol"] = "tcp",
            ["SourceSecurityGroupId"] = source,
        });
        source.AsObject().Should().ContainKey("Fn::GetAtt");
        // Nothing but the load balancer reaches the servers: no CIDR ingress on the app group.
        var appGroups = f.DefaultJson.ResourcesOf("AWS::EC2::SecurityGroup").Where(g => g.Props["GroupDescription"]!.GetValue<string>().StartsWith("App servers"));
        appGroups.Should().ContainSingle().Which.Props.ContainsKey("SecurityGroupIngress").Should().BeFalse();
    }

    [Fact]
    public void AFleetOnTheAppGroupTakesItsPort_GivenOnce()
    {
        var json = TestStacks.Synth(s =>
        {
            var vpc = TestStacks.Vpc(s);
            var groups = new WebSecurityGroups(s, "Groups", new WebSecurityGroupsProps { Vpc = vpc, InstancePort = 8080 });
            var lb = new Infra.Constructs.LoadBalancing.WebLoadBalancer(s, "Lb", new Infra.Constructs.LoadBalancing.WebLoadBalancerProps { Vpc = vpc, SecurityGroup = groups.LoadBalancer, AccessLogs = false });
            var fleet = new Infra.Constructs.Compute.WebFleet(s, "Fleet", new Infra.Constructs.Compute.WebFleetProps { Vpc = vpc, SecurityGroup = groups.App });
            lb.Route([new Infra.Constructs.LoadBalancing.WeightedTarget(fleet.TargetGroup, 1)]);
            Rejections.Expect(() => new Infra.Constructs.Compute.WebFleet(s, "Other", new Infra.Constructs.Compute.WebFleetProps { Vpc = vpc, SecurityGroup = groups.App, InstancePort = 8081 }),
                "Test/Other", "InstancePort").Message.Should().Contain("unset or 8080").And.Contain("Test/Groups");
        }).Json();
        json.ResourcesOf("AWS::ElasticLoadBalancingV2::TargetGroup").Single().Props["Port"]!.GetValue<int>().Should().Be(8080);
        // One rule into the servers, on the one port: routing the target group added no second one.
        json.ResourcesOf("AWS::EC2::SecurityGroupIngress").Where(r => r.Props["IpProtocol"]!.GetValue<string>() == "tcp")
            .Select(r => r.Props["FromPort"]!.GetValue<int>()).Should().Equal(8080);
    }

    [Fact]
    public void NoSshIsOpenByDefault() =>
        f.DefaultJson.ToJsonString().Should().NotContain("\"FromPort\":22");

    [Fact]
    public void LoadBalancerMayOnlyForwardToTheApp()
    {
        f.Default.HasResourceProperties("AWS::EC2::SecurityGroupEgress", new Dictionary<string, object>
        {
            ["FromPort"] = 80,
            ["DestinationSecurityGroupId"] = Match.AnyValue(),
        });
        f.DefaultJson.ToJsonString().Should().NotContain("Allow all outbound traffic by default");
    }

    [Fact]
    public void EveryGroupAndRuleHasADescription()
    {
        foreach (var (_, props) in f.DefaultJson.ResourcesOf("AWS::EC2::SecurityGroup"))
        {
            props["GroupDescription"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
            foreach (var rule in (props["SecurityGroupIngress"]?.AsArray() ?? []).Concat(props["SecurityGroupEgress"]?.AsArray() ?? []))
                rule!["Description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        }
        foreach (var type in new[] { "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress" })
            foreach (var (_, props) in f.DefaultJson.ResourcesOf(type))
                props["Description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void AdminSshComesOnlyFromDeclaredNetworks()
    {
        f.WithAdmin.HasResourceProperties("AWS::EC2::SecurityGroup", new Dictionary<string, object>
        {
            ["SecurityGroupIngress"] = Match.ArrayWith([Match.ObjectLike(Ingress("203.0.113.0/24", 22))]),
        });
        f.WithAdmin.HasResourceProperties("AWS::EC2::SecurityGroupIngress", new Dictionary<string, object> { ["FromPort"] = 8080 });
        f.WithAdmin.HasResourceProperties("AWS::EC2::SecurityGroup", new Dictionary<string, object>
        {
            ["SecurityGroupIngress"] = Match.ArrayWith([Match.ObjectLike(Ingress("198.51.100.0/24", 443))]),
        });
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("0.0.0.0/1")]
    [InlineData("128.0.0.0/1")]
    [InlineData("10.0.0.0/8")]
    [InlineData("172.16.0.0/15")]
    [InlineData("2000::/3")]
    [InlineData("2001:db8::/47")]
    public void RejectsSshFromTheWholeInternetOrBlocksThatAddUpToIt(string cidr)
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(stack), AdminSshCidrs = [cidr] }), "Test/Groups", "AdminSshCidrs")
            .Message.Should().Contain("Session Manager");
    }

    [Fact]
    public void AcceptsAdminNetworksAtTheMinimumPrefix()
    {
        var stack = TestStacks.NewStack();
        var act = () => new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(stack), AdminSshCidrs = ["172.16.0.0/16", "2001:db8::/48", "203.0.113.7/32"] });
        act.Should().NotThrow();
    }

    [Fact]
    public void RejectsAMalformedAdminCidr()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(stack), AdminSshCidrs = ["10.0.0.300/24"] }), "Test/Groups", "AdminSshCidrs");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void RejectsAPortOutsideTheTcpRange(int port)
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(stack), InstancePort = port }), "Test/Groups", "InstancePort");
    }

    [Fact]
    public void RejectsNoIngressNetworks()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebSecurityGroups(stack, "Groups", new WebSecurityGroupsProps { Vpc = TestStacks.Vpc(stack), LoadBalancerIngressCidrs = [] }), "Test/Groups", "LoadBalancerIngressCidrs");
    }

    [Fact]
    public void RejectsAMissingVpc() =>
        Rejections.Expect(() => new WebSecurityGroups(TestStacks.NewStack(), "Groups", new WebSecurityGroupsProps { Vpc = null! }), "Test/Groups", "Vpc");
}
