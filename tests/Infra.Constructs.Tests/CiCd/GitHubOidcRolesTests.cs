using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs.CiCd;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.CiCd;

/// <summary>Default props and one target: a created provider, the main branch, the default qualifier, the stack's region.</summary>
public class GitHubOidcRolesTests(GitHubOidcRolesTests.Fixture f) : IClassFixture<GitHubOidcRolesTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Template { get; }
        public JsonObject Json { get; }

        public Fixture()
        {
            Template = TestStacks.Synth(s => _ = new GitHubOidcRoles(s, "Ci", new GitHubOidcRolesProps { Repository = "example-org/infra-constructs", DeployTargets = [new() { Name = "Main", Branch = "main" }] }));
            Json = Template.Json();
        }

        public JsonObject Role(string idPrefix) => Json.ResourcesOf("AWS::IAM::Role").Single(r => r.Id.StartsWith(idPrefix, StringComparison.Ordinal)).Props;

        /// <summary>The statements of the one managed policy attached to the role.</summary>
        public JsonNode Statements(string roleIdPrefix)
        {
            var arn = Role(roleIdPrefix)["ManagedPolicyArns"]!.AsArray().Should().ContainSingle().Subject!;
            var id = arn["Ref"]!.GetValue<string>();
            return Json["Resources"]![id]!["Properties"]!["PolicyDocument"]!["Statement"]!;
        }
    }

    /// <summary>How the roles refer to the created provider.</summary>
    private JsonNode Provider => JsonNode.Parse($$"""{ "Ref": "{{f.Json.ResourcesOf("AWS::IAM::OIDCProvider").Single().Id}}" }""")!;

    [Fact]
    public void CreatesTheGitHubProviderForTheStsAudienceAndKeepsIt()
    {
        f.Template.ResourceCountIs("AWS::IAM::OIDCProvider", 1);
        f.Template.HasResource("AWS::IAM::OIDCProvider", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["Properties"] = new Dictionary<string, object>
            {
                ["Url"] = "https://token.actions.githubusercontent.com",
                ["ClientIdList"] = new[] { "sts.amazonaws.com" },
            },
        });
    }

    [Fact]
    public void DiffRoleTrustsOnlyPullRequestsOfTheRepository() =>
        Exact(f.Role("CiDiffRole")["AssumeRolePolicyDocument"], $$"""
        {
          "Statement": [{
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Effect": "Allow",
            "Principal": { "Federated": {{Provider.ToJsonString()}} },
            "Condition": {
              "StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repo:example-org/infra-constructs:pull_request"
              }
            }
          }],
          "Version": "2012-10-17"
        }
        """);

    [Fact]
    public void DeployRoleTrustsOnlyTheMainBranchOfTheRepository() =>
        Exact(f.Role("CiDeployRoleMain")["AssumeRolePolicyDocument"], $$"""
        {
          "Statement": [{
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Effect": "Allow",
            "Principal": { "Federated": {{Provider.ToJsonString()}} },
            "Condition": {
              "StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repo:example-org/infra-constructs:ref:refs/heads/main"
              }
            }
          }],
          "Version": "2012-10-17"
        }
        """);

    [Fact]
    public void SessionsLastAtMostOneHour()
    {
        f.Template.ResourceCountIs("AWS::IAM::Role", 2);
        f.Json.ResourcesOf("AWS::IAM::Role").Select(r => r.Props["MaxSessionDuration"]!.GetValue<int>()).Should().Equal(3600, 3600);
    }

    [Fact]
    public void DiffRoleCanOnlyReadStacksNotAssumeTheLookupRole() =>
        // The lookup role holds ReadOnlyAccess: assuming it would let pull requests read the whole account.
        Exact(f.Statements("CiDiffRole"), """
        [
          {
            "Sid": "ReadStackTemplates",
            "Action": ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
            "Effect": "Allow",
            "Resource": "arn:${Ref:AWS::Partition}:cloudformation:${Ref:AWS::Region}:${Ref:AWS::AccountId}:stack/*/*"
          }
        ]
        """);

    [Fact]
    public void DeployRoleCanOnlyAssumeTheFourCdkBootstrapRoles()
    {
        var statements = f.Statements("CiDeployRoleMain").AsArray();
        statements.Select(s => s!["Sid"]!.GetValue<string>()).Should().Equal("AssumeCdkBootstrapRoles", "ReleaseReads", "ReleaseReadAlarms");
        var statement = statements[0]!;
        statement["Effect"]!.GetValue<string>().Should().Be("Allow");
        statement["Action"]!.GetValue<string>().Should().Be("sts:AssumeRole");
        statement["Resource"]!.AsArray().Select(r => TemplateExtensions.RenderText(r)).Should().Equal(
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}");
    }

    [Fact]
    public void DeployRoleReadsOnlyWhatAReleaseIsJudgedOn() =>
        // tools/release: metrics and target health take only "*" (Service Authorization Reference), the alarms
        // are scoped to the target account's alarms in its regions. No write, no other service.
        Exact(new JsonArray(f.Statements("CiDeployRoleMain").AsArray().Skip(1).Select(s => s!.DeepClone()).ToArray()), """
        [
          {
            "Sid": "ReleaseReads",
            "Action": ["cloudwatch:GetMetricData", "elasticloadbalancing:DescribeTargetHealth"],
            "Effect": "Allow",
            "Resource": "*"
          },
          {
            "Sid": "ReleaseReadAlarms",
            "Action": "cloudwatch:DescribeAlarms",
            "Effect": "Allow",
            "Resource": "arn:${Ref:AWS::Partition}:cloudwatch:${Ref:AWS::Region}:${Ref:AWS::AccountId}:alarm:*"
          }
        ]
        """);

    [Fact]
    public void NothingElseGrantsPermissions()
    {
        // One customer-managed policy per role (compliance packs reject inline policies), nothing else.
        f.Template.ResourceCountIs("AWS::IAM::ManagedPolicy", 2);
        f.Template.ResourceCountIs("AWS::IAM::Policy", 0);
        foreach (var (_, role) in f.Json.ResourcesOf("AWS::IAM::Role"))
        {
            role.ContainsKey("Policies").Should().BeFalse();
            role.ContainsKey("PermissionsBoundary").Should().BeFalse();
            role["ManagedPolicyArns"]!.AsArray().Should().ContainSingle().Which!.AsObject().ContainsKey("Ref").Should().BeTrue("only this construct's own policy, no AWS-managed one");
        }
        foreach (var (_, policy) in f.Json.ResourcesOf("AWS::IAM::ManagedPolicy"))
            policy.ContainsKey("Roles").Should().BeFalse("attached through the role only");
        // No wildcard action anywhere, no pattern conditions, and no Resource "*" or ARN wildcard but the release
        // reads' (DeployRoleReadsOnlyWhatAReleaseIsJudgedOn pins them exactly).
        var json = f.Json.DeepClone().AsObject();
        foreach (var (_, policy) in json.ResourcesOf("AWS::IAM::ManagedPolicy"))
        {
            var statements = policy["PolicyDocument"]!["Statement"]!.AsArray();
            foreach (var release in statements.Where(s => s!["Sid"]!.GetValue<string>().StartsWith("ReleaseRead", StringComparison.Ordinal)).ToList())
            {
                release!["Action"]!.ToJsonString().Should().NotContain("*");
                statements.Remove(release);
            }
        }
        var text = json.ToJsonString();
        text.Should().NotContain("\"Resource\":\"*\"").And.NotContain(":*\"").And.NotContain("\"StringLike\"");
        text.Should().NotContain("cloudwatch:").And.NotContain("elasticloadbalancing:");
    }

    [Theory]
    [InlineData("Repository", "example-org")]
    [InlineData("Repository", "example-org/*")]
    [InlineData("Repository", "-org/repo")]
    [InlineData("Repository", "example-org/..")]
    [InlineData("Repository", null)]
    [InlineData("ExistingProviderArn", "arn:aws:iam::111111111111:oidc-provider/gitlab.com")]
    [InlineData("ExistingProviderArn", "arn:aws:iam::1111:oidc-provider/token.actions.githubusercontent.com")]
    [InlineData("Qualifier", "toolongqualifier")]
    [InlineData("Qualifier", "bad.q")]
    [InlineData("Regions", "eu-west")]
    [InlineData("Regions", "")]
    [InlineData("DiffStackNames", "1-Stack")]
    [InlineData("DiffStackNames", "Prod_Web")]
    public void RejectsBadProps(string property, string? value)
    {
        IReadOnlyList<string> List(string? v) => string.IsNullOrEmpty(v) ? [] : v.Split(',');
        IReadOnlyList<GitHubDeployTarget> main = [new() { Name = "Main", Branch = "main" }];
        var props = property switch
        {
            "Repository" => new GitHubOidcRolesProps { Repository = value!, DeployTargets = main },
            "ExistingProviderArn" => new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = main, ExistingProviderArn = value },
            "Qualifier" => new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = main, Qualifier = value },
            "Regions" => new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = main, Regions = List(value) },
            _ => new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = main, DiffStackNames = List(value) },
        };
        Rejections.Expect(() => new GitHubOidcRoles(TestStacks.NewStack(), "Ci", props), "Test/Ci", property);
    }

    [Theory]
    [InlineData("DeployTargets", "")]
    [InlineData("Name", "1st")]
    [InlineData("Name", "prod-eu")]
    [InlineData("Environment", "both")]
    [InlineData("Environment", "neither")]
    [InlineData("Environment", "prod*")]
    [InlineData("Environment", "my env")]
    [InlineData("Branch", "feature/*")]
    [InlineData("Branch", "../main")]
    [InlineData("Branch", "topic.lock")]
    [InlineData("Workflow", "deploy.yml")]
    [InlineData("Workflow", ".github/workflows/*.yml")]
    [InlineData("WorkflowBranch", "ma*")]
    [InlineData("Account", "1111")]
    [InlineData("Qualifier", "bad.q")]
    [InlineData("Regions", "eu-west")]
    [InlineData("DeployTargets", "same-name")]
    [InlineData("DeployTargets", "same-subject")]
    public void RejectsBadTargets(string property, string value)
    {
        GitHubDeployTarget T(string v) => property switch
        {
            "Name" => new() { Name = v, Environment = "dev" },
            "Environment" when v == "both" => new() { Name = "Dev", Environment = "dev", Branch = "main" },
            "Environment" when v == "neither" => new() { Name = "Dev" },
            "Environment" => new() { Name = "Dev", Environment = v },
            "Branch" => new() { Name = "Dev", Branch = v },
            "Workflow" => new() { Name = "Dev", Environment = "dev", Workflow = v },
            "WorkflowBranch" => new() { Name = "Dev", Environment = "dev", Workflow = ".github/workflows/deploy.yml", WorkflowBranch = v },
            "Account" => new() { Name = "Dev", Environment = "dev", Account = v },
            "Qualifier" => new() { Name = "Dev", Environment = "dev", Qualifier = v },
            _ => new() { Name = "Dev", Environment = "dev", Regions = v.Split(',') },
        };
        IReadOnlyList<GitHubDeployTarget> targets = (property, value) switch
        {
            ("DeployTargets", "") => [],
            ("DeployTargets", "same-name") => [new() { Name = "Dev", Environment = "dev" }, new() { Name = "Dev", Environment = "production" }],
            ("DeployTargets", _) => [new() { Name = "Dev", Environment = "production" }, new() { Name = "Prod", Environment = "production" }],
            _ => [T(value)],
        };
        Rejections.Expect(() => new GitHubOidcRoles(TestStacks.NewStack(), "Ci", new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = targets }), "Test/Ci", property);
    }

    [Fact]
    public void DeployRoleNamesAnUnknownTarget() =>
        FluentActions.Invoking(() => new GitHubOidcRoles(TestStacks.NewStack(), "Ci", new GitHubOidcRolesProps { Repository = "o/r", DeployTargets = [new() { Name = "Prod", Environment = "production" }] }).DeployRole("Dev"))
            .Should().Throw<KeyNotFoundException>().WithMessage("*no deploy target Dev*Prod*");

    /// <summary>Asserts JSON equality (key order aside); <c>Fn::Join</c>s are compared as text (<see cref="TemplateExtensions.RenderText"/>).</summary>
    internal static void Exact(JsonNode? actual, string expectedJson)
    {
        var expected = JsonNode.Parse(expectedJson);
        var rendered = RenderJoins(actual);
        JsonNode.DeepEquals(rendered, expected).Should().BeTrue($"expected exactly\n{expected?.ToJsonString()}\nbut found\n{rendered?.ToJsonString()}");
    }

    private static JsonNode? RenderJoins(JsonNode? node) => node switch
    {
        JsonObject o when o.ContainsKey("Fn::Join") => JsonValue.Create(TemplateExtensions.RenderText(o)),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, RenderJoins(p.Value)))),
        JsonArray a => new JsonArray(a.Select(RenderJoins).ToArray()),
        _ => node?.DeepClone(),
    };
}

