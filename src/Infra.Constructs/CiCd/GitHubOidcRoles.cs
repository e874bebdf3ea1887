using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.CiCd;

/// <summary>
/// The identity of a repository's GitHub Actions in one AWS account, without stored keys: the IAM
/// OIDC provider for <c>token.actions.githubusercontent.com</c> (created, or imported by ARN) and two
/// roles that only that repository's workflows can assume with their OIDC token.
/// <list type="bullet">
/// <item><see cref="DiffRole"/>, for pull requests (<c>sub</c> = <c>repo:OWNER/NAME:pull_request</c>): what
/// <c>cdk diff --no-change-set</c> needs, nothing more: assume the CDK bootstrap lookup role and read
/// CloudFormation stacks and templates.</item>
/// <item><see cref="DeployRole"/>, for the deploying branches and environments (<c>ref:refs/heads/main</c>,
/// <c>environment:production</c>...): what <c>cdk deploy</c> needs: assume the CDK bootstrap deploy,
/// file-publishing, image-publishing and lookup roles, which hold the actual permissions.</item>
/// </list>
/// Both trust only tokens whose audience is <c>sts.amazonaws.com</c> (StringEquals on <c>aud</c> and
/// <c>sub</c>, no wildcards) and last at most one hour.
/// </summary>
public sealed partial class GitHubOidcRoles : Construct
{
    /// <summary>Host of GitHub's OIDC token issuer (github.com).</summary>
    public const string TokenHost = "token.actions.githubusercontent.com";

    /// <summary>Audience that aws-actions/configure-aws-credentials requests.</summary>
    public const string Audience = "sts.amazonaws.com";

    /// <summary>The CDK's default bootstrap qualifier.</summary>
    public const string DefaultQualifier = "hnb659fds";

    /// <summary>Bootstrap roles the deploy role may assume (<c>cdk-QUALIFIER-KIND-role-ACCOUNT-REGION</c>).</summary>
    public static readonly IReadOnlyList<string> DeployBootstrapRoles = ["deploy", "file-publishing", "image-publishing", "lookup"];

    /// <summary>ARN of the OIDC provider the roles trust (created here or imported).</summary>
    public string ProviderArn { get; }

    /// <summary>The provider when this construct created it; null when imported.</summary>
    public OidcProviderNative? Provider { get; }

    /// <summary>Read-only role for pull requests' <c>cdk diff</c>.</summary>
    public Role DiffRole { get; }

    /// <summary>Role for <c>cdk deploy</c> from the deploy branches and environments.</summary>
    public Role DeployRole { get; }

