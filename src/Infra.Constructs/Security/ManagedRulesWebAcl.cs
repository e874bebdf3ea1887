using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace Infra.Constructs.Security;

/// <summary>
/// The library's WAFv2 web ACL for regional resources (Application Load Balancers, API Gateway REST
/// API stages): AWS managed rule groups (IP reputation, common rule set, known bad inputs), default
/// allow, CloudWatch metrics and sampled requests, and WAF logging to a KMS-encrypted log group kept a
/// year. Used by <see cref="LoadBalancing.WebLoadBalancer"/> and <see cref="Serverless.CanaryRestApi"/>
/// through their <c>Firewall</c> option.
/// <para>
/// A factory rather than a construct of its own: the resources are created directly in the protected
/// construct with fixed ids (<c>WebAcl</c>, <c>WebAclLogs</c>, <c>WebAclLogsKey</c>,
/// <c>WebAclLogging</c>, <c>WebAclAssociation</c>), so their logical ids and the WAF log group's name
/// are those the load balancer had before this was shared: moving them under a new construct would
/// replace the deployed web ACL and orphan its retained log group and key.
/// </para>
/// </summary>
public static partial class ManagedRulesWebAcl
{
    /// <summary>AWS managed rule groups of the web ACL, in priority order.</summary>
    public static readonly IReadOnlyList<string> RuleGroups =
    [
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ];

    /// <summary>How long WAF logs are kept.</summary>
    public const RetentionDays LogRetention = RetentionDays.ONE_YEAR;

    /// <summary>A regional WAFv2 web ACL ARN (<c>arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID</c>).</summary>
    [GeneratedRegex(@"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[a-f0-9-]+$")]
    public static partial Regex RegionalArnPattern();

    /// <summary>What <see cref="RegionalArnPattern"/> accepts, for error messages.</summary>
    public const string RegionalArnDescription = "a regional WAFv2 web ACL ARN: arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID";

    /// <summary>
    /// Creates the web ACL and its logging in <paramref name="scope"/>; <paramref name="protects"/>
    /// completes the description ("AWS managed rules in front of ...").
    /// </summary>
    public static CfnWebACL Create(Construct scope, string protects)
    {
        var acl = new CfnWebACL(scope, "WebAcl", new CfnWebACLProps
        {
            Scope = "REGIONAL",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            Description = Description($"AWS managed rules in front of {protects}"),
            VisibilityConfig = Visibility("web-acl"),
            Rules = RuleGroups.Select((name, priority) => (object)new CfnWebACL.RuleProperty
            {
                Name = name,
                Priority = priority,
                OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
                Statement = new CfnWebACL.StatementProperty
                {
                    ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty { VendorName = "AWS", Name = name },
                },
                VisibilityConfig = Visibility(name),
            }).ToArray(),
        });
        // WAF logs: the group name must start with aws-waf-logs-; encrypted and kept a year.
        var logs = new LogGroup(scope, "WebAclLogs", new LogGroupProps
        {
            LogGroupName = "aws-waf-logs-" + Names.UniqueResourceName(scope, new UniqueResourceNameOptions { MaxLength = 60, Separator = "-" }).ToLowerInvariant(),
            Retention = LogRetention,
            EncryptionKey = EncryptionKeys.ForLogs(scope, "WebAclLogsKey", "WAF logs of " + scope.Node.Path),
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        _ = new CfnLoggingConfiguration(scope, "WebAclLogging", new CfnLoggingConfigurationProps
        {
            ResourceArn = acl.AttrArn,
            LogDestinationConfigs = [logs.LogGroupArn],
        });
        return acl;
    }

    /// <summary>Associates the web ACL <paramref name="webAclArn"/> with <paramref name="resourceArn"/> (an ALB or an API Gateway stage).</summary>
    public static CfnWebACLAssociation Associate(Construct scope, string resourceArn, string webAclArn) =>
        new(scope, "WebAclAssociation", new CfnWebACLAssociationProps
        {
            ResourceArn = resourceArn,
            WebAclArn = webAclArn,
        });

    /// <summary>A web ACL description is 1-256 of letters, digits, spaces and <c>=:#@/-,.+</c> (no <c>_</c>, no parentheses).</summary>
    private static string Description(string text)
    {
        var cleaned = DescriptionInvalid().Replace(text, "-");
        return cleaned.Length <= 256 ? cleaned : cleaned[..256];
    }

    [GeneratedRegex(@"[^a-zA-Z0-9+=:#@/\-,.\s]")]
    private static partial Regex DescriptionInvalid();

    private static CfnWebACL.VisibilityConfigProperty Visibility(string metric) => new()
    {
        CloudWatchMetricsEnabled = true,
        MetricName = metric,
        SampledRequestsEnabled = true,
    };
}
