namespace Infra.App.Config;

/// <summary>
/// Settings of the optional <c>Ci-Identity</c> stack: the GitHub repository whose workflows may diff
/// and deploy, and the account's existing GitHub OIDC provider to import (null: the stack creates it).
/// </summary>
public sealed record CiIdentitySettings(string Repository, string? ExistingProviderArn = null)
{
    /// <summary>The GitHub environment of the production deploy job (deploy.yml); its jobs get the <c>environment:production</c> subject.</summary>
    public const string ProductionEnvironment = "production";

    /// <summary>The branch whose pushes deploy (the dev job of deploy.yml has no environment).</summary>
    public const string DeployBranch = "main";
}
