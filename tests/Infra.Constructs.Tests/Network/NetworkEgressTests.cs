using System.Text.Json.Nodes;
using Amazon.CDK.AWS.EC2;
using Infra.Constructs.Compute;
using Infra.Constructs.Defaults;
using Infra.Constructs.Network;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Network;

/// <summary>
/// <see cref="ProductionNetworkProps.Egress"/> and <see cref="AppEgress.AwsServicesOnly"/>: a network without NAT whose
/// servers reach AWS only through endpoints, and a servers' group that can reach nothing else (issues 15.4 and 18.8).
/// </summary>
public class NetworkEgressTests(NetworkEgressTests.Fixture f) : IClassFixture<NetworkEgressTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Endpoints only, with database subnets, an egress-limited servers' group and a fleet.</summary>
        public JsonObject EndpointsOnly { get; } = TestStacks.Synth(s =>
        {
            var net = new ProductionNetwork(s, "Net", new ProductionNetworkProps { Egress = NetworkEgress.EndpointsOnly, IsolatedSubnets = true, FlowLogs = false });
            var groups = new WebSecurityGroups(s, "Groups", new WebSecurityGroupsProps { Vpc = net.Vpc, AppEgress = AppEgress.AwsServicesOnly(net.Endpoints!) });
            new WebFleet(s, "Fleet", new WebFleetProps { Vpc = net.Vpc, SecurityGroup = groups.App });
        }).Json();

        /// <summary>NAT and endpoints, two extra services; the servers' group keeps the internet.</summary>
        public JsonObject NatAndEndpoints { get; } = TestStacks.Synth(s =>
        {
            var net = new ProductionNetwork(s, "Net", new ProductionNetworkProps
            {
                Egress = NetworkEgress.NatGatewayAndEndpoints,
                EndpointServices = [.. NetworkDefaults.ServerEndpointServices, "ecr.api", "ecr.dkr"],
                FlowLogs = false,
            });
            new WebSecurityGroups(s, "Groups", new WebSecurityGroupsProps { Vpc = net.Vpc });
        }).Json();
    }

    private static IEnumerable<JsonObject> InterfaceEndpoints(JsonObject t) =>
        t.ResourcesOf("AWS::EC2::VPCEndpoint").Select(r => r.Props).Where(p => p["VpcEndpointType"]?.GetValue<string>() == "Interface");

    private static string ServiceOf(JsonObject endpoint) => TemplateExtensions.RenderText(endpoint["ServiceName"]);

    [Fact]
    public void EndpointsOnly_HasNoNatGatewayAndNoRouteOutOfThePrivateSubnets()
    {
        f.EndpointsOnly.ResourcesOf("AWS::EC2::NatGateway").Should().BeEmpty();
        f.EndpointsOnly.ResourcesOf("AWS::EC2::EIP").Should().BeEmpty();
        // Only the public subnets' tables route 0.0.0.0/0 (to the internet gateway, for the load balancer).
        var defaultRoutes = f.EndpointsOnly.ResourcesOf("AWS::EC2::Route").Where(r => r.Props["DestinationCidrBlock"]?.GetValue<string>() == "0.0.0.0/0").ToList();
        defaultRoutes.Should().HaveCount(2).And.OnlyContain(r => r.Id.Contains("public", StringComparison.Ordinal) && r.Props.ContainsKey("GatewayId"));
        var privateSubnets = f.EndpointsOnly.FullResourcesOf("AWS::EC2::Subnet").Where(r => r.Id.Contains("privateSubnet", StringComparison.Ordinal)).ToList();
        privateSubnets.Should().HaveCount(2);
        privateSubnets.Should().OnlyContain(r => r.Resource["Properties"]!["Tags"]!.ToJsonString().Contains("\"Isolated\"", StringComparison.Ordinal));
    }

    [Fact]
    public void EndpointsOnly_HasAnInterfaceEndpointForEachApiTheServersCall_WithPrivateDnsInTheServersSubnets()
    {
        var endpoints = InterfaceEndpoints(f.EndpointsOnly).ToList();
        endpoints.Select(ServiceOf).Should().BeEquivalentTo(NetworkDefaults.ServerEndpointServices.Select(n => $"com.amazonaws.${{Ref:AWS::Region}}.{n}"));
        endpoints.Should().OnlyContain(e => e["PrivateDnsEnabled"]!.GetValue<bool>());
        // In the servers' subnets (private*), never the database ones (isolated*).
        endpoints.Should().OnlyContain(e => e["SubnetIds"]!.AsArray().Count == 2
            && e["SubnetIds"]!.AsArray().All(id => id!["Ref"]!.GetValue<string>().Contains("privateSubnet", StringComparison.Ordinal)));
        // One group for all of them.
        endpoints.Select(e => e["SecurityGroupIds"]!.ToJsonString()).Distinct().Should().ContainSingle();
        // And the S3 gateway endpoint, the servers' way to packages and revisions.
        f.EndpointsOnly.ResourcesOf("AWS::EC2::VPCEndpoint").Count(r => r.Props["VpcEndpointType"]?.GetValue<string>() == "Gateway").Should().Be(1);
    }

    [Fact]
    public void TheEndpointsGroup_AcceptsHttpsFromTheVpcOnly_AndSendsNothing()
    {
        var group = f.EndpointsOnly.ResourcesOf("AWS::EC2::SecurityGroup").Single(g => g.Id.StartsWith("NetEndpointsSecurityGroup", StringComparison.Ordinal)).Props;
        var ingress = group["SecurityGroupIngress"]!.AsArray().Single()!;
        ingress["IpProtocol"]!.GetValue<string>().Should().Be("tcp");
        ingress["FromPort"]!.GetValue<int>().Should().Be(443);
        ingress["ToPort"]!.GetValue<int>().Should().Be(443);
        ingress["CidrIp"]!.ToJsonString().Should().Contain("CidrBlock");
        // CDK's placeholder for "no egress": a rule to 255.255.255.255/32 that matches nothing.
        group["SecurityGroupEgress"]!.AsArray().Single()!["CidrIp"]!.GetValue<string>().Should().Be("255.255.255.255/32");
    }

    [Fact]
    public void AwsServicesOnly_TheServersGroupReachesOnlyTheEndpointsAndS3_OverHttps()
    {
        var app = f.EndpointsOnly.ResourcesOf("AWS::EC2::SecurityGroup").Single(g => g.Id.StartsWith("GroupsApp", StringComparison.Ordinal)).Props;
        var egress = app["SecurityGroupEgress"]?.AsArray() ?? [];
        egress.Should().BeEmpty("no CIDR egress: nothing to the internet");
        var rules = f.EndpointsOnly.ResourcesOf("AWS::EC2::SecurityGroupEgress")
            .Where(r => r.Props["GroupId"]!.ToJsonString().Contains("GroupsApp", StringComparison.Ordinal)).Select(r => r.Props).ToList();
        rules.Should().HaveCount(2).And.OnlyContain(r => r["FromPort"]!.GetValue<int>() == 443 && r["ToPort"]!.GetValue<int>() == 443);
        rules.Should().ContainSingle(r => r.ContainsKey("DestinationSecurityGroupId") && r["DestinationSecurityGroupId"]!.ToJsonString().Contains("NetEndpointsSecurityGroup", StringComparison.Ordinal));
        var s3 = rules.Single(r => r.ContainsKey("DestinationPrefixListId"));
        // The prefix list id comes from the lookup (AWS assigns it per region; CloudFormation has no attribute for it).
        s3["DestinationPrefixListId"]!.ToJsonString().Should().Contain("NetEndpointsS3PrefixList");
        var lookup = f.EndpointsOnly.ResourcesOf("Custom::AWS").Single().Props;
        lookup["Create"]!.ToJsonString().Should().Contain("describePrefixLists").And.Contain("prefix-list-name").And.Contain(".s3");
    }

    [Fact]
    public void TheFleet_RunsInTheServersIsolatedSubnets_NotTheDatabaseOnes()
    {
        var group = f.EndpointsOnly.ResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Props;
        group["VPCZoneIdentifier"]!.AsArray().Select(s => s!["Ref"]!.GetValue<string>())
            .Should().HaveCount(2).And.OnlyContain(id => id.StartsWith("NetVpcprivateSubnet", StringComparison.Ordinal));
    }

    [Fact]
    public void NatAndEndpoints_KeepsTheNat_AddsTheGivenServices_AndTheInternetEgressByDefault()
    {
        f.NatAndEndpoints.ResourcesOf("AWS::EC2::NatGateway").Should().ContainSingle();
        InterfaceEndpoints(f.NatAndEndpoints).Select(ServiceOf).Should().Contain(["com.amazonaws.${Ref:AWS::Region}.ecr.api", "com.amazonaws.${Ref:AWS::Region}.ecr.dkr"])
            .And.HaveCount(NetworkDefaults.ServerEndpointServices.Count + 2);
        var app = f.NatAndEndpoints.ResourcesOf("AWS::EC2::SecurityGroup").Single(g => g.Id.StartsWith("GroupsApp", StringComparison.Ordinal)).Props;
        app["SecurityGroupEgress"]!.AsArray().Select(r => r!["CidrIp"]!.GetValue<string>()).Should().Equal("0.0.0.0/0", "0.0.0.0/0");
        f.NatAndEndpoints.ResourcesOf("Custom::AWS").Should().BeEmpty("the prefix list is looked up only when a rule needs it");
    }

    [Fact]
    public void TheDefaultNetwork_HasNoInterfaceEndpoints() =>
        InterfaceEndpoints(FleetFactory.DefaultFleetTemplate.Json()).Should().BeEmpty();

    [Fact]
    public void RejectsNatGatewaysWithEndpointsOnly() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Egress = NetworkEgress.EndpointsOnly, NatGateways = 1 }),
            "Test/Net", "ProductionNetworkProps.NatGateways").Allowed.Should().Contain("unset when Egress is EndpointsOnly");

    [Fact]
    public void RejectsEndpointServicesWithoutEndpoints() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { EndpointServices = ["ssm"] }),
            "Test/Net", "ProductionNetworkProps.EndpointServices").Allowed.Should().Contain("NatGatewayAndEndpoints or EndpointsOnly");

    [Fact]
    public void RejectsAnUnknownEgress() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Egress = (NetworkEgress)7 }),
            "Test/Net", "ProductionNetworkProps.Egress");

    [Theory]
    [InlineData("com.amazonaws.eu-west-1.ssm")]
    [InlineData("SSM")]
    [InlineData("")]
    public void RejectsAServiceThatIsNotAnEndpointName(string service) =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Egress = NetworkEgress.EndpointsOnly, EndpointServices = [service] }),
            "Test/Net/Endpoints", "AwsServiceEndpointsProps.Services").Allowed.Should().Contain("such as ssm");

    [Fact]
    public void RejectsAnEmptyOrRepeatedServiceList()
    {
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Egress = NetworkEgress.EndpointsOnly, EndpointServices = [] }),
            "Test/Net/Endpoints", "AwsServiceEndpointsProps.Services");
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Egress = NetworkEgress.EndpointsOnly, EndpointServices = ["ssm", "ssm"] }),
            "Test/Net/Endpoints", "AwsServiceEndpointsProps.Services").Allowed.Should().Be("each service once");
    }

    [Fact]
    public void AFleetRejectsAVpcWithoutServerSubnets()
    {
        var stack = TestStacks.NewStack();
        var vpc = new Vpc(stack, "OnlyDb", new VpcProps
        {
            MaxAzs = 2,
            NatGateways = 0,
            RestrictDefaultSecurityGroup = false,
            SubnetConfiguration = [new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC }, new SubnetConfiguration { Name = "db", SubnetType = SubnetType.PRIVATE_ISOLATED }],
        });
        var sg = new SecurityGroup(stack, "Sg", new SecurityGroupProps { Vpc = vpc });
        Rejections.Expect(() => new WebFleet(stack, "Fleet", new WebFleetProps { Vpc = vpc, SecurityGroup = sg }), "Test/Fleet", "WebFleetProps.Vpc")
            .Allowed.Should().Contain("isolated ones in a group named 'private'");
    }
}
