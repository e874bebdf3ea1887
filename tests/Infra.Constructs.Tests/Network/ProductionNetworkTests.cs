using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.Logs;
using Infra.Constructs.Network;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Network;

public class ProductionNetworkTests(ProductionNetworkTests.Fixture f) : IClassFixture<ProductionNetworkTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Default { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net"));

        public Template Custom { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps
        {
            Cidr = "10.50.0.0/16",
            AvailabilityZones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
            NatGateways = 3,
            IsolatedSubnets = true,
            FlowLogs = false,
            DualStack = true,
        }));

        public Template LongFlowLogs { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps { FlowLogRetention = RetentionDays.TWO_YEARS }));

        public Template DefaultSgLeftOpen { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps { RestrictDefaultSecurityGroup = false }));

        public Template PartnerBucket { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps { S3EndpointExtraBuckets = ["partner-exports", "shared-*-reports"], FlowLogs = false }));

        public Template OpenEndpoint { get; } = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps { S3EndpointAccess = S3EndpointAccess.Unrestricted, FlowLogs = false }));
    }

    private static System.Text.Json.Nodes.JsonArray EndpointStatements(Template t) =>
        t.Json().ResourcesOf("AWS::EC2::VPCEndpoint").Single().Props["PolicyDocument"]!["Statement"]!.AsArray();

    [Fact]
    public void S3Endpoint_ByDefault_AllowsOnlyThisAccountsBucketsAndTheAwsBucketsTheServersRead()
    {
        var statements = EndpointStatements(f.Default);
        statements.Select(st => st!["Sid"]!.GetValue<string>()).Should().Equal("BucketsOfThisAccount", "ReadAwsOwnedBucketsTheServersNeed");
        statements.Should().OnlyContain(st => st!["Effect"]!.GetValue<string>() == "Allow" && st["Principal"]!.ToJsonString() == "{\"AWS\":\"*\"}");
        var own = statements[0]!;
        own["Action"]!.GetValue<string>().Should().Be("s3:*");
        own["Condition"]!.ToJsonString().Should().Be("{\"StringEquals\":{\"aws:ResourceAccount\":{\"Ref\":\"AWS::AccountId\"}}}");
        var aws = statements[1]!;
        aws["Action"]!.GetValue<string>().Should().Be("s3:GetObject");
        var resources = aws["Resource"]!.AsArray().Select(r => TemplateExtensions.RenderText(r)).ToList();
        resources.Should().Contain([
            "arn:${Ref:AWS::Partition}:s3:::al2023-repos-${Ref:AWS::Region}-*/*",
            "arn:${Ref:AWS::Partition}:s3:::aws-codedeploy-${Ref:AWS::Region}/*",
            "arn:${Ref:AWS::Partition}:s3:::amazoncloudwatch-agent-${Ref:AWS::Region}/*",
            "arn:${Ref:AWS::Partition}:s3:::amazon-ssm-${Ref:AWS::Region}/*",
        ]);
        resources.Should().HaveCount(ProductionNetwork.AwsOwnedBuckets.Count).And.OnlyContain(r => r.EndsWith("/*", StringComparison.Ordinal));
    }

    [Fact]
    public void S3Endpoint_ExtraBucketsAreAddedByName()
    {
        var extra = EndpointStatements(f.PartnerBucket).Single(st => st!["Sid"]!.GetValue<string>() == "ExtraBuckets")!;
        extra["Resource"]!.AsArray().Select(r => TemplateExtensions.RenderText(r)).Should().Equal(
            "arn:${Ref:AWS::Partition}:s3:::partner-exports", "arn:${Ref:AWS::Partition}:s3:::partner-exports/*",
            "arn:${Ref:AWS::Partition}:s3:::shared-*-reports", "arn:${Ref:AWS::Partition}:s3:::shared-*-reports/*");
    }

    [Fact]
    public void S3Endpoint_UnrestrictedKeepsTheDefaultPolicy() =>
        f.OpenEndpoint.Json().ResourcesOf("AWS::EC2::VPCEndpoint").Single().Props.ContainsKey("PolicyDocument").Should().BeFalse();

    [Theory]
    [InlineData("arn:aws:s3:::partner")]
    [InlineData("s3://partner")]
    [InlineData("Partner")]
    [InlineData("ab")]
    public void S3Endpoint_RejectsAnExtraBucketThatIsNotABucketName(string bucket) =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { S3EndpointExtraBuckets = [bucket] }), "Test/Net", "ProductionNetworkProps.S3EndpointExtraBuckets")
            .Allowed.Should().Contain("bucket names of 3-63");

    [Fact]
    public void S3Endpoint_RejectsExtraBucketsWhenUnrestricted() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { S3EndpointAccess = S3EndpointAccess.Unrestricted, S3EndpointExtraBuckets = ["partner"] }), "Test/Net", "ProductionNetworkProps.S3EndpointExtraBuckets")
            .Allowed.Should().Contain("unset unless S3EndpointAccess is OwnAccountAndAwsBuckets");

    [Fact]
    public void S3Endpoint_RejectsAnUnknownAccessMode() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { S3EndpointAccess = (S3EndpointAccess)7 }), "Test/Net", "ProductionNetworkProps.S3EndpointAccess")
            .Allowed.Should().Be("OwnAccountAndAwsBuckets or Unrestricted");

    [Fact]
    public void FlowLogRole_MayBeAssumedOnlyForFlowLogsOfThisAccount()
    {
        var role = f.Default.Json().ResourcesOf("AWS::IAM::Role").Single(r => r.Props["AssumeRolePolicyDocument"]!.ToJsonString().Contains("vpc-flow-logs.amazonaws.com", StringComparison.Ordinal));
        var statement = role.Props["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Single()!;
        statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString().Should().Be("{\"Ref\":\"AWS::AccountId\"}");
        TemplateExtensions.RenderText(statement["Condition"]!["ArnLike"]!["aws:SourceArn"])
            .Should().Be("arn:${Ref:AWS::Partition}:ec2:${Ref:AWS::Region}:${Ref:AWS::AccountId}:vpc-flow-log/*");
    }

    [Fact]
    public void Default_IsTwoAzsWithPublicAndPrivateSubnetsAndOneNat()
    {
        f.Default.HasResourceProperties("AWS::EC2::VPC", new Dictionary<string, object>
        {
            ["CidrBlock"] = "10.0.0.0/16",
            ["EnableDnsHostnames"] = true,
            ["EnableDnsSupport"] = true,
        });
        f.Default.ResourceCountIs("AWS::EC2::Subnet", 4);
        f.Default.ResourceCountIs("AWS::EC2::NatGateway", 1);
        f.Default.HasResourceProperties("AWS::EC2::Subnet", new Dictionary<string, object> { ["MapPublicIpOnLaunch"] = false, ["CidrBlock"] = "10.0.0.0/24" });
        f.Default.HasResourceProperties("AWS::EC2::Subnet", new Dictionary<string, object> { ["CidrBlock"] = Match.StringLikeRegexp("^10\\.0\\.[0-9]+\\.0/20$") });
    }

    [Fact]
    public void Default_HasFlowLogsOfAllTrafficKeptAYearAndEncryptedWithARotatedKey()
    {
        f.Default.HasResourceProperties("AWS::EC2::FlowLog", new Dictionary<string, object> { ["TrafficType"] = "ALL", ["ResourceType"] = "VPC" });
        f.Default.HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object>
        {
            ["RetentionInDays"] = 365,
            ["KmsKeyId"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("FlowLogKey"), "Arn" } },
        });
        f.Default.HasResourceProperties("AWS::KMS::Key", new Dictionary<string, object>
        {
            ["EnableKeyRotation"] = true,
            ["KeyPolicy"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Sid"] = "CloudWatchLogsOfThisAccountAndRegion",
                    ["Condition"] = new Dictionary<string, object> { ["ArnLike"] = new Dictionary<string, object> { ["kms:EncryptionContext:aws:logs:arn"] = Match.AnyValue() } },
                })]),
            }),
        });
        f.Default.HasResource("AWS::Logs::LogGroup", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain" });
    }

    [Fact]
    public void Default_HasAnS3GatewayEndpoint()
    {
        var service = new Capture();
        f.Default.HasResourceProperties("AWS::EC2::VPCEndpoint", new Dictionary<string, object> { ["VpcEndpointType"] = "Gateway", ["ServiceName"] = service });
        service.AsObject().Should().NotBeNull();
    }

    [Fact]
    public void Default_ClosesTheDefaultSecurityGroup() =>
        f.Default.ResourceCountIs("Custom::VpcRestrictDefaultSG", 1);

    [Fact]
    public void RestrictDefaultSecurityGroupTrue_IsTheDefault()
    {
        var explicitTrue = TestStacks.Synth(s => new ProductionNetwork(s, "Net", new ProductionNetworkProps { RestrictDefaultSecurityGroup = true }));
        explicitTrue.ToJSON().Should().BeEquivalentTo(f.Default.ToJSON());
    }

    [Fact]
    public void RestrictDefaultSecurityGroupFalse_LeavesOutTheCustomResourceAndItsLambda()
    {
        f.DefaultSgLeftOpen.ResourceCountIs("Custom::VpcRestrictDefaultSG", 0);
        f.DefaultSgLeftOpen.ResourceCountIs("AWS::Lambda::Function", 0);
    }

    [Fact]
    public void RestrictDefaultSecurityGroupFalse_ChangesNothingElse()
    {
        var open = f.DefaultSgLeftOpen.Json()["Resources"]!.AsObject();
        var closed = f.Default.Json()["Resources"]!.AsObject();
        var removed = closed.Where(r => !open.ContainsKey(r.Key)).Select(r => r.Value!["Type"]!.GetValue<string>()).OrderBy(t => t, StringComparer.Ordinal);
        removed.Should().Equal("AWS::IAM::Role", "AWS::Lambda::Function", "Custom::VpcRestrictDefaultSG");
        foreach (var (id, resource) in open)
            System.Text.Json.Nodes.JsonNode.DeepEquals(resource, closed[id]).Should().BeTrue($"{id} is the same with and without the restriction");
    }

    [Fact]
    public void Custom_UsesThreeNamedZonesOneNatEachAndIsolatedSubnets()
    {
        f.Custom.ResourceCountIs("AWS::EC2::Subnet", 9);
        f.Custom.ResourceCountIs("AWS::EC2::NatGateway", 3);
        f.Custom.HasResourceProperties("AWS::EC2::Subnet", new Dictionary<string, object> { ["AvailabilityZone"] = "eu-west-1c" });
        f.Custom.HasResourceProperties("AWS::EC2::VPC", new Dictionary<string, object> { ["CidrBlock"] = "10.50.0.0/16" });
    }

    [Fact]
    public void Custom_FlowLogsCanBeTurnedOff() => f.Custom.ResourceCountIs("AWS::EC2::FlowLog", 0);

    [Fact]
    public void Custom_DualStackAddsAnIpv6Block() =>
        f.Custom.HasResourceProperties("AWS::EC2::VPCCidrBlock", new Dictionary<string, object> { ["AmazonProvidedIpv6CidrBlock"] = true });

    [Fact]
    public void FlowLogRetentionIsConfigurable() =>
        f.LongFlowLogs.HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object> { ["RetentionInDays"] = 731 });

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-a-cidr")]
    [InlineData("10.0.0.1/16")]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.0.0.0/26")]
    public void RejectsBadCidr(string cidr) =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Cidr = cidr }), "Test/Net", "ProductionNetworkProps.Cidr");

    [Fact]
    public void RejectsACidrTooSmallForTheSubnets() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Cidr = "10.0.0.0/20" }), "Test/Net", "Cidr")
            .Message.Should().Contain("at least");

    [Fact]
    public void RejectsACidrOverlappingAnotherNetwork() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { Cidr = "10.0.0.0/16", MustNotOverlap = ["10.0.128.0/17"] }), "Test/Net", "Cidr")
            .Message.Should().Contain("10.0.128.0/17");

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void RejectsAzCountOutsideTwoToThree(int azs) =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { MaxAzs = azs }), "Test/Net", "MaxAzs");

    [Fact]
    public void RejectsThreeAzsInAnEnvironmentAgnosticStackWithoutZoneNames() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { MaxAzs = 3, NatGateways = 1 }), "Test/Net", "MaxAzs")
            .Message.Should().Contain("environment-agnostic");

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void RejectsNatGatewaysOutsideOneToAzCount(int nat) =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { NatGateways = nat }), "Test/Net", "NatGateways");

    [Fact]
    public void RejectsDuplicateZoneNames() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { AvailabilityZones = ["eu-west-1a", "eu-west-1a"] }), "Test/Net", "AvailabilityZones");

    [Fact]
    public void RejectsZonesOfTwoRegions() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { AvailabilityZones = ["eu-west-1a", "eu-central-1b"] }), "Test/Net", "AvailabilityZones")
            .Message.Should().Contain("zones of one region").And.Contain("eu-central-1");

    [Fact]
    public void RejectsZonesOfAnotherRegionThanTheStacks()
    {
        var stack = new Amazon.CDK.Stack(new Amazon.CDK.App(), "Pinned", new Amazon.CDK.StackProps { Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "eu-west-1" } });
        Rejections.Expect(() => new ProductionNetwork(stack, "Net", new ProductionNetworkProps { AvailabilityZones = ["us-east-1a", "us-east-1b"] }), "Pinned/Net", "AvailabilityZones")
            .Message.Should().Contain("the stack's (eu-west-1)");
    }

    [Fact]
    public void RejectsSomethingThatIsNotAZoneName() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { AvailabilityZones = ["eu-west-1", "eu-west-2"] }), "Test/Net", "AvailabilityZones");

    [Fact]
    public void AcceptsLocalZoneNamesOfTheSameRegion()
    {
        var act = () => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { AvailabilityZones = ["us-west-2a", "us-west-2-lax-1a"], NatGateways = 1 });
        act.Should().NotThrow();
    }

    [Fact]
    public void RejectsASecondNetworkOfTheAppThatOverlapsTheFirst()
    {
        var app = new Amazon.CDK.App();
        _ = new ProductionNetwork(new Amazon.CDK.Stack(app, "Dev"), "Net", new ProductionNetworkProps { Cidr = "10.0.0.0/16" });
        Rejections.Expect(() => new ProductionNetwork(new Amazon.CDK.Stack(app, "Prod"), "Net", new ProductionNetworkProps { Cidr = "10.0.128.0/17" }), "Prod/Net", "Cidr")
            .Message.Should().Contain("10.0.0.0/16 of Dev/Net");
    }

    [Fact]
    public void RejectsASecondNetworkOfTheAppWithTheSameRange()
    {
        var app = new Amazon.CDK.App();
        _ = new ProductionNetwork(new Amazon.CDK.Stack(app, "A"), "Net");
        Rejections.Expect(() => new ProductionNetwork(new Amazon.CDK.Stack(app, "B"), "Net"), "B/Net", "Cidr");
    }

    [Fact]
    public void AcceptsOverlappingNetworksInDifferentRegions()
    {
        var app = new Amazon.CDK.App();
        Amazon.CDK.Stack In(string region) => new(app, region, new Amazon.CDK.StackProps { Env = new Amazon.CDK.Environment { Account = "123456789012", Region = region } });
        _ = new ProductionNetwork(In("eu-west-1"), "Net", new ProductionNetworkProps { AvailabilityZones = ["eu-west-1a", "eu-west-1b"] });
        var act = () => new ProductionNetwork(In("eu-central-1"), "Net", new ProductionNetworkProps { AvailabilityZones = ["eu-central-1a", "eu-central-1b"] });
        act.Should().NotThrow();
    }

    [Fact]
    public void RejectsAPublicSubnetMaskOutsideTheVpc() =>
        Rejections.Expect(() => new ProductionNetwork(TestStacks.NewStack(), "Net", new ProductionNetworkProps { PublicSubnetMask = 30 }), "Test/Net", "PublicSubnetMask");
}
