using Amazon.CDK;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.CiCd;

namespace Infra.App.Stacks;

/// <summary>
/// The optional <c>Ci-Identity</c> stack (<c>-c githubRepository=owner/name</c>): the GitHub OIDC
/// provider, the pull requests' diff role and one deploy role per selected environment (dev: GitHub
/// environment <c>dev</c>; prod: <c>production</c>; both only from deploy.yml on main). Deployed by an
/// administrator; its outputs are the repository variables <c>AWS_DIFF_ROLE_ARN</c> and
/// <c>AWS_DEPLOY_ROLE_ARN_DEV</c> / <c>AWS_DEPLOY_ROLE_ARN_PROD</c>. A deploy role reaches its account's
/// CDK deploy role, which can update this stack too unless the account was bootstrapped with a narrowed
/// execution policy: see docs/ci-cd.md.
/// </summary>
public sealed class CiIdentityStack : Stack
{
    /// <summary>Construct id and stack name.</summary>
    public const string Id = "Ci-Identity";

    /// <summary>The provider and roles.</summary>
    public GitHubOidcRoles Roles { get; }

    /// <summary>Creates the stack.</summary>
    public CiIdentityStack(Construct scope, string id, CiIdentitySettings settings, IEnumerable<EnvironmentSettings> environments, IStackProps props)
        : base(scope, id, props)
    {
        var all = environments.ToList();
        var regions = all.Select(e => e.Region).Distinct().ToList();
        Roles = new GitHubOidcRoles(this, "GitHub", new GitHubOidcRolesProps
        {
            Repository = settings.Repository,
            ExistingProviderArn = settings.ExistingProviderArn,
            // One role per environment, trusted only by that environment's job of deploy.yml on main.
            DeployTargets = [.. all.Select(e => new GitHubDeployTarget
            {
                Name = ReferenceEnvironment.Prefix(e),
                Environment = CiIdentitySettings.GitHubEnvironment(e.Name),
                Workflow = CiIdentitySettings.DeployWorkflow,
                WorkflowBranch = CiIdentitySettings.DeployBranch,
                Account = e.Account,
                Regions = e.Region is { } r ? [r] : null,
            })],
            // Pinned environments: their regions; environment-agnostic ones deploy to this stack's region.
            Regions = regions.Any(r => r is null) ? null : regions.Select(r => r!).ToList(),
            // The diff role reads the reference environments' stacks only ({Env}-Network, -Web, -Api) and the
            // shared owner of the API Gateway logging role (ApiGateway-Account).
            DiffStackNames = [.. all.Select(e => ReferenceEnvironment.Prefix(e) + "-*"), ApiGatewayAccountStack.DefaultId + "*"],
        });
        _ = new CfnOutput(this, "DiffRoleArn", new CfnOutputProps
        {
            Value = Roles.DiffRole.RoleArn,
            Description = "Repository variable AWS_DIFF_ROLE_ARN: pull requests' live cdk diff (reads stack templates only)",
        });
        foreach (var e in all)
        {
            var name = ReferenceEnvironment.Prefix(e);
            _ = new CfnOutput(this, name + "DeployRoleArn", new CfnOutputProps
            {
                Value = Roles.DeployRole(name).RoleArn,
                Description = $"Repository variable AWS_DEPLOY_ROLE_ARN_{name.ToUpperInvariant()}: cdk deploy of {e.Name} by deploy.yml on {CiIdentitySettings.DeployBranch}, GitHub environment {CiIdentitySettings.GitHubEnvironment(e.Name)}",
            });
        }
        _ = new CfnOutput(this, "OidcProviderArn", new CfnOutputProps
        {
            Value = Roles.ProviderArn,
            Description = "GitHub OIDC provider of the account (pass it as -c githubOidcProviderArn=... to other stacks that need it)",
        });
        Amazon.CDK.Tags.Of(this).Add("managed-by", "cdk-infra-constructs");
    }
}
