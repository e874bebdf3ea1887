namespace Infra.Constructs.CiCd;

/// <summary>Props for <see cref="GitHubOidcRoles"/>.</summary>
public sealed class GitHubOidcRolesProps
{
    /// <summary>
    /// The GitHub repository whose workflows may assume the roles, as <c>owner/name</c> exactly as
    /// GitHub spells it (IAM compares the token's <c>sub</c> claim case-sensitively), e.g.
    /// <c>example-org/infra-constructs</c>. Required.
    /// </summary>
    public string? Repository { get; init; }

    /// <summary>
    /// ARN of the account's existing IAM OIDC provider for <c>token.actions.githubusercontent.com</c>,
    /// e.g. <c>arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com</c>. An account
    /// has at most one provider per URL: import it when another stack (or a person) already created it.
    /// Default: a new provider is created (audience <c>sts.amazonaws.com</c>, kept when the stack is deleted).
    /// </summary>
    public string? ExistingProviderArn { get; init; }

    /// <summary>
    /// Branches whose workflow runs (jobs without a GitHub environment) may assume the deploy role:
    /// <c>sub</c> = <c>repo:OWNER/NAME:ref:refs/heads/BRANCH</c>. Exact names; wildcards are rejected.
    /// May be empty when <see cref="DeployEnvironments"/> is not. Default: <c>["main"]</c>.
    /// </summary>
    public IReadOnlyList<string>? DeployBranches { get; init; }

    /// <summary>
    /// GitHub environments whose jobs may assume the deploy role: <c>sub</c> =
    /// <c>repo:OWNER/NAME:environment:NAME</c> (a job with <c>environment:</c> gets this claim instead of
    /// the branch one). Put approvals and branch rules on the environment in GitHub. Default: none.
    /// </summary>
    public IReadOnlyList<string>? DeployEnvironments { get; init; }

    /// <summary>
    /// Qualifier of the CDK bootstrap stack (<c>cdk bootstrap --qualifier</c>; 1-10 letters, digits,
    /// <c>_</c> or <c>-</c>) naming the roles <c>cdk-QUALIFIER-*-role-ACCOUNT-REGION</c>. Default: <c>hnb659fds</c>.
    /// </summary>
    public string? Qualifier { get; init; }

    /// <summary>
    /// Regions whose CDK bootstrap roles (and, for the diff role, stacks) the roles may use, e.g.
    /// <c>["eu-west-1", "us-east-1"]</c>. Always this stack's account. Default: the stack's own region.
    /// </summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>
    /// CloudFormation stack names the diff role may read (DescribeStacks, GetTemplate), exact or with
    /// <c>*</c> (e.g. <c>Prod-*</c>). Default: <c>["*"]</c>, every stack of the account in <see cref="Regions"/>.
    /// </summary>
    public IReadOnlyList<string>? DiffStackNames { get; init; }
}
