using Amazon.CDK;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.CiCd;

namespace Infra.App.Stacks;

/// <summary>
/// The optional <c>Ci-Identity</c> stack (<c>-c githubRepository=owner/name</c>): the GitHub OIDC
/// provider and the diff and deploy roles the workflows in <c>.github/workflows</c> assume. Deployed
/// once per account by an administrator (the deploy role cannot deploy it); its outputs are the
/// repository variables <c>AWS_DIFF_ROLE_ARN</c> and <c>AWS_DEPLOY_ROLE_ARN</c>. See docs/ci-cd.md.
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
            DeployBranches = [CiIdentitySettings.DeployBranch],
            DeployEnvironments = [CiIdentitySettings.ProductionEnvironment],
            // Pinned environments: their regions; environment-agnostic ones deploy to this stack's region.
            Regions = regions.Any(r => r is null) ? null : regions.Select(r => r!).ToList(),
            // The diff role reads the reference environments' stacks only ({Env}-Network, -Web, -Api) and the
            // shared owner of the API Gateway logging role (ApiGateway-Account).
            DiffStackNames = [.. all.Select(e => ReferenceEnvironment.Prefix(e) + "-*"), ApiGatewayAccountStack.DefaultId + "*"],
        });
        _ = new CfnOutput(this, "DiffRoleArn", new CfnOutputProps
        {
            Value = Roles.DiffRole.RoleArn,
            Description = "Repository variable AWS_DIFF_ROLE_ARN: pull requests' live cdk diff (read-only)",
        });
        _ = new CfnOutput(this, "DeployRoleArn", new CfnOutputProps
        {
            Value = Roles.DeployRole.RoleArn,
            Description = "Repository variable AWS_DEPLOY_ROLE_ARN: cdk deploy from main and the production environment",
        });
        _ = new CfnOutput(this, "OidcProviderArn", new CfnOutputProps
        {
            Value = Roles.ProviderArn,
            Description = "GitHub OIDC provider of the account (pass it as -c githubOidcProviderArn=... to other stacks that need it)",
        });
        Amazon.CDK.Tags.Of(this).Add("managed-by", "cdk-infra-constructs");
    }
}
