using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.LoadBalancing;

public class WebLoadBalancerTests(WebLoadBalancerTests.Fixture f) : IClassFixture<WebLoadBalancerTests.Fixture>
{
    internal static (WebLoadBalancer Lb, IVpc Vpc) Build(Stack stack, Func<WebLoadBalancerProps, WebLoadBalancerProps>? change = null)
    {
        var vpc = TestStacks.Vpc(stack);
        var sg = new SecurityGroup(stack, "LbSg", new SecurityGroupProps { Vpc = vpc, Description = "test", AllowAllOutbound = false });
        var props = new WebLoadBalancerProps { Vpc = vpc, SecurityGroup = sg };
        return (new WebLoadBalancer(stack, "Lb", change?.Invoke(props) ?? props), vpc);
    }

    internal static ApplicationTargetGroup TargetGroup(Stack stack, IVpc vpc, string id) =>
        new(stack, id, new ApplicationTargetGroupProps { Vpc = vpc, Port = 80, Protocol = ApplicationProtocol.HTTP, TargetType = TargetType.INSTANCE });

    public sealed class Fixture
    {
        public Template Https { get; }
        public JsonObject HttpsJson { get; }
        public Template Http { get; }
        public Template Pinned { get; }
        public Template Firewalled { get; }
        public Template ExistingAcl { get; }