/// <summary>
/// An imported provider, three targets (two branches; a production environment restricted to deploy.yml on
/// main, in another account with its own qualifier), a qualifier, two regions and named stacks, in a pinned stack.
/// </summary>
public class GitHubOidcRolesImportTests(GitHubOidcRolesImportTests.Fixture f) : IClassFixture<GitHubOidcRolesImportTests.Fixture>
{
    private const string ProviderArn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";

    public sealed class Fixture
    {
        public Template Template { get; }
        public JsonObject Json { get; }

        public Fixture()
        {
            var stack = TestStacks.NewPinnedStack();
            _ = new GitHubOidcRoles(stack, "Ci", new GitHubOidcRolesProps
            {
                Repository = "Example-Org/infra.constructs",
                ExistingProviderArn = ProviderArn,
                DeployTargets =
                [
                    new() { Name = "Main", Branch = "main" },
                    new() { Name = "Release", Branch = "release/2.x", Workflow = ".github/workflows/deploy.yml" },
                    new() { Name = "Prod", Environment = "production", Workflow = ".github/workflows/deploy.yml", Account = "222222222222", Qualifier = "prod01", Regions = ["eu-west-1"] },
                ],
                Qualifier = "infra01",
                Regions = ["eu-west-1", "us-east-1"],
                DiffStackNames = ["Dev-*", "Prod-*"],
            });
            Template = Template.FromStack(stack);
            Json = Template.Json();
        }

