using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Infra.Constructs.Dns;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Dns;

public class WebDomainTests(WebDomainTests.Fixture f) : IClassFixture<WebDomainTests.Fixture>
{
    private static WebDomainProps Imported => new() { DomainName = "app.example.com", ZoneName = "example.com", HostedZoneId = "Z0123456789ABCDEFGHIJ" };

    public sealed class Fixture
    {
        public Template Imported { get; }
        public Template Created { get; }

        public Fixture()
        {
            Imported = TestStacks.Synth(s =>
            {
                var domain = new WebDomain(s, "Domain", WebDomainTests.Imported);
                var vpc = TestStacks.Vpc(s);
                domain.PointAt(new ApplicationLoadBalancer(s, "Alb", new ApplicationLoadBalancerProps { Vpc = vpc, InternetFacing = true }), dualStack: true);
            });
            Created = TestStacks.Synth(s =>
            {
                var domain = new WebDomain(s, "Domain", new WebDomainProps { DomainName = "example.org", ZoneName = "example.org", ZoneSource = HostedZoneSource.Create, AlternativeNames = ["www.example.org"] });
                domain.PointAt(new ApplicationLoadBalancer(s, "Alb", new ApplicationLoadBalancerProps { Vpc = TestStacks.Vpc(s), InternetFacing = true }), dualStack: false);
            });
        }
    }

    [Fact]
    public void CertificateIsValidatedThroughDnsInTheZone() =>
        f.Imported.HasResourceProperties("AWS::CertificateManager::Certificate", new Dictionary<string, object>
        {
            ["DomainName"] = "app.example.com",
            ["ValidationMethod"] = "DNS",
            ["DomainValidationOptions"] = new object[] { new Dictionary<string, object> { ["DomainName"] = "app.example.com", ["HostedZoneId"] = "Z0123456789ABCDEFGHIJ" } },
        });

    [Fact]
    public void ImportedZoneIsNotCreated() => f.Imported.ResourceCountIs("AWS::Route53::HostedZone", 0);

    [Fact]
    public void AliasRecordsPointAtTheLoadBalancer()
    {
        f.Imported.HasResourceProperties("AWS::Route53::RecordSet", new Dictionary<string, object>
        {
            ["Name"] = "app.example.com.",
            ["Type"] = "A",
            ["HostedZoneId"] = "Z0123456789ABCDEFGHIJ",
            ["AliasTarget"] = Match.ObjectLike(new Dictionary<string, object> { ["DNSName"] = Match.AnyValue() }),
        });
        f.Imported.HasResourceProperties("AWS::Route53::RecordSet", new Dictionary<string, object> { ["Name"] = "app.example.com.", ["Type"] = "AAAA" });
    }

    [Fact]
    public void CreatedZoneCarriesTheCertificateAndAnARecordOnly()
    {
        f.Created.HasResourceProperties("AWS::Route53::HostedZone", new Dictionary<string, object> { ["Name"] = "example.org." });
        f.Created.HasResourceProperties("AWS::CertificateManager::Certificate", new Dictionary<string, object> { ["SubjectAlternativeNames"] = new[] { "www.example.org" } });
        f.Created.ResourceCountIs("AWS::Route53::RecordSet", 1);
    }

    [Fact]
    public void CreatedZone_WarnsThatTheFirstDeployWaitsForTheDelegation()
    {
        var stack = TestStacks.NewStack();
        _ = new WebDomain(stack, "Domain", new WebDomainProps { DomainName = "example.org", ZoneName = "example.org", ZoneSource = HostedZoneSource.Create });
        Amazon.CDK.Assertions.Annotations.FromStack(stack).HasWarning("/Test/Domain", Match.StringLikeRegexp("ServiceZone.*docs/domain.md"));
    }

