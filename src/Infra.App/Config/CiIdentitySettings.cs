namespace Infra.App.Config;

/// <summary>
/// Settings of the optional <c>Ci-Identity</c> stack: the GitHub repository whose workflows may diff
/// and deploy, and the account's existing GitHub OIDC provider to import (null: the stack creates it).
/// </summary>
public sealed record CiIdentitySettings(string Repository, string? ExistingProviderArn = null)
{
    /// <summary>The GitHub environment of the production deploy job (deploy.yml); its jobs get the <c>environment:production</c> subject.</summary>
    public const string ProductionEnvironment = "production";

    /// <summary>The branch whose pushes deploy; deploy.yml must come from it (<c>job_workflow_ref</c>).</summary>
    public const string DeployBranch = "main";

    /// <summary>The workflow file whose jobs may assume the deploy roles.</summary>
    public const string DeployWorkflow = ".github/workflows/deploy.yml";

    /// <summary>The GitHub environment of an app environment's deploy job: <c>production</c> for prod, else its own name (<c>dev</c>).</summary>
    public static string GitHubEnvironment(string environmentName) =>
        environmentName == "prod" ? ProductionEnvironment : environmentName;
}