        public JsonObject Role(string idPrefix) => Json.ResourcesOf("AWS::IAM::Role").Single(r => r.Id.StartsWith(idPrefix, StringComparison.Ordinal)).Props;

        /// <summary>The statements of the one managed policy attached to the role.</summary>
        public JsonNode Statements(string roleIdPrefix)
        {
            var arn = Role(roleIdPrefix)["ManagedPolicyArns"]!.AsArray().Should().ContainSingle().Subject!;
            var id = arn["Ref"]!.GetValue<string>();
            return Json["Resources"]![id]!["Properties"]!["PolicyDocument"]!["Statement"]!;
        }
    }

    [Fact]
    public void ImportsTheProviderInsteadOfCreatingOne()
    {
        f.Template.ResourceCountIs("AWS::IAM::OIDCProvider", 0);
        f.Role("CiDiffRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Federated"]!.GetValue<string>().Should().Be(ProviderArn);
    }

    [Fact]
    public void EachTargetHasARoleOfItsOwnTrustingOneSubject()
    {
        f.Template.ResourceCountIs("AWS::IAM::Role", 4);
        GitHubOidcRolesTests.Exact(f.Role("CiDeployRoleMain")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"], """
        {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:Example-Org/infra.constructs:ref:refs/heads/main"
          }
        }
        """);
        // The workflow file must come from the target's own branch unless WorkflowBranch says otherwise.
        GitHubOidcRolesTests.Exact(f.Role("CiDeployRoleRelease")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"], """
        {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:Example-Org/infra.constructs:ref:refs/heads/release/2.x",
            "token.actions.githubusercontent.com:job_workflow_ref": "Example-Org/infra.constructs/.github/workflows/deploy.yml@refs/heads/release/2.x"
          }
        }
        """);
    }

    [Fact]
    public void ProdRoleTrustsOnlyTheProductionEnvironmentOfDeployYmlOnMain() =>
        GitHubOidcRolesTests.Exact(f.Role("CiDeployRoleProd")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"], """
        {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:Example-Org/infra.constructs:environment:production",
            "token.actions.githubusercontent.com:job_workflow_ref": "Example-Org/infra.constructs/.github/workflows/deploy.yml@refs/heads/main"
          }
        }
        """);

    [Fact]
    public void ProdRoleAssumesOnlyItsOwnAccountsBootstrapRoles()
    {
        var resources = f.Statements("CiDeployRoleProd")[0]!["Resource"]!.AsArray().Select(TemplateExtensions.RenderText).ToList();
        resources.Should().Equal(
            from kind in new[] { "deploy", "file-publishing", "image-publishing", "lookup" }
            select $"arn:${{Ref:AWS::Partition}}:iam::222222222222:role/cdk-prod01-{kind}-role-222222222222-eu-west-1");
    }

    [Fact]
    public void DiffRoleStillTrustsOnlyPullRequests() =>
        GitHubOidcRolesTests.Exact(f.Role("CiDiffRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"], """
        {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:Example-Org/infra.constructs:pull_request"
          }
        }
        """);

    [Fact]
    public void DiffRoleReadsOnlyTheNamedStacksInEachRegion() =>
        GitHubOidcRolesTests.Exact(f.Statements("CiDiffRole"), """
        [
          {
            "Sid": "ReadStackTemplates",
            "Action": ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
            "Effect": "Allow",
            "Resource": [
              "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Dev-*/*",
              "arn:${Ref:AWS::Partition}:cloudformation:eu-west-1:111111111111:stack/Prod-*/*",
              "arn:${Ref:AWS::Partition}:cloudformation:us-east-1:111111111111:stack/Dev-*/*",
              "arn:${Ref:AWS::Partition}:cloudformation:us-east-1:111111111111:stack/Prod-*/*"
            ]
          }
        ]
        """);

    [Fact]
    public void EachDeployRoleReadsTheAlarmsOfItsOwnAccountAndRegions()
    {
        string Alarms(string role) => f.Statements(role).AsArray().Single(s => s!["Sid"]!.GetValue<string>() == "ReleaseReadAlarms")!["Resource"]!.ToJsonString();
        GitHubOidcRolesTests.Exact(JsonNode.Parse(Alarms("CiDeployRoleProd")), """
        "arn:${Ref:AWS::Partition}:cloudwatch:eu-west-1:222222222222:alarm:*"
        """);
        GitHubOidcRolesTests.Exact(JsonNode.Parse(Alarms("CiDeployRoleMain")), """
        [
          "arn:${Ref:AWS::Partition}:cloudwatch:eu-west-1:111111111111:alarm:*",
          "arn:${Ref:AWS::Partition}:cloudwatch:us-east-1:111111111111:alarm:*"
        ]
        """);
        // The diff role reads no metric, alarm or target health.
        f.Statements("CiDiffRole").ToJsonString().Should().NotContain("cloudwatch").And.NotContain("elasticloadbalancing");
    }

    [Fact]
    public void DeployRoleAssumesTheQualifiedBootstrapRolesInEachRegion()
    {
        var resources = f.Statements("CiDeployRoleMain")[0]!["Resource"]!.AsArray().Select(TemplateExtensions.RenderText).ToList();
        resources.Should().Equal(
            from region in new[] { "eu-west-1", "us-east-1" }
            from kind in new[] { "deploy", "file-publishing", "image-publishing", "lookup" }
            select $"arn:${{Ref:AWS::Partition}}:iam::111111111111:role/cdk-infra01-{kind}-role-111111111111-{region}");
        resources.Should().NotContain(r => r.Contains("cfn-exec", StringComparison.Ordinal), "the CloudFormation execution role is CloudFormation's, never the workflow's");
    }
}
