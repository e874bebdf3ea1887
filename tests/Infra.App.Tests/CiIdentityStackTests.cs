using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.App.Config;
using Infra.App.Stacks;

namespace Infra.App.Tests;

/// <summary>
/// The optional Ci-Identity stack as <c>cdk synth -c githubRepository=... -c account=... -c region=...</c>
/// builds it (synthesized once, alone). The default synth has no such stack: the snapshot tests'
/// stack list proves that.
/// </summary>
public class CiIdentityStackTests(CiIdentityStackTests.Fixture f) : IClassFixture<CiIdentityStackTests.Fixture>
{
    public sealed class Fixture
    {
        public JsonObject Template { get; }
        public string StackName { get; }

        public Fixture()
        {
            var context = new Dictionary<string, object> { ["githubRepository"] = "example-org/infra-constructs", ["account"] = "111111111111", ["region"] = "eu-west-1" };
            var app = AppFactory.Create(context, validation: false, outdir: Path.Combine(Path.GetTempPath(), "ci-identity-" + Guid.NewGuid().ToString("N")));
            var environments = AppConfig.Select(key => app.Node.TryGetContext(key));
            var stack = Program.AddCiIdentity(app, AppConfig.CiIdentity(key => app.Node.TryGetContext(key))!, environments);
            StackName = stack.StackName;
            var assembly = app.Synth();
            Template = JsonNode.Parse(JsonSerializer.Serialize(assembly.GetStackByName(stack.StackName).Template))!.AsObject();
            Directory.Delete(assembly.Directory, recursive: true);
        }

        public IEnumerable<(string Id, JsonObject Props)> Resources(string type) =>
            Template["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!["Properties"]!.AsObject()));

        public JsonObject Role(string prefix) => Resources("AWS::IAM::Role").Single(r => r.Id.StartsWith(prefix, StringComparison.Ordinal)).Props;

        /// <summary>Statements of the managed policy attached to the role.</summary>
        public JsonArray Statements(string rolePrefix) =>
            Template["Resources"]![Role(rolePrefix)["ManagedPolicyArns"]![0]!["Ref"]!.GetValue<string>()]!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
    }

    [Fact]
    public void IsNamedCiIdentityAndOutputsTheRoleArnsForTheRepositoryVariables()
    {
        f.StackName.Should().Be("Ci-Identity");
        f.Template["Outputs"]!.AsObject().Select(o => o.Key).Should().BeEquivalentTo(["DiffRoleArn", "DeployRoleArn", "OidcProviderArn"]);
        f.Resources("AWS::IAM::OIDCProvider").Should().ContainSingle();
    }

    [Fact]
    public void DeployRoleTrustsMainAndTheProductionEnvironmentOfDeployYml()
    {
        var sub = f.Role("GitHubDeployRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"]!["StringEquals"]!["token.actions.githubusercontent.com:sub"]!;
        sub.AsArray().Select(s => s!.GetValue<string>()).Should().Equal(
            "repo:example-org/infra-constructs:ref:refs/heads/main",
            "repo:example-org/infra-constructs:environment:production");
    }

    [Fact]
    public void DiffRoleReadsOnlyTheReferenceEnvironmentsStacksInTheirRegion()
    {
        var statements = f.Statements("GitHubDiffRole");
        var read = statements.Single(s => s!["Sid"]!.GetValue<string>() == "ReadStackTemplates")!["Resource"]!.AsArray().Select(TemplateText).ToList();
        read.Should().BeEquivalentTo(
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Dev-*/*",
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Prod-*/*",
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/ApiGateway-Account*/*");
        var lookup = statements.Single(s => s!["Sid"]!.GetValue<string>() == "AssumeCdkLookupRole")!["Resource"]!;
        TemplateText(lookup).Should().Be("arn:${Ref:AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1");
    }

    [Fact]
    public void WorkflowsUseTheSubjectsTheDeployRoleTrusts()
    {
        var deploy = File.ReadAllText(Path.Combine(RepoRoot(), ".github", "workflows", "deploy.yml"));
        deploy.Should().Contain($"environment: {CiIdentitySettings.ProductionEnvironment}").And.Contain($"branches: [{CiIdentitySettings.DeployBranch}]");
        deploy.Should().Contain("vars.AWS_DEPLOY_ROLE_ARN");
        File.ReadAllText(Path.Combine(RepoRoot(), ".github", "workflows", "pr.yml")).Should().Contain("vars.AWS_DIFF_ROLE_ARN");
    }

    private static string TemplateText(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join(join[0]!.GetValue<string>(), join[1]!.AsArray().Select(p => p is JsonObject r && r["Ref"] is { } name ? "${Ref:" + name.GetValue<string>() + "}" : TemplateText(p))),
        _ => node?.ToJsonString() ?? "",
    };

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Infra.sln")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }
}
