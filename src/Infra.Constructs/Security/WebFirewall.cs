namespace Infra.Constructs.Security;

/// <summary>Which web application firewall protects a load balancer or an API stage (see <see cref="Security.ManagedRulesWebAcl"/>).</summary>
public enum WebFirewall
{
    /// <summary>No web ACL created (an existing one can still be given by ARN).</summary>
    None,
    /// <summary>A WAFv2 web ACL with AWS managed rule groups: common rule set, known bad inputs, IP reputation.</summary>
    AwsManagedRules,
}