    /// <summary>Creates the provider (or imports it) and the two roles.</summary>
    public GitHubOidcRoles(Construct scope, string id, GitHubOidcRolesProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        Guardrails.SecretLiteralGuard.EnsureOn(this);
        ArgumentNullException.ThrowIfNull(props);
        var check = new PropChecks(Node.Path, nameof(GitHubOidcRolesProps));
        var repository = check.Required(nameof(props.Repository), props.Repository);
        if (!IsValidRepository(repository))
            throw check.Fail(nameof(props.Repository), repository, "owner/name of a GitHub repository, e.g. example-org/infra-constructs (owner: 1-39 letters, digits or single hyphens; name: 1-100 letters, digits, '.', '_' or '-'; no wildcards)");
        if (props.ExistingProviderArn is { } arn && !Token.IsUnresolved(arn) && !ProviderArnPattern().IsMatch(arn))
            throw check.Fail(nameof(props.ExistingProviderArn), arn, $"the ARN of the account's OIDC provider for {TokenHost}, e.g. arn:aws:iam::111111111111:oidc-provider/{TokenHost}");
        var branches = (props.DeployBranches ?? ["main"]).Distinct().ToList();
        if (branches.FirstOrDefault(b => !IsValidBranch(b)) is { } badBranch)
            throw check.Fail(nameof(props.DeployBranches), props.DeployBranches, $"exact git branch names such as main or release/2.x (letters, digits, '.', '_', '-', '/'; no '..', '//', leading '-', '.' or '/', trailing '/', '.' or '.lock', no wildcards); '{badBranch}' is not one");
        var environments = (props.DeployEnvironments ?? []).Distinct().ToList();
        if (environments.FirstOrDefault(e => !EnvironmentPattern().IsMatch(e)) is { } badEnvironment)
            throw check.Fail(nameof(props.DeployEnvironments), props.DeployEnvironments, $"GitHub environment names such as production (1-255 letters, digits, '.', '_' or '-'; no wildcards); '{badEnvironment}' is not one");
        if (branches.Count == 0 && environments.Count == 0)
            throw check.Fail(nameof(props.DeployBranches), props.DeployBranches, "at least one branch, or at least one DeployEnvironments entry (otherwise nothing could deploy)");
        var qualifier = props.Qualifier ?? DefaultQualifier;
        check.Matches(nameof(props.Qualifier), qualifier, QualifierPattern(), "the CDK bootstrap qualifier: 1-10 letters, digits, '_' or '-' (default hnb659fds)");
        if (props.Regions is { } regionList && (regionList.Count == 0 || regionList.Any(r => !RegionPattern().IsMatch(r))))
            throw check.Fail(nameof(props.Regions), regionList, "one or more AWS regions such as eu-west-1");
        var stackNames = (props.DiffStackNames ?? ["*"]).Distinct().ToList();
        if (stackNames.Count == 0 || stackNames.Any(n => !StackNamePattern().IsMatch(n)))
            throw check.Fail(nameof(props.DiffStackNames), props.DiffStackNames, "one or more CloudFormation stack names (a letter, then letters, digits or '-', up to 128), '*' allowed as a wildcard, e.g. Prod-*");

        var stack = Stack.Of(this);
        var regions = (props.Regions ?? [stack.Region]).Distinct().ToList();

        if (props.ExistingProviderArn is null)
        {
            Provider = new OidcProviderNative(this, "Provider", new OidcProviderNativeProps
            {
                Url = "https://" + TokenHost,
                ClientIds = [Audience],
                // One provider per account and URL: other stacks may trust it, so it outlives this stack.
                RemovalPolicy = RemovalPolicy.RETAIN,
            });
            ProviderArn = Provider.OidcProviderArn;
        }
        else
        {
            ProviderArn = props.ExistingProviderArn;
        }

        string BootstrapRole(string kind, string region) =>
            $"arn:{stack.Partition}:iam::{stack.Account}:role/cdk-{qualifier}-{kind}-role-{stack.Account}-{region}";

        // Customer-managed policies (not inline ones): one per role, visible and reviewable on their own.
        var diffPolicy = new ManagedPolicy(this, "DiffPolicy", new ManagedPolicyProps
        {
            Description = $"cdk diff --no-change-set for pull requests of {repository}: assume the CDK lookup role, read stack templates",
            Statements =
            [
                new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "AssumeCdkLookupRole",
                    Actions = ["sts:AssumeRole"],
                    Resources = regions.Select(r => BootstrapRole("lookup", r)).ToArray(),
                }),
                new PolicyStatement(new PolicyStatementProps
                {
                    // The lookup role's fallback: the CLI reads the deployed template itself when it cannot assume it.
                    Sid = "ReadStackTemplates",
                    Actions = ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
                    Resources = regions.SelectMany(r => stackNames.Select(n =>
                        $"arn:{stack.Partition}:cloudformation:{r}:{stack.Account}:stack/{n}/*")).ToArray(),
                }),
            ],
        });
        DiffRole = new Role(this, "DiffRole", new RoleProps
        {
            Description = $"cdk diff for pull requests of {repository} (GitHub OIDC): read-only",
            AssumedBy = Trust([$"repo:{repository}:pull_request"]),
            MaxSessionDuration = Duration.Hours(1),
            ManagedPolicies = [diffPolicy],
        });

        var deploySubjects = branches.Select(b => $"repo:{repository}:ref:refs/heads/{b}")
            .Concat(environments.Select(e => $"repo:{repository}:environment:{e}")).ToArray();
        var deployPolicy = new ManagedPolicy(this, "DeployPolicy", new ManagedPolicyProps
        {
            Description = $"cdk deploy from {repository}: assume the CDK bootstrap deploy, publishing and lookup roles (they hold the permissions)",
            Statements =
            [
                new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "AssumeCdkBootstrapRoles",
                    Actions = ["sts:AssumeRole"],
                    Resources = regions.SelectMany(r => DeployBootstrapRoles.Select(k => BootstrapRole(k, r))).ToArray(),
                }),
            ],
        });
        DeployRole = new Role(this, "DeployRole", new RoleProps
        {
            Description = $"cdk deploy from {repository} (GitHub OIDC): assumes the CDK bootstrap roles only",
            AssumedBy = Trust(deploySubjects),
            MaxSessionDuration = Duration.Hours(1),
            ManagedPolicies = [deployPolicy],
        });
    }

    /// <summary>True for <c>owner/name</c> as GitHub allows it (used by apps to check their settings too).</summary>
    public static bool IsValidRepository(string? repository) =>
        repository is not null && RepositoryPattern().IsMatch(repository) && !repository.EndsWith("/.", StringComparison.Ordinal) && !repository.EndsWith("/..", StringComparison.Ordinal);

    /// <summary>True for a branch name the deploy role can trust exactly (a subset of git's ref-name rules).</summary>
    public static bool IsValidBranch(string? branch) => branch is not null && BranchPattern().IsMatch(branch);

    private IPrincipal Trust(string[] subjects) =>
        new FederatedPrincipal(ProviderArn, new Dictionary<string, object>
        {
            ["StringEquals"] = new Dictionary<string, object>
            {
                [TokenHost + ":aud"] = Audience,
                [TokenHost + ":sub"] = subjects.Length == 1 ? subjects[0] : subjects,
            },
        }, "sts:AssumeRoleWithWebIdentity");

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$")]
    private static partial Regex ProviderArnPattern();

    [GeneratedRegex(@"^(?![-./])(?!.*\.\.)(?!.*//)(?!.*/\.)[A-Za-z0-9._/-]{1,255}(?<![./])(?<!\.lock)$")]
    private static partial Regex BranchPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,255}$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,10}$")]
    private static partial Regex QualifierPattern();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[A-Za-z*][A-Za-z0-9*-]{0,127}$")]
    private static partial Regex StackNamePattern();
}
