using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace Infra.Constructs.Security;

/// <summary>
/// The library's WAFv2 web ACL for regional resources (Application Load Balancers, API Gateway REST
/// API stages): a rate-based rule that blocks a client IP sending more than a limit of requests in five
/// minutes (<see cref="Defaults.FirewallDefaults.RateLimitPer5Minutes"/> unless given), AWS managed rule
/// groups (IP reputation, common rule set, known bad inputs), default allow, CloudWatch metrics and
/// sampled requests, and WAF logging to a KMS-encrypted log group kept a year, with the
/// <c>Authorization</c> and <c>Cookie</c> headers redacted. Used by <see cref="LoadBalancing.WebLoadBalancer"/> and <see cref="Serverless.CanaryRestApi"/>
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

    /// <summary>Name (and metric name) of the rate-based rule, evaluated before the managed rule groups.</summary>
    public const string RateRuleName = "RateLimitPerIp";

    /// <summary>How long WAF logs are kept.</summary>
    public const RetentionDays LogRetention = RetentionDays.ONE_YEAR;

    /// <summary>A regional WAFv2 web ACL ARN (<c>arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID</c>).</summary>
    [GeneratedRegex(@"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[a-f0-9-]+$")]
    public static partial Regex RegionalArnPattern();

    /// <summary>What <see cref="RegionalArnPattern"/> accepts, for error messages.</summary>
    public const string RegionalArnDescription = "a regional WAFv2 web ACL ARN: arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID";

    /// <summary>
    /// Checks a <c>FirewallRateLimit</c> prop: allowed only with the library's own web ACL
    /// (<paramref name="ownAcl"/>), and within WAF's limits. Returns the limit to use.
    /// </summary>
    public static int RateLimit(Validation.PropChecks check, string property, int? value, bool ownAcl)
    {
        if (value is { } given && !ownAcl)
            check.Reject(property, given, "unset unless Firewall is AwsManagedRules (it sets the rate-based rule of the web ACL this construct creates; an ACL given by ARN keeps its own rules)");
        var limit = value ?? Defaults.FirewallDefaults.RateLimitPer5Minutes;
        if (limit < Defaults.FirewallDefaults.MinRateLimit || limit > Defaults.FirewallDefaults.MaxRateLimit)
            check.Reject(property, limit, $"requests per client IP in five minutes, from {Defaults.FirewallDefaults.MinRateLimit} to {Defaults.FirewallDefaults.MaxRateLimit} (WAF's limits for a rate-based rule)");
        return limit;
    }

    /// <summary>
    /// Creates the web ACL and its logging in <paramref name="scope"/>; <paramref name="protects"/>
    /// completes the description ("AWS managed rules in front of ..."). <paramref name="rateLimit"/> is
    /// the number of requests one client IP may send in five minutes before it is blocked (checked with
    /// <see cref="RateLimit"/>).
    /// </summary>
    public static CfnWebACL Create(Construct scope, string protects, int rateLimit = Defaults.FirewallDefaults.RateLimitPer5Minutes)
    {
        // A flood from one address is blocked first, before the managed rule groups are evaluated.
        var rateRule = new CfnWebACL.RuleProperty
        {
            Name = RateRuleName,
            Priority = 0,
            Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
            Statement = new CfnWebACL.StatementProperty
            {
                RateBasedStatement = new CfnWebACL.RateBasedStatementProperty
                {
                    AggregateKeyType = "IP",
                    Limit = rateLimit,
                    EvaluationWindowSec = 300,
                },
            },
            VisibilityConfig = Visibility(RateRuleName),
        };
        var acl = new CfnWebACL(scope, "WebAcl", new CfnWebACLProps
        {
            Scope = "REGIONAL",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            Description = Description($"AWS managed rules in front of {protects}"),
            VisibilityConfig = Visibility("web-acl"),
            Rules = RuleGroups.Select((name, i) => (object)new CfnWebACL.RuleProperty
            {
                Name = name,
                Priority = i + 1,
                OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
                Statement = new CfnWebACL.StatementProperty
                {
                    ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty { VendorName = "AWS", Name = name },
                },
                VisibilityConfig = Visibility(name),
            }).Prepend(rateRule).ToArray(),
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
            // Credentials and session tokens never reach the log group: WAF writes REDACTED instead.
            RedactedFields = Defaults.FirewallDefaults.RedactedHeaders.Select(h => (object)new CfnLoggingConfiguration.FieldToMatchProperty
            {
                SingleHeader = new Dictionary<string, object> { ["Name"] = h },
            }).ToArray(),
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
