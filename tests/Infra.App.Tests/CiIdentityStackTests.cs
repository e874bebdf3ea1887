using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.App.Config;

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
        f.Template["Outputs"]!.AsObject().Select(o => o.Key).Should().BeEquivalentTo(["DiffRoleArn", "DevDeployRoleArn", "ProdDeployRoleArn", "OidcProviderArn"]);
        f.Resources("AWS::IAM::OIDCProvider").Should().ContainSingle();
    }

    private const string Repo = "example-org/infra-constructs";
    private const string DeployYmlOnMain = Repo + "/.github/workflows/deploy.yml@refs/heads/main";

    [Theory]
    [InlineData("GitHubDeployRoleDev", "repo:" + Repo + ":environment:dev")]
    [InlineData("GitHubDeployRoleProd", "repo:" + Repo + ":environment:production")]
    public void EachDeployRoleTrustsOnlyItsEnvironmentOfDeployYmlOnMain(string role, string subject)
    {
        var statements = f.Role(role)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray();
        statements.Should().ContainSingle();
        var condition = statements[0]!["Condition"]!.AsObject();
        condition.Select(c => c.Key).Should().Equal("StringEquals");
        condition["StringEquals"]!.AsObject().ToDictionary(c => c.Key, c => c.Value!.GetValue<string>()).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["token.actions.githubusercontent.com:aud"] = "sts.amazonaws.com",
            ["token.actions.githubusercontent.com:sub"] = subject,
            ["token.actions.githubusercontent.com:job_workflow_ref"] = DeployYmlOnMain,
        });
    }

    /// <summary>
    /// Which roles a token's claims satisfy, by the trust policies' StringEquals (all keys must match, as
    /// IAM requires). A first guard; tools/iam-check evaluates the same templates with an IAM engine.
    /// </summary>
    private IEnumerable<string> RolesReachableBy(string subject, string? jobWorkflowRef) =>
        f.Resources("AWS::IAM::Role").Where(r => r.Props["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Any(st =>
        {
            var claims = new Dictionary<string, string?>
            {
                ["token.actions.githubusercontent.com:aud"] = "sts.amazonaws.com",
                ["token.actions.githubusercontent.com:sub"] = subject,
                ["token.actions.githubusercontent.com:job_workflow_ref"] = jobWorkflowRef,
            };
            var cond = st!["Condition"]!.AsObject();
            return cond.Count == 1 && cond["StringEquals"] is JsonObject eq && eq.All(c =>
                claims.GetValueOrDefault(c.Key) is { } v && (c.Value is JsonArray a ? a.Any(x => x!.GetValue<string>() == v) : c.Value!.GetValue<string>() == v));
        })).Select(r => r.Id[..^8]); // logical id without the CDK's 8-character hash

    [Fact]
    public void TheDevJobCannotReachTheProdDeployRoleAndAPullRequestReachesNeither()
    {
        RolesReachableBy($"repo:{Repo}:environment:dev", DeployYmlOnMain).Should().Equal("GitHubDeployRoleDev");
        RolesReachableBy($"repo:{Repo}:environment:production", DeployYmlOnMain).Should().Equal("GitHubDeployRoleProd");
        // Any other workflow, or deploy.yml from another branch, reaches no deploy role, even in production.
        RolesReachableBy($"repo:{Repo}:environment:production", Repo + "/.github/workflows/pr.yml@refs/heads/main").Should().BeEmpty();
        RolesReachableBy($"repo:{Repo}:environment:production", Repo + "/.github/workflows/deploy.yml@refs/heads/topic").Should().BeEmpty();
        // A job on main without an environment reaches no deploy role any more.
        RolesReachableBy($"repo:{Repo}:ref:refs/heads/main", DeployYmlOnMain).Should().BeEmpty();
        RolesReachableBy($"repo:{Repo}:pull_request", Repo + "/.github/workflows/pr.yml@refs/pull/7/merge").Should().Equal("GitHubDiffRole");
    }

    [Fact]
    public void DiffRoleReadsOnlyTheReferenceEnvironmentsStacksInTheirRegionAndAssumesNoRole()
    {
        var statements = f.Statements("GitHubDiffRole");
        statements.Select(s => s!["Sid"]!.GetValue<string>()).Should().Equal("ReadStackTemplates");
        var read = statements.Single()!["Resource"]!.AsArray().Select(TemplateText).ToList();
        read.Should().BeEquivalentTo(
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Dev-*/*",
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Prod-*/*",
            "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/ApiGateway-Account*/*");
        f.Template.ToJsonString().Should().NotContain("lookup-role\"", "no role of this stack but the deploy roles may assume the lookup role").And.Contain("cdk-hnb659fds-lookup-role-");
    }

    [Fact]
    public void BothDeployRolesReachTheOneAccountsBootstrapRolesWhenDevAndProdShareIt()
    {
        // -c account=111111111111 puts dev and prod in one account: the trust policies separate the jobs,
        // the identity policies cannot (one bootstrap deploy role per account and qualifier). docs/ci-cd.md.
        var dev = Statement("GitHubDeployRoleDev", "AssumeCdkBootstrapRoles")["Resource"]!.AsArray().Select(TemplateText).ToList();
        var prod = Statement("GitHubDeployRoleProd", "AssumeCdkBootstrapRoles")["Resource"]!.AsArray().Select(TemplateText).ToList();
        dev.Should().Equal(prod).And.Contain("arn:${Ref:AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1");
    }

    [Theory]
    [InlineData("GitHubDeployRoleDev")]
    [InlineData("GitHubDeployRoleProd")]
    public void EachDeployRoleReadsOnlyWhatTheReleaseDriverJudgesOn(string role)
    {
        // tools/release in deploy.yml: its CloudFormation calls go through the CDK deploy role; these reads, which
        // that role lacks, are the job's own. docs/ci-cd.md, "The release step".
        f.Statements(role).Select(s => s!["Sid"]!.GetValue<string>()).Should().Equal("AssumeCdkBootstrapRoles", "ReleaseReads", "ReleaseReadAlarms");
        var reads = Statement(role, "ReleaseReads");
        reads["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("cloudwatch:GetMetricData", "elasticloadbalancing:DescribeTargetHealth");
        reads["Resource"]!.GetValue<string>().Should().Be("*");
        var alarms = Statement(role, "ReleaseReadAlarms");
        alarms["Action"]!.GetValue<string>().Should().Be("cloudwatch:DescribeAlarms");
        TemplateText(alarms["Resource"]).Should().Be("arn:${Ref:AWS::Partition}:cloudwatch:eu-west-1:111111111111:alarm:*");
    }

    private JsonObject Statement(string role, string sid) => f.Statements(role).Single(s => s!["Sid"]!.GetValue<string>() == sid)!.AsObject();

    [Fact]
    public void WorkflowsUseTheRolesOfTheirJobs()
    {
        var deploy = File.ReadAllText(Path.Combine(RepoRoot(), ".github", "workflows", "deploy.yml"));
        deploy.Should().Contain($"branches: [{CiIdentitySettings.DeployBranch}]");
        var prodStart = deploy.IndexOf("\n  prod:", StringComparison.Ordinal);
        prodStart.Should().BePositive();
        var (devJob, prodJob) = (deploy[..prodStart], deploy[prodStart..]);
        devJob.Should().Contain("environment: dev").And.Contain("vars.AWS_DEPLOY_ROLE_ARN_DEV").And.NotContain("AWS_DEPLOY_ROLE_ARN_PROD");
        prodJob.Should().Contain($"environment: {CiIdentitySettings.ProductionEnvironment}").And.Contain("vars.AWS_DEPLOY_ROLE_ARN_PROD").And.NotContain("AWS_DEPLOY_ROLE_ARN_DEV");
        deploy.Should().NotContain("vars.AWS_DEPLOY_ROLE_ARN }}");
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
