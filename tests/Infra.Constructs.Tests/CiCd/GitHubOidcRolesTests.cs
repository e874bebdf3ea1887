using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs.CiCd;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.CiCd;

/// <summary>Default props: a created provider, the main branch, the default qualifier, the stack's region.</summary>
public class GitHubOidcRolesTests(GitHubOidcRolesTests.Fixture f) : IClassFixture<GitHubOidcRolesTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Template { get; }
        public JsonObject Json { get; }

        public Fixture()
        {
            Template = TestStacks.Synth(s => _ = new GitHubOidcRoles(s, "Ci", new GitHubOidcRolesProps { Repository = "example-org/infra-constructs" }));
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
        Exact(f.Role("CiDeployRole")["AssumeRolePolicyDocument"], $$"""
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
    public void DiffRoleCanOnlyAssumeTheLookupRoleAndReadStacks() =>
        Exact(f.Statements("CiDiffRole"), """
        [
          {
            "Sid": "AssumeCdkLookupRole",
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Resource": "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}"
          },
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
        var statements = f.Statements("CiDeployRole").AsArray();
        var statement = statements.Should().ContainSingle().Subject!;
        statement["Sid"]!.GetValue<string>().Should().Be("AssumeCdkBootstrapRoles");
        statement["Action"]!.GetValue<string>().Should().Be("sts:AssumeRole");
        statement["Resource"]!.AsArray().Select(r => TemplateExtensions.RenderText(r)).Should().Equal(
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}",
            "arn:${Ref:AWS::Partition}:iam::${Ref:AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${Ref:AWS::AccountId}-${Ref:AWS::Region}");
    }

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
        // No wildcard action anywhere, no Resource "*", no pattern conditions.
        var text = f.Json.ToJsonString();
        text.Should().NotContain("\"Resource\":\"*\"").And.NotContain(":*\"").And.NotContain("\"StringLike\"");
    }

    [Theory]
    [InlineData("Repository", "example-org")]
    [InlineData("Repository", "example-org/*")]
    [InlineData("Repository", "-org/repo")]
    [InlineData("Repository", "example-org/..")]
    [InlineData("Repository", null)]
    [InlineData("ExistingProviderArn", "arn:aws:iam::111111111111:oidc-provider/gitlab.com")]
    [InlineData("ExistingProviderArn", "arn:aws:iam::1111:oidc-provider/token.actions.githubusercontent.com")]
    [InlineData("DeployBranches", "main,feature/*")]
    [InlineData("DeployBranches", "../main")]
    [InlineData("DeployBranches", "topic.lock")]
    [InlineData("DeployBranches", "")]
    [InlineData("DeployEnvironments", "prod*")]
    [InlineData("DeployEnvironments", "my env")]
    [InlineData("Qualifier", "toolongqualifier")]
    [InlineData("Qualifier", "bad.q")]
    [InlineData("Regions", "eu-west")]
    [InlineData("Regions", "")]
    [InlineData("DiffStackNames", "1-Stack")]
    [InlineData("DiffStackNames", "Prod_Web")]
    public void RejectsBadProps(string property, string? value)
    {
        IReadOnlyList<string> List(string? v) => string.IsNullOrEmpty(v) ? [] : v.Split(',');
        var props = property switch
        {
            "Repository" => new GitHubOidcRolesProps { Repository = value },
            "ExistingProviderArn" => new GitHubOidcRolesProps { Repository = "o/r", ExistingProviderArn = value },
            // An empty branch list is only wrong when there is no environment either.
            "DeployBranches" => new GitHubOidcRolesProps { Repository = "o/r", DeployBranches = List(value) },
            "DeployEnvironments" => new GitHubOidcRolesProps { Repository = "o/r", DeployEnvironments = List(value) },
            "Qualifier" => new GitHubOidcRolesProps { Repository = "o/r", Qualifier = value },
            "Regions" => new GitHubOidcRolesProps { Repository = "o/r", Regions = List(value) },
            _ => new GitHubOidcRolesProps { Repository = "o/r", DiffStackNames = List(value) },
        };
        Rejections.Expect(() => new GitHubOidcRoles(TestStacks.NewStack(), "Ci", props), "Test/Ci", property);
    }

    [Fact]
    public void EnvironmentsAloneMayDeploy() =>
        FluentActions.Invoking(() => new GitHubOidcRoles(TestStacks.NewStack(), "Ci", new GitHubOidcRolesProps { Repository = "o/r", DeployBranches = [], DeployEnvironments = ["production"] }))
            .Should().NotThrow();

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

/// <summary>An imported provider, branch and environment subjects, a qualifier, two regions and named stacks, in a pinned stack.</summary>
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
                DeployBranches = ["main", "release/2.x"],
                DeployEnvironments = ["production"],
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
    public void DeployRoleTrustsEachBranchAndEnvironmentExactly() =>
        GitHubOidcRolesTests.Exact(f.Role("CiDeployRole")["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"], """
        {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
              "repo:Example-Org/infra.constructs:ref:refs/heads/main",
              "repo:Example-Org/infra.constructs:ref:refs/heads/release/2.x",
              "repo:Example-Org/infra.constructs:environment:production"
            ]
          }
        }
        """);

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
            "Sid": "AssumeCdkLookupRole",
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Resource": [
              "arn:${Ref:AWS::Partition}:iam::111111111111:role/cdk-infra01-lookup-role-111111111111-eu-west-1",
              "arn:${Ref:AWS::Partition}:iam::111111111111:role/cdk-infra01-lookup-role-111111111111-us-east-1"
            ]
          },
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
    public void DeployRoleAssumesTheQualifiedBootstrapRolesInEachRegion()
    {
        var resources = f.Statements("CiDeployRole")[0]!["Resource"]!.AsArray().Select(TemplateExtensions.RenderText).ToList();
        resources.Should().Equal(
            from region in new[] { "eu-west-1", "us-east-1" }
            from kind in new[] { "deploy", "file-publishing", "image-publishing", "lookup" }
            select $"arn:${{Ref:AWS::Partition}}:iam::111111111111:role/cdk-infra01-{kind}-role-111111111111-{region}");
        resources.Should().NotContain(r => r.Contains("cfn-exec", StringComparison.Ordinal), "the CloudFormation execution role is CloudFormation's, never the workflow's");
    }
}