        public Fixture()
        {
            Https = TestStacks.Synth(s =>
            {
                var cert = Certificate.FromCertificateArn(s, "Cert", "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000");
                var (lb, vpc) = Build(s, p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, Certificate = cert, DeletionProtection = true, AccessLogRetention = Amazon.CDK.Duration.Days(30), IdleTimeout = Amazon.CDK.Duration.Seconds(120) });
                lb.Route([new WeightedTarget(TargetGroup(s, vpc, "Blue"), 90), new WeightedTarget(TargetGroup(s, vpc, "Green"), 10)], Duration.Minutes(5));
            });
            HttpsJson = Https.Json();
            Http = TestStacks.Synth(s =>
            {
                var (lb, vpc) = Build(s, p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, AccessLogs = false });
                lb.Route([new WeightedTarget(TargetGroup(s, vpc, "Only"), 1)]);
            });
            Firewalled = TestStacks.Synth(s => Build(s, p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, Firewall = WebFirewall.AwsManagedRules, AccessLogs = false }));
            ExistingAcl = TestStacks.Synth(s => Build(s, p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, WebAclArn = ExistingAclArn, AccessLogs = false }));
            var pinned = TestStacks.NewPinnedStack();
            Build(pinned);
            Pinned = Template.FromStack(pinned);
        }
    }

    [Fact]
    public void IsInternetFacingDropsInvalidHeadersAndIsProtectedFromDeletion()
    {
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object> { ["Scheme"] = "internet-facing", ["Type"] = "application" });
        foreach (var (key, value) in new[] { ("deletion_protection.enabled", "true"), ("routing.http.drop_invalid_header_fields.enabled", "true"), ("idle_timeout.timeout_seconds", "120"), ("routing.http.desync_mitigation_mode", "defensive") })
            f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object>
            {
                ["LoadBalancerAttributes"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = key, ["Value"] = value }]),
            });
    }

    [Fact]
    public void ServesHttpsWithAModernTlsPolicy() =>
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 443,
            ["Protocol"] = "HTTPS",
            ["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06",
            ["Certificates"] = new object[] { new Dictionary<string, object> { ["CertificateArn"] = Match.StringLikeRegexp("^arn:aws:acm:") } },
        });

    [Fact]
    public void RedirectsHttpToHttpsPermanently() =>
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 80,
            ["Protocol"] = "HTTP",
            ["DefaultActions"] = new object[] { new Dictionary<string, object>
            {
                ["Type"] = "redirect",
                ["RedirectConfig"] = new Dictionary<string, object> { ["Protocol"] = "HTTPS", ["Port"] = "443", ["StatusCode"] = "HTTP_301" },
            } },
        });

    [Fact]
    public void WithoutACertificateServesPlainHttpOnly()
    {
        f.Http.ResourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
        f.Http.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object> { ["Port"] = 80, ["Protocol"] = "HTTP" });
    }

    [Fact]
    public void RoutesAllTrafficThroughOneWeightedCatchAllRule()
    {
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Priority"] = 100,
            ["Conditions"] = new object[] { new Dictionary<string, object> { ["Field"] = "path-pattern", ["PathPatternConfig"] = new Dictionary<string, object> { ["Values"] = new[] { "*" } } } },
            ["Actions"] = new object[] { Match.ObjectLike(new Dictionary<string, object>
            {
                ["Type"] = "forward",
                ["ForwardConfig"] = new Dictionary<string, object>
                {
                    ["TargetGroups"] = new object[]
                    {
                        new Dictionary<string, object> { ["TargetGroupArn"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Blue") }, ["Weight"] = 90 },
                        new Dictionary<string, object> { ["TargetGroupArn"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Green") }, ["Weight"] = 10 },
                    },
                    ["TargetGroupStickinessConfig"] = new Dictionary<string, object> { ["Enabled"] = true, ["DurationSeconds"] = 300 },
                },
            }) },
        });
        // The listener itself answers only what no rule matched.
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 443,
            ["DefaultActions"] = new object[] { Match.ObjectLike(new Dictionary<string, object> { ["Type"] = "fixed-response" }) },
        });
    }

    [Fact]
    public void SingleTargetIsAPlainForward() =>
        f.Http.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Actions"] = new object[] { Match.ObjectLike(new Dictionary<string, object> { ["Type"] = "forward", ["TargetGroupArn"] = Match.AnyValue() }) },
        });

    [Fact]
    public void AccessLogsGoToAnEncryptedSslOnlyBucketWithALifecycle()
    {
        f.Https.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["BucketEncryption"] = new Dictionary<string, object> { ["ServerSideEncryptionConfiguration"] = new object[] { new Dictionary<string, object> { ["ServerSideEncryptionByDefault"] = new Dictionary<string, object> { ["SSEAlgorithm"] = "AES256" } } } },
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object> { ["BlockPublicAcls"] = true, ["BlockPublicPolicy"] = true, ["IgnorePublicAcls"] = true, ["RestrictPublicBuckets"] = true },
            ["LifecycleConfiguration"] = new Dictionary<string, object> { ["Rules"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["ExpirationInDays"] = 30, ["Status"] = "Enabled" })]) },
        });
        foreach (var statement in new[]
        {
            Match.ObjectLike(new Dictionary<string, object> { ["Effect"] = "Deny", ["Condition"] = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } } }),
            Match.ObjectLike(new Dictionary<string, object> { ["Sid"] = "ElbAccessLogsDeliveryService", ["Principal"] = new Dictionary<string, object> { ["Service"] = "logdelivery.elasticloadbalancing.amazonaws.com" } }),
            Match.ObjectLike(new Dictionary<string, object> { ["Sid"] = "ElbAccessLogsRegionalAccount", ["Action"] = "s3:PutObject" }),
        })
            f.Https.HasResourceProperties("AWS::S3::BucketPolicy", new Dictionary<string, object>
            {
                ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object> { ["Statement"] = Match.ArrayWith([statement]) }),
            });
        f.Https.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object>
        {
            ["LoadBalancerAttributes"] = Match.ArrayWith([
                new Dictionary<string, object> { ["Key"] = "access_logs.s3.enabled", ["Value"] = "true" },
                Match.ObjectLike(new Dictionary<string, object> { ["Key"] = "access_logs.s3.bucket" }),
                new Dictionary<string, object> { ["Key"] = "access_logs.s3.prefix", ["Value"] = "alb" },
            ]),
        });
    }

    [Fact]
    public void AccessLogsWorkInEnvironmentAgnosticStacksThroughARegionMapping()
    {
        var mapping = f.HttpsJson["Mappings"]!.AsObject().Single().Value!.AsObject();
        mapping["us-east-1"]!["account"]!.GetValue<string>().Should().Be("127311923021");
        mapping.Select(m => m.Value!["account"]!.GetValue<string>()).Should().Contain("none", "newer regions use the delivery service principal");
        f.HttpsJson["Conditions"]!.AsObject().Should().ContainSingle();
    }

    [Fact]
    public void AccessLogsInAPinnedRegionUseThatRegionsElbAccount()
    {
        f.Pinned.Json().ContainsKey("Mappings").Should().BeFalse();
        f.Pinned.HasResourceProperties("AWS::S3::BucketPolicy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Principal"] = new Dictionary<string, object> { ["AWS"] = Match.ObjectLike(new Dictionary<string, object> { ["Fn::Join"] = Match.ArrayWith([Match.ArrayWith([":iam::156460612806:root"])]) }) },
                })]),
            }),
        });
    }

    private const string ExistingAclArn = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shop/0a1b2c3d-0000-1111-2222-333344445555";

    [Fact]
    public void NoFirewallByDefault()
    {
        f.Https.ResourceCountIs("AWS::WAFv2::WebACL", 0);
        f.Https.ResourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
    }

    [Fact]
    public void ManagedRulesFirewallIsCreatedAndAssociated()
    {
        var names = new[] { "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet" };
        f.Firewalled.HasResourceProperties("AWS::WAFv2::WebACL", new Dictionary<string, object>
        {
            ["Scope"] = "REGIONAL",
            ["DefaultAction"] = new Dictionary<string, object> { ["Allow"] = new Dictionary<string, object>() },
            ["Rules"] = names.Select((n, i) => (object)Match.ObjectLike(new Dictionary<string, object>
            {
                ["Priority"] = i + 1,
                ["Statement"] = new Dictionary<string, object> { ["ManagedRuleGroupStatement"] = new Dictionary<string, object> { ["VendorName"] = "AWS", ["Name"] = n } },
            })).Prepend(Match.ObjectLike(new Dictionary<string, object>
            {
                // The documented default: 2000 requests per client IP in five minutes, then blocked.
                ["Name"] = "RateLimitPerIp",
                ["Priority"] = 0,
                ["Action"] = new Dictionary<string, object> { ["Block"] = new Dictionary<string, object>() },
                ["Statement"] = new Dictionary<string, object> { ["RateBasedStatement"] = new Dictionary<string, object> { ["AggregateKeyType"] = "IP", ["Limit"] = 2000, ["EvaluationWindowSec"] = 300 } },
            })).ToArray(),
        });
        f.Firewalled.HasResourceProperties("AWS::WAFv2::WebACLAssociation", new Dictionary<string, object>
        {
            ["ResourceArn"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("LbAlb") },
            ["WebACLArn"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("LbWebAcl"), "Arn" } },
        });
    }

    [Fact]
    public void ManagedRulesFirewallLogsToAnEncryptedWafLogGroupKeptAYear()
    {
        f.Firewalled.HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object>
        {
            ["LogGroupName"] = Match.StringLikeRegexp("^aws-waf-logs-"),
            ["RetentionInDays"] = 365,
            ["KmsKeyId"] = Match.AnyValue(),
        });
        f.Firewalled.HasResourceProperties("AWS::WAFv2::LoggingConfiguration", new Dictionary<string, object>
        {
            ["ResourceArn"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("LbWebAcl"), "Arn" } },
            ["LogDestinationConfigs"] = new object[] { new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("LbWebAclLogs"), "Arn" } } },
            ["RedactedFields"] = new object[]
            {
                new Dictionary<string, object> { ["SingleHeader"] = new Dictionary<string, object> { ["Name"] = "authorization" } },
                new Dictionary<string, object> { ["SingleHeader"] = new Dictionary<string, object> { ["Name"] = "cookie" } },
            },
        });
    }

    [Fact]
    public void ManagedRulesFirewallTakesAGivenRateLimit() =>
        TestStacks.Synth(s => Build(s, p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, Firewall = WebFirewall.AwsManagedRules, FirewallRateLimit = 10000, AccessLogs = false }))
            .HasResourceProperties("AWS::WAFv2::WebACL", new Dictionary<string, object>
            {
                ["Rules"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Statement"] = new Dictionary<string, object> { ["RateBasedStatement"] = Match.ObjectLike(new Dictionary<string, object> { ["Limit"] = 10000 }) },
                })]),
            });

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void RejectsARateLimitBelowWafsMinimum(int limit) =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, Firewall = WebFirewall.AwsManagedRules, FirewallRateLimit = limit }), "Test/Lb", "FirewallRateLimit")
            .Allowed.Should().Contain("from 10 to 2000000000");

    [Fact]
    public void RejectsARateLimitWithoutTheManagedRulesFirewall() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, FirewallRateLimit = 100 }), "Test/Lb", "FirewallRateLimit")
            .Allowed.Should().Contain("unset unless Firewall is AwsManagedRules");

    [Fact]
    public void AccessLogBucketSendsObjectEventsToEventBridgeWithoutACustomResource()
    {
        f.Https.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["NotificationConfiguration"] = new Dictionary<string, object> { ["EventBridgeConfiguration"] = new Dictionary<string, object> { ["EventBridgeEnabled"] = true } },
        });
        f.Https.ResourceCountIs("Custom::S3BucketNotifications", 0);
    }

    [Fact]
    public void AnExistingWebAclIsAssociatedByArn()
    {
        f.ExistingAcl.ResourceCountIs("AWS::WAFv2::WebACL", 0);
        f.ExistingAcl.HasResourceProperties("AWS::WAFv2::WebACLAssociation", new Dictionary<string, object> { ["WebACLArn"] = ExistingAclArn });
    }

    [Fact]
    public void RejectsAMalformedWebAclArn() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, WebAclArn = "arn:aws:wafv2:eu-west-1:1:global/webacl/x/y" }), "Test/Lb", "WebAclArn");

    [Fact]
    public void RejectsAWebAclArnTogetherWithManagedRules() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, WebAclArn = ExistingAclArn, Firewall = WebFirewall.AwsManagedRules }), "Test/Lb", "WebAclArn");

    [Fact]
    public void RejectsAnUnknownFirewall() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, Firewall = (WebFirewall)9 }), "Test/Lb", "Firewall");

    [Fact]
    public void AccessLogsCanBeTurnedOff() => f.Http.ResourceCountIs("AWS::S3::Bucket", 0);

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void RejectsAccessLogRetentionOutOfRange(int days) =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, AccessLogRetention = Amazon.CDK.Duration.Days(days) }), "Test/Lb", "AccessLogRetention");

    [Fact]
    public void RejectsAnIdleTimeoutOutOfRange() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, IdleTimeout = Amazon.CDK.Duration.Seconds(5000) }), "Test/Lb", "IdleTimeout");

    [Fact]
    public void RejectsATlsPolicyWithoutACertificate() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = p.SecurityGroup, SslPolicy = SslPolicy.TLS13_13 }), "Test/Lb", "SslPolicy");

    [Fact]
    public void RejectsAMissingSecurityGroup() =>
        Rejections.Expect(() => Build(TestStacks.NewStack(), p => new WebLoadBalancerProps { Vpc = p.Vpc, SecurityGroup = null! }), "Test/Lb", "SecurityGroup");

    [Theory]
    [InlineData(-1, 100, "targets[].Weight")]
    [InlineData(0, 0, "targets[].Weight")]
    [InlineData(1000, 0, "targets[].Weight")]
    public void RouteRejectsBadWeights(int blue, int green, string property)
    {
        var stack = TestStacks.NewStack();
        var (lb, vpc) = Build(stack);
        Rejections.Expect(() => lb.Route([new WeightedTarget(TargetGroup(stack, vpc, "B"), blue), new WeightedTarget(TargetGroup(stack, vpc, "G"), green)]), "Test/Lb", property);
    }

    [Fact]
    public void RouteRejectsNoTargetsAndASecondRoute()
    {
        var stack = TestStacks.NewStack();
        var (lb, vpc) = Build(stack);
        Rejections.Expect(() => lb.Route([]), "Test/Lb", "targets");
        lb.Route([new WeightedTarget(TargetGroup(stack, vpc, "A"), 1)]);
        Rejections.Expect(() => lb.Route([new WeightedTarget(TargetGroup(stack, vpc, "B"), 1)]), "Test/Lb", "targets");
    }

    [Fact]
    public void RouteRejectsStickinessWithASingleTarget()
    {
        var stack = TestStacks.NewStack();
        var (lb, vpc) = Build(stack);
        Rejections.Expect(() => lb.Route([new WeightedTarget(TargetGroup(stack, vpc, "A"), 1)], Duration.Minutes(1)), "Test/Lb", "stickiness");
    }
}
