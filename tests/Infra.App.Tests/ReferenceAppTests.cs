using System.Text.Json.Nodes;
using Infra.App.Config;

namespace Infra.App.Tests;

/// <summary>Properties of the whole synthesized environment that must hold for every stack.</summary>
[Collection(ReferenceAppCollection.Name)]
public class ReferenceAppTests(ReferenceAppFixture app)
{
    private IEnumerable<(string Stack, string Id, JsonObject Resource)> Resources(string? type = null) =>
        app.Templates.SelectMany(t => t.Value["Resources"]!.AsObject()
            .Where(r => type is null || r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (t.Key, r.Key, r.Value!.AsObject())));

    [Fact]
    public void SynthesizesBothEnvironmentsWithoutAnAccount() =>
        app.Templates.Keys.Should().BeEquivalentTo(["ApiGateway-Account", "Dev-Network", "Dev-Web", "Dev-Api", "Prod-Network", "Prod-Dns", "Prod-Web", "Prod-Api", "Prod-Images"]);

    [Fact]
    public void ProdBuildsGoldenImagesInItsOwnStack_AndNoFleetReadsThePipeline()
    {
        // Only prod names a pipeline (Config/images.json); dev keeps the public image.
        Resources("AWS::ImageBuilder::ImagePipeline").Should().ContainSingle().Which.Stack.Should().Be("Prod-Images");
        var pipeline = Resources("AWS::ImageBuilder::ImagePipeline").Single().Resource["Properties"]!;
        pipeline["Name"]!.GetValue<string>().Should().Be("prod-web-x86-64");
        // The image reaches a fleet only through a recorded id: nothing in the web stack imports from the image stack.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(app.OutDir, "manifest.json")))!["artifacts"]!;
        (manifest["Prod-Web"]!["dependencies"]?.AsArray().Select(d => d!.GetValue<string>()) ?? []).Should().NotContain("Prod-Images");
        app.Templates["Prod-Web"].ToJsonString().Should().NotContain("/infra/golden-image/prod-web").And.NotContain("Prod-Images");
        manifest["Prod-Images"]!["dependencies"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Contain("Prod-Network", "it builds in prod's private subnets");
        app.Templates["Prod-Images"]["Outputs"]!.AsObject().Select(o => o.Value!["Value"]!.ToJsonString())
            .Should().Contain("\"/infra/golden-image/prod-web/x86_64\"");
    }

    [Fact]
    public void ProdsZoneLivesInItsOwnProtectedStackThatTheWebStackDependsOn()
    {
        // ACM validates the certificate only through a delegated zone: the zone is deployed and delegated first
        // (docs/domain.md), so it is in no stack with a certificate, is retained, and its stack is protected.
        Resources("AWS::Route53::HostedZone").Should().ContainSingle().Which.Stack.Should().Be("Prod-Dns");
        var zone = Resources("AWS::Route53::HostedZone").Single().Resource;
        zone["DeletionPolicy"]!.GetValue<string>().Should().Be("Retain");
        zone["UpdateReplacePolicy"]!.GetValue<string>().Should().Be("Retain");
        Resources("AWS::CertificateManager::Certificate").Should().ContainSingle().Which.Stack.Should().Be("Prod-Web");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(app.OutDir, "manifest.json")))!["artifacts"]!;
        manifest["Prod-Web"]!["dependencies"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Contain("Prod-Dns");
        manifest["Prod-Dns"]!["properties"]!["terminationProtection"]!.GetValue<bool>().Should().BeTrue();
        app.Templates["Prod-Dns"]["Outputs"]!.AsObject().Select(o => o.Key).Should().Contain(k => k.Contains("NameServers")).And.Contain(k => k.Contains("ZoneName"),
            "deploy/scripts/check-delegation reads them");
    }

