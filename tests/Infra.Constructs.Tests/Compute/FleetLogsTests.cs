using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.KMS;
using Infra.Constructs.Compute;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Compute;

public class FleetLogsTests(FleetLogsTests.Fixture f) : IClassFixture<FleetLogsTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Default { get; }
        public JsonObject DefaultJson { get; }
        public string DefaultUserData { get; }
        public JsonObject CustomJson { get; }
        public string CustomUserData { get; }
        public JsonObject OffJson { get; }
        public string OffUserData { get; }

        public Fixture()
        {
            Default = FleetFactory.DefaultFleetTemplate;
            DefaultJson = Default.Json();
            DefaultUserData = DefaultJson.UserData();
            CustomJson = TestStacks.Synth(s =>
            {
                var key = new Key(s, "SharedKey");
                EncryptionKeys.AllowCloudWatchLogs(key);
                _ = new WebFleet(s, "Fleet", FleetFactory.Props(s) with
                {
                    Logs = new FleetLogging { Retention = Amazon.CDK.AWS.Logs.RetentionDays.TWO_YEARS, EncryptionKey = key, AppLogFile = "/srv/app/log/*.log", AppErrorPattern = "?panic ?ERROR" },
                });
            }).Json();
            CustomUserData = CustomJson.UserData();
            OffJson = TestStacks.Synth(s => new WebFleet(s, "Fleet", FleetFactory.Props(s) with { Logs = new FleetLogging { Enabled = false } })).Json();
            OffUserData = OffJson.UserData();
        }
    }

    private static readonly string[] Groups = ["NginxAccess", "NginxError", "App", "Deploy"];

    [Fact]
    public void Default_FourLogGroupsKeptAYearEncryptedAndRetained()
    {
        var groups = f.DefaultJson.FullResourcesOf("AWS::Logs::LogGroup");
        groups.Select(g => g.Id).Should().HaveCount(4).And.OnlyContain(id => Groups.Any(n => id.StartsWith("FleetLogs" + n)));
        foreach (var (_, g) in groups)
        {
            g["Properties"]!["RetentionInDays"]!.GetValue<int>().Should().Be(365);
            g["Properties"]!["KmsKeyId"]!["Fn::GetAtt"]![0]!.GetValue<string>().Should().StartWith("FleetLogsKey");
            g["DeletionPolicy"]!.GetValue<string>().Should().Be("Retain");
        }
    }

    [Fact]
    public void Default_AKeyPerFleetLetsCloudWatchLogsUseIt()
    {
        var key = f.DefaultJson.ResourcesOf("AWS::KMS::Key").Single();
        key.Id.Should().StartWith("FleetLogsKey");
        key.Props["EnableKeyRotation"]!.GetValue<bool>().Should().BeTrue();
        var sids = key.Props["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!["Sid"]?.GetValue<string>()).ToList();
        sids.Should().Contain(["CloudWatchLogsOfThisAccountAndRegion", "GrantsOnlyForAwsResources"]).And.NotContain("CloudWatchAlarmsPublishToEncryptedTopic", "a log key serves no topic");
    }

    [Fact]
    public void Default_AMetricFilterCountsAppErrorsInTheFleetsNamespace() =>
        f.Default.HasResourceProperties("AWS::Logs::MetricFilter", new Dictionary<string, object>
        {
            ["FilterPattern"] = "?ERROR ?CRITICAL ?FATAL ?Traceback",
            ["LogGroupName"] = Match.ObjectLike(new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^FleetLogsApp") }),
            ["MetricTransformations"] = new object[] { new Dictionary<string, object>
            {
                ["MetricNamespace"] = "WebFleet/Test/Fleet", ["MetricName"] = "AppErrors", ["MetricValue"] = "1", ["DefaultValue"] = 0,
            } },
        });

    [Fact]
    public void Default_RoleGetsOnlyWhatTheAgentNeeds()
    {
        var statements = f.DefaultJson.ResourcesOf("AWS::IAM::Policy").Single().Props["PolicyDocument"]!["Statement"]!.AsArray();
        var logs = statements.Single(s => s!["Sid"]?.GetValue<string>() == "CloudWatchAgentLogs")!;
        logs["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().BeEquivalentTo(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
        logs["Resource"]!.AsArray().Select(r => r!["Fn::GetAtt"]![0]!.GetValue<string>()).Should().HaveCount(4).And.OnlyContain(id => id.StartsWith("FleetLogs"));
        var metrics = statements.Single(s => s!["Sid"]?.GetValue<string>() == "CloudWatchAgentMetrics")!;
        metrics["Action"]!.GetValue<string>().Should().Be("cloudwatch:PutMetricData");
        metrics["Condition"]!["StringEquals"]!["cloudwatch:namespace"]!.GetValue<string>().Should().Be("WebFleet/Test/Fleet");
        f.DefaultJson.ToJsonString().Should().NotContain("CloudWatchAgentServerPolicy").And.NotContain("logs:CreateLogGroup");
    }

    [Fact]
    public void Default_UserDataInstallsTheAgentBeforeNginxWithTheFleetsLogGroups()
    {
        var ud = f.DefaultUserData;
        // Configured before nginx is even installed, so a failing bootstrap still ships its log.
        ud.IndexOf("amazon-cloudwatch-agent-ctl -a fetch-config", StringComparison.Ordinal).Should().BePositive()
            .And.BeLessThan(ud.IndexOf("install_part web\n", StringComparison.Ordinal), "a failing bootstrap still ships its log");
        ServerFiles.InstallScript.Should().Contain("pkg_install amazon-cloudwatch-agent");
        ud.Should().Contain("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:" + CloudWatchAgentScript.ConfigPath);
        foreach (var (file, group) in new[] { ("/var/log/nginx/access.log", "NginxAccess"), ("/var/log/nginx/error.log", "NginxError"), ("/var/log/app/app.log", "App"), ("/var/log/web-fleet-bootstrap.log", "Deploy") })
            AgentConfig(ud)["logs"]!["logs_collected"]!["files"]!["collect_list"]!.AsArray()
                .Should().Contain(e => e!["file_path"]!.GetValue<string>() == file && e["log_group_name"]!.GetValue<string>().StartsWith("Ref:FleetLogs" + group));
    }

    [Fact]
    public void Default_AgentSendsMemoryAndDiskToTheFleetsNamespaceWithoutPerInstanceDimensions()
    {
        var config = AgentConfig(f.DefaultUserData);
        config["agent"]!["omit_hostname"]!.GetValue<bool>().Should().BeTrue();
        var metrics = config["metrics"]!;
        metrics["namespace"]!.GetValue<string>().Should().Be("WebFleet/Test/Fleet");
        metrics["aggregation_dimensions"]!.ToJsonString().Should().Be("[[]]");
        metrics["metrics_collected"]!["mem"]!["measurement"]![0]!.GetValue<string>().Should().Be("used_percent");
        metrics["metrics_collected"]!["disk"]!["resources"]![0]!.GetValue<string>().Should().Be("/");
    }

    [Fact]
    public void Default_TheAppsJournalIsCopiedToAFileTheAgentTails()
    {
        f.DefaultUserData.WithoutInstallScript().Should().Contain("install_part cloudwatch-agent\n")
            .And.Contain("systemctl enable --now app-log-export.service");
        // The unit and the logrotate file are installed with the agent (install.sh), on every image alike.
        ServerFiles.InstallScript.Should().Contain("_SYSTEMD_SLICE=system-app.slice >> /var/log/app/app.log")
            .And.Contain("cat > /etc/logrotate.d/app <<");
    }

    [Fact]
    public void Custom_RetentionKeyAppLogFileAndPatternAreUsed()
    {
        f.CustomJson.ResourcesOf("AWS::Logs::LogGroup").Should().OnlyContain(g => g.Props["RetentionInDays"]!.GetValue<int>() == 731
            && g.Props["KmsKeyId"]!["Fn::GetAtt"]![0]!.GetValue<string>().StartsWith("SharedKey"));
        f.CustomJson.ResourcesOf("AWS::KMS::Key").Should().ContainSingle("the given key is used, none is created");
        f.CustomJson.ResourcesOf("AWS::Logs::MetricFilter").Single().Props["FilterPattern"]!.GetValue<string>().Should().Be("?panic ?ERROR");
        AgentConfig(f.CustomUserData)["logs"]!["logs_collected"]!["files"]!["collect_list"]!.AsArray()
            .Should().Contain(e => e!["file_path"]!.GetValue<string>() == "/srv/app/log/*.log");
        f.CustomUserData.WithoutInstallScript().Should().NotContain("app-log-export", "the app writes its own file");
    }

    [Fact]
    public void Off_NoLogGroupsNoAgentNoAgentPermissions()
    {
        f.OffJson.ResourcesOf("AWS::Logs::LogGroup").Should().BeEmpty();
        f.OffJson.ResourcesOf("AWS::KMS::Key").Should().BeEmpty();
        f.OffUserData.WithoutInstallScript().Should().NotContain("amazon-cloudwatch-agent-ctl").And.NotContain("install_part cloudwatch-agent")
            .And.Contain("# CloudWatch agent: not installed");
        f.OffJson.ToJsonString().Should().NotContain("CloudWatchAgent");
    }

    [Fact]
    public void Rejects_ARetentionCloudWatchDoesNotAccept()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { Logs = new FleetLogging { Retention = (Amazon.CDK.AWS.Logs.RetentionDays)366 } }),
            "Test/Fleet", "Logs.Retention").Message.Should().Contain("= 366").And.Contain("RetentionDays value");
    }

    [Fact]
    public void Rejects_ARelativeAppLogFile()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { Logs = new FleetLogging { AppLogFile = "logs/app.log" } }),
            "Test/Fleet", "Logs.AppLogFile");
    }

    [Fact]
    public void Rejects_ABlankErrorPattern()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { Logs = new FleetLogging { AppErrorPattern = " " } }),
            "Test/Fleet", "Logs.AppErrorPattern");
    }

    [Fact]
    public void AgentConfig_IsValidJsonForEveryAppLogSource()
    {
        foreach (var file in new string?[] { null, "/var/log/myapp/*.log" })
        {
            var o = new CloudWatchAgentScript.Options("a", "b", "c", "d", "WebFleet/x", file);
            var config = JsonNode.Parse(CloudWatchAgentScript.Config(o))!;
            config["logs"]!["logs_collected"]!["files"]!["collect_list"]!.AsArray().Should().HaveCount(6);
            CloudWatchAgentScript.Render(o).Should().Contain(CloudWatchAgentScript.Config(o));
        }
    }

    private static JsonNode AgentConfig(string userData)
    {
        var start = userData.IndexOf("<<'CWAGENT'\n", StringComparison.Ordinal) + "<<'CWAGENT'\n".Length;
        var end = userData.IndexOf("\nCWAGENT", start, StringComparison.Ordinal);
        return JsonNode.Parse(userData[start..end])!;
    }
}
