namespace Infra.Constructs.CiCd;

/// <summary>Props for <see cref="GitHubOidcRoles"/>.</summary>
public sealed record GitHubOidcRolesProps
{
    /// <summary>
    /// The GitHub repository whose workflows may assume the roles, as <c>owner/name</c> exactly as
    /// GitHub spells it (IAM compares the token's <c>sub</c> claim case-sensitively), e.g.
    /// <c>example-org/infra-constructs</c>. Required.
    /// </summary>
    public required string Repository { get; init; }

    /// <summary>
    /// ARN of the account's existing IAM OIDC provider for <c>token.actions.githubusercontent.com</c>,
    /// e.g. <c>arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com</c>. An account
    /// has at most one provider per URL: import it when another stack (or a person) already created it.
    /// Default: a new provider is created (audience <c>sts.amazonaws.com</c>, kept when the stack is deleted).
    /// </summary>
    public string? ExistingProviderArn { get; init; }

    /// <summary>
    /// One deploy role per target (e.g. dev and prod), each trusted by exactly one GitHub subject and
    /// allowed to assume only its own account's CDK bootstrap roles (and to read the CloudWatch metrics and alarms
    /// and target health a release driver judges on). Never give two environments one
    /// role: the approval gate of one would then guard nothing. Required, at least one; names unique.
    /// </summary>
    public IReadOnlyList<GitHubDeployTarget>? DeployTargets { get; init; }

    /// <summary>
    /// Default qualifier of the CDK bootstrap stack (<c>cdk bootstrap --qualifier</c>; 1-10 letters, digits,
    /// <c>_</c> or <c>-</c>) naming the roles <c>cdk-QUALIFIER-*-role-ACCOUNT-REGION</c>; a target may
    /// override it. Default: <c>hnb659fds</c>.
    /// </summary>
    public string? Qualifier { get; init; }

    /// <summary>
    /// Regions whose CDK bootstrap roles (and, for the diff role, stacks) the roles may use, e.g.
    /// <c>["eu-west-1", "us-east-1"]</c>. Default: the stack's own region.
    /// </summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>
    /// CloudFormation stack names the diff role may read (DescribeStacks, GetTemplate) in this stack's
    /// account, exact or with <c>*</c> (e.g. <c>Prod-*</c>). Default: <c>["*"]</c>, every stack of the
    /// account in <see cref="Regions"/>.
    /// </summary>
    public IReadOnlyList<string>? DiffStackNames { get; init; }
}
