using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.CiCd;

/// <summary>
/// The identity of a repository's GitHub Actions in one AWS account, without stored keys: the IAM
/// OIDC provider for <c>token.actions.githubusercontent.com</c> (created, or imported by ARN) and roles
/// that only that repository's workflows can assume with their OIDC token.
/// <list type="bullet">
/// <item><see cref="DiffRole"/>, for pull requests (<c>sub</c> = <c>repo:OWNER/NAME:pull_request</c>): read
/// the named CloudFormation stacks and their templates, nothing else (not even the CDK lookup role,
/// which may read the whole account).</item>
/// <item><see cref="DeployRoles"/>, one per <see cref="GitHubDeployTarget"/> (e.g. dev and prod): each trusted
/// by one subject (<c>environment:NAME</c> or <c>ref:refs/heads/BRANCH</c>), optionally only from one
/// workflow file (<c>job_workflow_ref</c>), and allowed to assume only the CDK bootstrap deploy,
/// file-publishing, image-publishing and lookup roles of its own account and qualifier, and to read what a
/// release is judged on (<c>cloudwatch:GetMetricData</c>, <c>cloudwatch:DescribeAlarms</c> on that account's
/// alarms, <c>elasticloadbalancing:DescribeTargetHealth</c>): reads only, no change to anything.</item>
/// </list>
/// All trust only tokens whose audience is <c>sts.amazonaws.com</c> (StringEquals, no wildcards) and
/// last at most one hour. Two targets in one account with one qualifier reach the same bootstrap
/// roles: only separate accounts (or bootstrap roles of their own) separate what they can change.
/// </summary>
public sealed partial class GitHubOidcRoles : Construct
{
    /// <summary>Host of GitHub's OIDC token issuer (github.com).</summary>
    public const string TokenHost = "token.actions.githubusercontent.com";

    /// <summary>Audience that aws-actions/configure-aws-credentials requests.</summary>
    public const string Audience = "sts.amazonaws.com";

    /// <summary>The CDK's default bootstrap qualifier.</summary>
    public const string DefaultQualifier = "hnb659fds";

    /// <summary>Bootstrap roles a deploy role may assume (<c>cdk-QUALIFIER-KIND-role-ACCOUNT-REGION</c>).</summary>
    public static readonly IReadOnlyList<string> DeployBootstrapRoles = ["deploy", "file-publishing", "image-publishing", "lookup"];

    /// <summary>
    /// Sid of each deploy role's statement allowing the reads a release driver (<c>tools/release</c>) needs that the
    /// CDK deploy role lacks: <c>cloudwatch:GetMetricData</c> and <c>elasticloadbalancing:DescribeTargetHealth</c>
    /// (on <c>*</c>: neither action has a resource type that applies).
    /// </summary>
    public const string ReleaseReadsSid = "ReleaseReads";

    /// <summary>Sid of the statement allowing <c>cloudwatch:DescribeAlarms</c> on the target account's alarms in its regions.</summary>
    public const string ReleaseAlarmReadsSid = "ReleaseReadAlarms";

    /// <summary>ARN of the OIDC provider the roles trust (created here or imported).</summary>
    public string ProviderArn { get; }

    /// <summary>The provider when this construct created it; null when imported.</summary>
    public OidcProviderNative? Provider { get; }

    /// <summary>Read-only role for pull requests' <c>cdk diff</c>.</summary>
    public Role DiffRole { get; }

    /// <summary>The deploy role of each target, by <see cref="GitHubDeployTarget.Name"/>.</summary>
    public IReadOnlyDictionary<string, Role> DeployRoles { get; }

