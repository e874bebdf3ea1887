namespace Infra.Constructs.CiCd;

/// <summary>
/// One deployment target of <see cref="GitHubOidcRoles"/>: a role of its own, trusted by one GitHub
/// subject (an environment, or a branch for jobs without one), optionally only from one workflow
/// file, and allowed to assume only the CDK bootstrap roles of one account and qualifier.
/// </summary>
public sealed class GitHubDeployTarget
{
    /// <summary>
    /// Name of the target, e.g. <c>Dev</c> or <c>Prod</c>: a letter, then letters or digits (up to 32).
    /// Names the role's construct (<c>DeployRole{Name}</c>) and its policy. Required.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// The GitHub environment of the deploying job: <c>sub</c> = <c>repo:OWNER/NAME:environment:ENVIRONMENT</c>
    /// (a job with <c>environment:</c> gets this claim instead of the branch one). Put required reviewers
    /// and a deployment-branch rule on the environment in GitHub. Exactly one of this and <see cref="Branch"/>.
    /// </summary>
    public string? Environment { get; init; }

    /// <summary>
    /// A branch whose jobs without an environment may assume the role: <c>sub</c> =
    /// <c>repo:OWNER/NAME:ref:refs/heads/BRANCH</c>. Any workflow on that branch gets this subject, so
    /// prefer <see cref="Environment"/>, or at least set <see cref="Workflow"/>. Exactly one of this and
    /// <see cref="Environment"/>.
    /// </summary>
    public string? Branch { get; init; }

    /// <summary>
    /// The workflow file the job must run in, e.g. <c>.github/workflows/deploy.yml</c>: the trust policy then
    /// also requires the token's <c>job_workflow_ref</c> claim (condition key
    /// <c>token.actions.githubusercontent.com:job_workflow_ref</c>) to be
    /// <c>OWNER/NAME/WORKFLOW@refs/heads/WORKFLOWBRANCH</c>. Default: none (any workflow with the subject).
    /// </summary>
    public string? Workflow { get; init; }

    /// <summary>Branch the <see cref="Workflow"/> file must come from. Default: <see cref="Branch"/>, else <c>main</c>.</summary>
    public string? WorkflowBranch { get; init; }

    /// <summary>
    /// Account whose CDK bootstrap roles this role may assume (12 digits). A role in another account than
    /// the stack's needs that account bootstrapped with <c>cdk bootstrap --trust STACK_ACCOUNT</c>.
    /// Default: the stack's account.
    /// </summary>
    public string? Account { get; init; }

    /// <summary>Bootstrap qualifier of that account. Default: <see cref="GitHubOidcRolesProps.Qualifier"/>.</summary>
    public string? Qualifier { get; init; }

    /// <summary>Regions of that account's bootstrap roles. Default: <see cref="GitHubOidcRolesProps.Regions"/>.</summary>
    public IReadOnlyList<string>? Regions { get; init; }
}