    [Fact]
    public void TheApiGatewayLoggingRoleHasOneOwnerThatEveryApiStackDependsOn()
    {
        // AWS::ApiGateway::Account is one setting per account and region; dev and prod share both here.
        Resources("AWS::ApiGateway::Account").Select(r => r.Stack).Should().Equal("ApiGateway-Account");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(app.OutDir, "manifest.json")))!["artifacts"]!;
        foreach (var api in new[] { "Dev-Api", "Prod-Api" })
            manifest[api]!["dependencies"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Contain("ApiGateway-Account");
    }

    [Fact]
    public void BuiltInCloudFormationValidationReportsNothing()
    {
        var report = Path.Combine(app.OutDir, "validation-report.json");
        File.Exists(report).Should().BeTrue("the built-in validation ran");
        var plugins = JsonNode.Parse(File.ReadAllText(report))!["pluginReports"]!.AsArray();
        plugins.SelectMany(p => p!["violations"]?.AsArray() ?? []).Should().BeEmpty();
    }

    [Fact]
    public void NoSecurityGroupAcceptsSshOrAnythingButWebPortsFromTheInternet()
    {
        foreach (var (stack, id, r) in Resources("AWS::EC2::SecurityGroup"))
            foreach (var rule in r["Properties"]!["SecurityGroupIngress"]?.AsArray() ?? [])
            {
                var cidr = rule!["CidrIp"]?.GetValue<string>() ?? rule["CidrIpv6"]?.GetValue<string>();
                if (cidr is "0.0.0.0/0" or "::/0")
                    rule["FromPort"]!.GetValue<int>().Should().BeOneOf([80, 443], $"{stack}/{id} opens to the internet");
            }
    }

    [Fact]
    public void EveryLaunchTemplateRequiresImdsv2AndEncryptsItsVolumes()
    {
        var templates = Resources("AWS::EC2::LaunchTemplate").ToList();
        templates.Should().HaveCount(4);
        foreach (var (_, _, r) in templates)
        {
            var data = r["Properties"]!["LaunchTemplateData"]!;
            data["MetadataOptions"]!["HttpTokens"]!.GetValue<string>().Should().Be("required");
            data["BlockDeviceMappings"]!.AsArray().Should().OnlyContain(b => b!["Ebs"]!["Encrypted"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void ProdServesHttpsAndRedirectsHttpAndIsProtected()
    {
        var listeners = app.Templates["Prod-Web"].ToJsonString();
        listeners.Should().Contain("\"Protocol\":\"HTTPS\"").And.Contain("\"StatusCode\":\"HTTP_301\"");
        listeners.Should().Contain("{\"Key\":\"deletion_protection.enabled\",\"Value\":\"true\"}");
        app.Templates["Dev-Web"].ToJsonString().Should().Contain("{\"Key\":\"deletion_protection.enabled\",\"Value\":\"false\"}");
    }

    [Fact]
    public void ProdHasANatGatewayPerZoneAndDevOne()
    {
        Resources("AWS::EC2::NatGateway").Count(r => r.Stack == "Prod-Network").Should().Be(2);
        Resources("AWS::EC2::NatGateway").Count(r => r.Stack == "Dev-Network").Should().Be(1);
    }

    [Fact]
    public void DevScalesTheIdleColorToZeroAndProdKeepsItWarm()
    {
        var groups = Resources("AWS::AutoScaling::AutoScalingGroup").ToDictionary(r => (r.Stack, r.Id.Contains("Green") ? "green" : "blue"), r => r.Resource["Properties"]!);
        groups[("Dev-Web", "green")]["MaxSize"]!.GetValue<string>().Should().Be("0");
        groups[("Dev-Web", "blue")]["MinSize"]!.GetValue<string>().Should().Be("1");
        // Prod reaches its plan by a release (tools/release): sizes follow the Serving parameter, whose default is the plan.
        groups[("Prod-Web", "green")]["MinSize"]!.ToJsonString().Should().Be("""{"Fn::If":["FleetsGreenServes","2","1"]}""", "the warm idle color keeps TrafficPlan.WarmCapacity servers");
        groups[("Prod-Web", "blue")]["MinSize"]!.ToJsonString().Should().Be("""{"Fn::If":["FleetsBlueServes","2","1"]}""");
        app.Templates["Prod-Web"]["Parameters"]!["FleetsServing"]!["Default"]!.GetValue<string>().Should().Be("blue");
    }

    [Fact]
    public void TheIdleColorDoesNotCarryTheLiveColorsSchedules()
    {
        // Prod's business-hours schedule (minimum 4) belongs to the color with traffic only.
        var actions = Resources("AWS::AutoScaling::ScheduledAction").Where(r => r.Stack == "Prod-Web").ToList();
        actions.Should().NotBeEmpty();
        // Prod's release keeps both colors' schedules, each on while its color serves (the Serving parameter, default blue).
        actions.Should().OnlyContain(a => a.Resource["Condition"]!.GetValue<string>() == (a.Id.Contains("Blue") ? "FleetsBlueServes" : "FleetsGreenServes"));
        app.Templates["Prod-Web"]["Parameters"]!["FleetsServing"]!["Default"]!.GetValue<string>().Should().Be("blue", "green is idle and warm: its schedules are off");
        var dev = Resources("AWS::AutoScaling::ScheduledAction").Where(r => r.Stack == "Dev-Web").ToList();
        dev.Should().NotBeEmpty().And.OnlyContain(a => a.Id.Contains("Blue"), "dev's green is idle: it follows the traffic plan, not the schedules");
    }

    [Fact]
    public void TheMotoTestSwitchOnlyDropsTheDefaultSecurityGroupCustomResource()
    {
        // tools/e2e/run deploys `-c env=dev -c e2e=moto`: it must be the AWS templates less the Lambda-backed
        // Custom::VpcRestrictDefaultSG (its provider role and function), which moto cannot run.
        var moto = AppFactory.Create(new Dictionary<string, object> { ["env"] = "dev", ["e2e"] = "moto" }, validation: false);
        Program.Build(moto, AppConfig.Select(key => moto.Node.TryGetContext(key)));
        var templates = moto.Synth().Stacks.ToDictionary(s => s.StackName, s => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(s.Template))!.AsObject());
        templates.Keys.Should().BeEquivalentTo(["ApiGateway-Account", "Dev-Network", "Dev-Web", "Dev-Api"]);
        JsonNode.DeepEquals(templates["Dev-Web"], app.Templates["Dev-Web"]).Should().BeTrue("Dev-Web is the same template");
        JsonNode.DeepEquals(templates["Dev-Api"], app.Templates["Dev-Api"]).Should().BeTrue("Dev-Api is the same template");

        var aws = app.Templates["Dev-Network"]["Resources"]!.AsObject();
        var e2e = templates["Dev-Network"]["Resources"]!.AsObject();
        aws.Where(r => !e2e.ContainsKey(r.Key)).Select(r => r.Value!["Type"]!.GetValue<string>()).Order(StringComparer.Ordinal)
            .Should().Equal("AWS::IAM::Role", "AWS::Lambda::Function", "Custom::VpcRestrictDefaultSG");
        foreach (var (id, resource) in e2e)
            JsonNode.DeepEquals(resource, aws[id]).Should().BeTrue($"Dev-Network/{id} is unchanged");
        foreach (var section in new[] { "Outputs", "Parameters", "Rules", "Conditions", "Mappings" })
            JsonNode.DeepEquals(templates["Dev-Network"][section], app.Templates["Dev-Network"][section]).Should().BeTrue($"Dev-Network {section} are unchanged");
    }

    [Fact]
    public void NoTemplateCarriesASecretValue()
    {
        foreach (var (stack, template) in app.Templates)
        {
            var text = template.ToJsonString();
            text.Should().NotContain("\"SecretString\"", stack).And.NotContain("PRIVATE KEY", stack);
            System.Text.RegularExpressions.Regex.IsMatch(text, "(AKIA|ASIA)[0-9A-Z]{16}").Should().BeFalse(stack);
            // The library's own guard, every rule (user data, base64, Fn::If/Fn::Sub texts, sibling names...): no false alarm.
            Infra.Constructs.Guardrails.SecretLiteralGuard.Scan(template).Should().BeEmpty(stack);
        }
    }
}
