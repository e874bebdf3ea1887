using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>Two functions (defaults and every option set), synthesized once for the class.</summary>
public sealed class VersionedFunctionFixture
{
    public Stack Stack { get; }
    public VersionedFunction Defaults { get; }
    public VersionedFunction Tuned { get; }
    public Template Template { get; }
    public JsonObject Json { get; }

    public VersionedFunctionFixture()
    {
        Stack = ServerlessTestKit.NewStack();
        Defaults = new VersionedFunction(Stack, "Original", new VersionedFunctionProps { CodePath = ServerlessTestKit.LambdaFolder("original") });
        Tuned = new VersionedFunction(Stack, "Tuned", new VersionedFunctionProps
        {
            InlineCode = "exports.handler = async () => ({ statusCode: 200, body: 'ok' });",
            Description = "tuned sample",
            MemoryMiB = 512,
            Timeout = Amazon.CDK.Duration.Seconds(20),
            ReservedConcurrency = 5,
            LogRetention = RetentionDays.ONE_WEEK,
            Tracing = false,
            AliasName = "prod",
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello" },
        });
        Template = Template.FromStack(Stack);
        Json = Template.Json();
    }

    public string Id(IConstruct c) => (string)Stack.Resolve(((CfnElement)c.Node.DefaultChild!).LogicalId);

    public JsonObject Props(IConstruct c) => Json["Resources"]![Id(c)]!["Properties"]!.AsObject();
}

public sealed class VersionedFunctionTests(VersionedFunctionFixture f) : IClassFixture<VersionedFunctionFixture>
{
    private static JsonNode Ref(string id) => new JsonObject { ["Ref"] = id };

