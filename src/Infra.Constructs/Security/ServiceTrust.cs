using Amazon.CDK;
using Amazon.CDK.AWS.IAM;

namespace Infra.Constructs.Security;

/// <summary>
/// Confused-deputy protection for service roles the CDK creates (flow logs, CodeDeploy): the trust
/// policy lets the service assume the role only on behalf of this account (<c>aws:SourceAccount</c>) and
/// of the resources named by <c>aws:SourceArn</c>, as the services' own documentation recommends (see
/// docs/security.md). The condition is added to the role's one trust statement in place, so the role
/// keeps its logical id and is updated, not replaced.
/// </summary>
public static class ServiceTrust
{
    /// <summary>The conditions written into a trust statement for <paramref name="sourceArnPattern"/>.</summary>
    public static Dictionary<string, object> Conditions(string sourceArnPattern) => new()
    {
        ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Aws.ACCOUNT_ID },
        ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = sourceArnPattern },
    };

    /// <summary>
    /// Restricts the trust policy of <paramref name="role"/> (a role the CDK created, with a single
    /// <c>sts:AssumeRole</c> statement for one service) to requests from this account on behalf of
    /// <paramref name="sourceArnPattern"/> (wildcards allowed).
    /// </summary>
    public static void RestrictToSource(IRole role, string sourceArnPattern)
    {
        var cfn = role.Node.DefaultChild as CfnRole
            ?? throw new InvalidOperationException($"{role.Node.Path} is not a role created in this app; its trust policy cannot be changed here");
        cfn.AddPropertyOverride("AssumeRolePolicyDocument.Statement.0.Condition", Conditions(sourceArnPattern));
    }
}