    [Fact]
    public void ZoneStack_IsRetainedWithItsNameServersAndTheWebStackValidatesThroughIt()
    {
        var app = new Amazon.CDK.App();
        var zoneStack = new Amazon.CDK.Stack(app, "Zone");
        var zone = new ServiceZone(zoneStack, "Zone", new ServiceZoneProps { ZoneName = "Example.org" });
        var webStack = new Amazon.CDK.Stack(app, "Web");
        _ = new WebDomain(webStack, "Domain", new WebDomainProps { DomainName = "app.example.org", ZoneName = "example.org", HostedZone = zone.Zone });
        var zones = Template.FromStack(zoneStack);
        zones.HasResource("AWS::Route53::HostedZone", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["Name"] = "example.org." }),
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
        });
        zones.HasOutput("*", new Dictionary<string, object> { ["Value"] = new Dictionary<string, object> { ["Fn::Join"] = new object[] { ",", new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("^Zone"), "NameServers" } } } } });
        var web = Template.FromStack(webStack);
        web.ResourceCountIs("AWS::Route53::HostedZone", 0);
        web.HasResourceProperties("AWS::CertificateManager::Certificate", new Dictionary<string, object>
        {
            ["DomainValidationOptions"] = new object[] { new Dictionary<string, object> { ["DomainName"] = "app.example.org", ["HostedZoneId"] = new Dictionary<string, object> { ["Fn::ImportValue"] = Match.StringLikeRegexp("^Zone:") } } },
        });
        Amazon.CDK.Assertions.Annotations.FromStack(webStack).HasNoWarning("/Web/Domain", Match.AnyValue());
    }

    [Fact]
    public void GivenZone_RejectsZoneSourceIdAndAnotherName()
    {
        var stack = TestStacks.NewStack();
        var zone = Amazon.CDK.AWS.Route53.HostedZone.FromHostedZoneAttributes(stack, "Given", new Amazon.CDK.AWS.Route53.HostedZoneAttributes { HostedZoneId = "Z0123456789ABCDEFGHIJ", ZoneName = "example.com" });
        Rejections.Expect(() => new WebDomain(stack, "A", new WebDomainProps { DomainName = "app.example.com", ZoneName = "example.com", HostedZone = zone, ZoneSource = HostedZoneSource.Create }), "Test/A", "ZoneSource");
        Rejections.Expect(() => new WebDomain(stack, "B", new WebDomainProps { DomainName = "app.example.com", ZoneName = "example.com", HostedZone = zone, HostedZoneId = "Z0123456789ABCDEFGHIJ" }), "Test/B", "HostedZoneId");
        Rejections.Expect(() => new WebDomain(stack, "C", new WebDomainProps { DomainName = "app.example.org", ZoneName = "example.org", HostedZone = zone }), "Test/C", "ZoneName");
        Rejections.Expect(() => new ServiceZone(stack, "Z", new ServiceZoneProps { ZoneName = "not a zone" }), "Test/Z", "ZoneName");
        Rejections.Expect(() => new ServiceZone(stack, "N", null!), "Test/N", "ServiceZoneProps");
    }

    public static TheoryData<string, Func<WebDomainProps, WebDomainProps>> BadProps => new()
    {
        { "DomainName", p => new WebDomainProps { DomainName = "", ZoneName = p.ZoneName, HostedZoneId = p.HostedZoneId } },
        { "DomainName", p => new WebDomainProps { DomainName = null!, ZoneName = p.ZoneName, HostedZoneId = p.HostedZoneId } },
        { "DomainName", p => new WebDomainProps { DomainName = "app..example.com", ZoneName = p.ZoneName, HostedZoneId = p.HostedZoneId } },
        { "DomainName", p => new WebDomainProps { DomainName = "app.example.net", ZoneName = p.ZoneName, HostedZoneId = p.HostedZoneId } },
        { "ZoneName", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = null!, HostedZoneId = p.HostedZoneId } },
        { "HostedZoneId", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = p.ZoneName } },
        { "HostedZoneId", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = p.ZoneName, HostedZoneId = "zone-1" } },
        { "HostedZoneId", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = p.ZoneName, HostedZoneId = "Z1", ZoneSource = HostedZoneSource.Create } },
        { "ZoneSource", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = p.ZoneName, ZoneSource = HostedZoneSource.Lookup } },
        { "AlternativeNames", p => new WebDomainProps { DomainName = p.DomainName, ZoneName = p.ZoneName, HostedZoneId = p.HostedZoneId, AlternativeNames = ["www.other.com"] } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<WebDomainProps, WebDomainProps> change) =>
        Rejections.Expect(() => new WebDomain(TestStacks.NewStack(), "Domain", change(Imported)), "Test/Domain", property);
}