    /// <summary>Creates the provider (or imports it), the diff role and one deploy role per target.</summary>
    public GitHubOidcRoles(Construct scope, string id, GitHubOidcRolesProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        ArgumentNullException.ThrowIfNull(props);
        var check = new PropChecks(Node.Path, nameof(GitHubOidcRolesProps));
        var repository = check.Required(nameof(props.Repository), props.Repository);
        if (!IsValidRepository(repository))
            throw check.Fail(nameof(props.Repository), repository, "owner/name of a GitHub repository, e.g. example-org/infra-constructs (owner: 1-39 letters, digits or single hyphens; name: 1-100 letters, digits, '.', '_' or '-'; no wildcards)");
        if (props.ExistingProviderArn is { } arn && !Token.IsUnresolved(arn) && !ProviderArnPattern().IsMatch(arn))
            throw check.Fail(nameof(props.ExistingProviderArn), arn, $"the ARN of the account's OIDC provider for {TokenHost}, e.g. arn:aws:iam::111111111111:oidc-provider/{TokenHost}");
        var qualifier = props.Qualifier ?? DefaultQualifier;
        check.Matches(nameof(props.Qualifier), qualifier, QualifierPattern(), "the CDK bootstrap qualifier: 1-10 letters, digits, '_' or '-' (default hnb659fds)");
        if (props.Regions is { } regionList && !ValidRegions(regionList))
            throw check.Fail(nameof(props.Regions), regionList, "one or more AWS regions such as eu-west-1");
        var stackNames = (props.DiffStackNames ?? ["*"]).Distinct().ToList();
        if (stackNames.Count == 0 || stackNames.Any(n => !StackNamePattern().IsMatch(n)))
            throw check.Fail(nameof(props.DiffStackNames), props.DiffStackNames, "one or more CloudFormation stack names (a letter, then letters, digits or '-', up to 128), '*' allowed as a wildcard, e.g. Prod-*");
        var targets = props.DeployTargets ?? [];
        if (targets.Count == 0)
            throw check.Fail(nameof(props.DeployTargets), props.DeployTargets, "one or more GitHubDeployTarget (one role each, e.g. Dev with Environment dev and Prod with Environment production)");
        foreach (var t in targets) CheckTarget(check, t);
        if (targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw check.Fail(nameof(props.DeployTargets), twice.Key, "unique target names");
        if (targets.GroupBy(t => Subject(repository, t)).FirstOrDefault(g => g.Count() > 1 && g.Select(t => t.Workflow).Distinct().Count() < g.Count()) is { } shared)
            throw check.Fail(nameof(props.DeployTargets), shared.Key, "one subject (environment or branch) per target, so that each GitHub job reaches one role only");
        check.ThrowIfAny();

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

        // Customer-managed policies (not inline ones): one per role, visible and reviewable on their own.
        var diffPolicy = new ManagedPolicy(this, "DiffPolicy", new ManagedPolicyProps
        {
            Description = $"cdk diff --no-change-set for pull requests of {repository}: read the named stacks and their templates only",
            Statements =
            [
                new PolicyStatement(new PolicyStatementProps
                {
                    // No sts:AssumeRole on the CDK lookup role: it holds ReadOnlyAccess (the whole account).
                    // Without it the CLI reads the deployed templates with these credentials.
                    Sid = "ReadStackTemplates",
                    Actions = ["cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
                    Resources = regions.SelectMany(r => stackNames.Select(n =>
                        $"arn:{stack.Partition}:cloudformation:{r}:{stack.Account}:stack/{n}/*")).ToArray(),
                }),
            ],
        });
        DiffRole = new Role(this, "DiffRole", new RoleProps
        {
            Description = $"cdk diff for pull requests of {repository} (GitHub OIDC): reads stack templates only",
            AssumedBy = Trust($"repo:{repository}:pull_request", null),
            MaxSessionDuration = Duration.Hours(1),
            ManagedPolicies = [diffPolicy],
        });

        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            var name = target.Name!;
            var account = target.Account ?? stack.Account;
            var targetQualifier = target.Qualifier ?? qualifier;
            var targetRegions = (target.Regions ?? regions).Distinct().ToList();
            string? workflowRef = target.Workflow is { } wf ? $"{repository}/{wf}@refs/heads/{target.WorkflowBranch ?? target.Branch ?? "main"}" : null;
            var policy = new ManagedPolicy(this, "DeployPolicy" + name, new ManagedPolicyProps
            {
                Description = $"cdk deploy ({name}) from {repository}: assume the CDK bootstrap deploy, publishing and lookup roles of one account (they hold the permissions); read the metrics, alarms and target health a release (tools/release) is judged on",
                Statements =
                [
                    new PolicyStatement(new PolicyStatementProps
                    {
                        Sid = "AssumeCdkBootstrapRoles",
                        Actions = ["sts:AssumeRole"],
                        Resources = targetRegions.SelectMany(r => DeployBootstrapRoles.Select(k =>
                            $"arn:{stack.Partition}:iam::{account}:role/cdk-{targetQualifier}-{k}-role-{account}-{r}")).ToArray(),
                    }),
                    // tools/release runs its CloudFormation calls as the CDK deploy role (which may pass the stacks'
                    // execution role) and these reads, which that role lacks, with the job's own credentials.
                    // Service Authorization Reference: cloudwatch:GetMetricData (its one resource type, dataset, is
                    // optional and not what classic metrics are) and elasticloadbalancing:DescribeTargetHealth (no
                    // resource type) take only "*"; cloudwatch:DescribeAlarms requires the alarm resource type,
                    // arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:NAME, so it gets its own statement below.
                    new PolicyStatement(new PolicyStatementProps
                    {
                        Sid = ReleaseReadsSid,
                        Actions = ["cloudwatch:GetMetricData", "elasticloadbalancing:DescribeTargetHealth"],
                        Resources = ["*"],
                    }),
                    // Metric alarms only: DescribeAlarms returns composite alarms only to a permission scoped to "*"
                    // (CloudWatch API reference, DescribeAlarms), and the driver asks for them only when a gate is one.
                    new PolicyStatement(new PolicyStatementProps
                    {
                        Sid = ReleaseAlarmReadsSid,
                        Actions = ["cloudwatch:DescribeAlarms"],
                        Resources = targetRegions.Select(r => $"arn:{stack.Partition}:cloudwatch:{r}:{account}:alarm:*").ToArray(),
                    }),
                ],
            });
            roles[name] = new Role(this, "DeployRole" + name, new RoleProps
            {
                Description = $"cdk deploy ({name}) from {repository} (GitHub OIDC {Subject(repository, target)}{(workflowRef is null ? "" : ", " + target.Workflow)}): assumes the CDK bootstrap roles of {(target.Account is null ? "this account" : "account " + target.Account)} only; reads release metrics, alarms and target health",
                AssumedBy = Trust(Subject(repository, target), workflowRef),
                MaxSessionDuration = Duration.Hours(1),
                ManagedPolicies = [policy],
            });
        }
        DeployRoles = roles;
    }

    /// <summary>The deploy role of the target named <paramref name="name"/>.</summary>
    public Role DeployRole(string name) => DeployRoles.TryGetValue(name, out var role) ? role
        : throw new KeyNotFoundException($"{Node.Path} has no deploy target {name}; it has {string.Join(", ", DeployRoles.Keys)}");

    /// <summary>The <c>sub</c> claim of the target's jobs.</summary>
    public static string Subject(string repository, GitHubDeployTarget target) => target.Environment is { } e
        ? $"repo:{repository}:environment:{e}"
        : $"repo:{repository}:ref:refs/heads/{target.Branch}";

    private static void CheckTarget(PropChecks check, GitHubDeployTarget? t)
    {
        const string prop = nameof(GitHubOidcRolesProps.DeployTargets);
        if (t is null) throw check.Fail(prop, null, "GitHubDeployTarget objects, not null");
        if (t.Name is null || !TargetNamePattern().IsMatch(t.Name))
            throw check.Fail(prop + ".Name", t.Name, "a letter, then letters or digits (up to 32), e.g. Dev or Prod");
        if ((t.Environment is null) == (t.Branch is null))
            throw check.Fail(prop + ".Environment", t.Environment, $"exactly one of Environment and Branch for target {t.Name}");
        if (t.Environment is { } e && !EnvironmentPattern().IsMatch(e))
            throw check.Fail(prop + ".Environment", e, "a GitHub environment name such as production (1-255 letters, digits, '.', '_' or '-'; no wildcards)");
        if (t.Branch is { } b && !IsValidBranch(b))
            throw check.Fail(prop + ".Branch", b, "an exact git branch name such as main or release/2.x (letters, digits, '.', '_', '-', '/'; no '..', '//', leading '-', '.' or '/', trailing '/', '.' or '.lock', no wildcards)");
        if (t.Workflow is { } w && !WorkflowPattern().IsMatch(w))
            throw check.Fail(prop + ".Workflow", w, "a workflow file of the repository, e.g. .github/workflows/deploy.yml");
        if (t.WorkflowBranch is { } wb && !IsValidBranch(wb))
            throw check.Fail(prop + ".WorkflowBranch", wb, "an exact git branch name such as main");
        if (t.Account is { } a && !Token.IsUnresolved(a) && !AccountPattern().IsMatch(a))
            throw check.Fail(prop + ".Account", a, "a 12-digit AWS account id");
        if (t.Qualifier is { } q && !QualifierPattern().IsMatch(q))
            throw check.Fail(prop + ".Qualifier", q, "the CDK bootstrap qualifier: 1-10 letters, digits, '_' or '-'");
        if (t.Regions is { } r && !ValidRegions(r))
            throw check.Fail(prop + ".Regions", r, "one or more AWS regions such as eu-west-1");
    }

    private static bool ValidRegions(IReadOnlyList<string> regions) => regions.Count > 0 && regions.All(r => r is not null && RegionPattern().IsMatch(r));

    /// <summary>True for <c>owner/name</c> as GitHub allows it (used by apps to check their settings too).</summary>
    public static bool IsValidRepository(string? repository) =>
        repository is not null && RepositoryPattern().IsMatch(repository) && !repository.EndsWith("/.", StringComparison.Ordinal) && !repository.EndsWith("/..", StringComparison.Ordinal);

    /// <summary>True for a branch name the deploy role can trust exactly (a subset of git's ref-name rules).</summary>
    public static bool IsValidBranch(string? branch) => branch is not null && BranchPattern().IsMatch(branch);

    private IPrincipal Trust(string subject, string? jobWorkflowRef)
    {
        var equals = new Dictionary<string, object>
        {
            [TokenHost + ":aud"] = Audience,
            [TokenHost + ":sub"] = subject,
        };
        // AWS STS evaluates GitHub's job_workflow_ref claim as a condition key of its own.
        if (jobWorkflowRef is not null) equals[TokenHost + ":job_workflow_ref"] = jobWorkflowRef;
        return new FederatedPrincipal(ProviderArn, new Dictionary<string, object> { ["StringEquals"] = equals }, "sts:AssumeRoleWithWebIdentity");
    }

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

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]{0,31}$")]
    private static partial Regex TargetNamePattern();

    [GeneratedRegex(@"^\.github/workflows/[A-Za-z0-9._-]+\.ya?ml$")]
    private static partial Regex WorkflowPattern();

    [GeneratedRegex(@"^[0-9]{12}$")]
    private static partial Regex AccountPattern();
}