    [Fact]
    public void Runs_the_newest_node_runtime_on_arm64_with_defaults()
    {
        var fn = f.Props(f.Defaults.Function);
        fn["Runtime"]!.GetValue<string>().Should().Be("nodejs24.x");
        fn["Architectures"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("arm64");
        fn["Handler"]!.GetValue<string>().Should().Be("index.handler");
        fn["MemorySize"]!.GetValue<int>().Should().Be(256);
        fn["Timeout"]!.GetValue<int>().Should().Be(10);
        fn.ContainsKey("ReservedConcurrentExecutions").Should().BeFalse(
            "no reservation by default: Lambda refuses one that leaves an account (a new one has a quota of 10) fewer than 100 unreserved");
        fn["Code"]!["S3Key"]!.GetValue<string>().Should().EndWith(".zip", "the code folder is an asset");
    }

    [Fact]
    public void Reserved_concurrency_is_opt_in()
        => f.Props(f.Tuned.Function)["ReservedConcurrentExecutions"]!.GetValue<int>().Should().Be(5);

    [Fact]
    public void Tracing_is_active_by_default_and_can_be_turned_off()
    {
        f.Props(f.Defaults.Function)["TracingConfig"]!["Mode"]!.GetValue<string>().Should().Be("Active");
        f.Props(f.Tuned.Function).ContainsKey("TracingConfig").Should().BeFalse();
    }

    [Fact]
    public void Logs_go_to_its_own_log_group_as_JSON_with_retention()
    {
        var logging = f.Props(f.Defaults.Function)["LoggingConfig"]!.AsObject();
        logging["LogFormat"]!.GetValue<string>().Should().Be("JSON");
        JsonNode.DeepEquals(logging["LogGroup"], Ref(f.Id(f.Defaults.LogGroup))).Should().BeTrue(logging.ToJsonString());
        f.Props(f.Defaults.LogGroup)["RetentionInDays"]!.GetValue<int>().Should().Be(365);
        f.Props(f.Tuned.LogGroup)["RetentionInDays"]!.GetValue<int>().Should().Be(7);
    }

    [Fact]
    public void Log_group_is_encrypted_with_a_rotated_key_of_its_own_that_CloudWatch_Logs_may_use()
    {
        foreach (var fn in new[] { f.Defaults, f.Tuned })
        {
            var keyId = f.Id(fn.LogKey);
            JsonNode.DeepEquals(f.Props(fn.LogGroup)["KmsKeyId"], new JsonObject { ["Fn::GetAtt"] = new JsonArray(keyId, "Arn") })
                .Should().BeTrue(f.Props(fn.LogGroup).ToJsonString());
            var key = f.Json["Resources"]![keyId]!.AsObject();
            key["DeletionPolicy"]!.GetValue<string>().Should().Be("Retain");
            key["Properties"]!["EnableKeyRotation"]!.GetValue<bool>().Should().BeTrue();
            key["Properties"]!["KeyPolicy"]!.ToJsonString().Should().Contain("CloudWatchLogsOfThisAccountAndRegion");
        }
        f.Json.Of("AWS::KMS::Key").Should().HaveCount(2, "one key per function, not shared, not per log group");
    }

    [Fact]
    public void Role_may_write_only_to_its_log_group_and_has_no_managed_policies()
    {
        var role = f.Props(f.Defaults.Role);
        role.ContainsKey("ManagedPolicyArns").Should().BeFalse();
        var policies = f.Json.Of("AWS::IAM::Policy")
            .Where(p => p.Props["Roles"]!.ToJsonString().Contains(f.Id(f.Defaults.Role), StringComparison.Ordinal)).ToList();
        var statements = policies.SelectMany(p => p.Props["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject()).ToList();
        var logs = statements.Single(s => s["Action"]!.ToJsonString().Contains("logs:", StringComparison.Ordinal));
        logs["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().BeEquivalentTo("logs:CreateLogStream", "logs:PutLogEvents");
        logs["Resource"]!.ToJsonString().Should().Contain(f.Id(f.Defaults.LogGroup)).And.Contain("Arn");
        var xray = statements.Single(s => s["Action"]!.ToJsonString().Contains("xray:", StringComparison.Ordinal));
        xray["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().BeEquivalentTo("xray:PutTraceSegments", "xray:PutTelemetryRecords");
        statements.Should().HaveCount(2, "logs to its own group, and X-Ray");
    }

    [Fact]
    public void Only_the_XRay_actions_have_a_wildcard_resource()
    {
        // X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the
        // acknowledgement of AwsSolutions-IAM5[Resource::*] relies on nothing else getting "*".
        var statements = f.Json.Of("AWS::IAM::Policy")
            .SelectMany(p => p.Props["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject()).ToList();
        var wildcard = statements.Where(s => s["Resource"]!.ToJsonString() == "\"*\"").ToList();
        wildcard.Should().NotBeEmpty();
        wildcard.SelectMany(s => s["Action"]!.AsArray().Select(a => a!.GetValue<string>())).Distinct()
            .Should().BeEquivalentTo("xray:PutTraceSegments", "xray:PutTelemetryRecords");
    }

    [Fact]
    public void Publishes_a_retained_version_and_points_the_alias_at_it()
    {
        var version = f.Json["Resources"]![f.Id(f.Defaults.Version)]!.AsObject();
        version["Type"]!.GetValue<string>().Should().Be("AWS::Lambda::Version");
        version["DeletionPolicy"]!.GetValue<string>().Should().Be("Retain");
        version["UpdateReplacePolicy"]!.GetValue<string>().Should().Be("Retain");
        var alias = f.Props(f.Defaults.Alias);
        alias["Name"]!.GetValue<string>().Should().Be("live");
        alias["FunctionVersion"]!.ToJsonString().Should().Contain(f.Id(f.Defaults.Version)).And.Contain("Version");
    }

    [Fact]
    public void Every_option_reaches_the_template()
    {
        var fn = f.Props(f.Tuned.Function);
        fn["MemorySize"]!.GetValue<int>().Should().Be(512);
        fn["Timeout"]!.GetValue<int>().Should().Be(20);
        fn["ReservedConcurrentExecutions"]!.GetValue<int>().Should().Be(5);
        fn["Description"]!.GetValue<string>().Should().Be("tuned sample");
        fn["Environment"]!["Variables"]!["GREETING"]!.GetValue<string>().Should().Be("hello");
        fn["Code"]!["ZipFile"]!.GetValue<string>().Should().Contain("exports.handler");
        f.Props(f.Tuned.Alias)["Name"]!.GetValue<string>().Should().Be("prod");
        f.Props(f.Tuned.Version)["Description"]!.GetValue<string>().Should().Be("tuned sample");
    }
}
