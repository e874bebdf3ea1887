using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.S3;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Security;
using Infra.Constructs.Validation;
using IpAddressType = Amazon.CDK.AWS.ElasticLoadBalancingV2.IpAddressType;

namespace Infra.Constructs.LoadBalancing;

/// <summary>
/// An internet-facing Application Load Balancer in the public subnets: HTTPS with a modern TLS
/// policy and HTTP redirecting to it when a certificate is given (plain HTTP otherwise), invalid
/// header fields dropped, access logs in an encrypted SSL-only bucket with a lifecycle, optional
/// deletion protection. Traffic goes to fleets through <see cref="Route"/>: one catch-all listener
/// rule whose forward action is weighted, so blue/green flips and canary steps change only that rule.
/// </summary>
public sealed partial class WebLoadBalancer : Construct
{
    /// <summary>Priority of the catch-all rule that carries the weighted forward.</summary>
    public const int RoutePriority = 100;

    /// <summary>The load balancer.</summary>
    public ApplicationLoadBalancer LoadBalancer { get; }

    /// <summary>The listener clients are served on (HTTPS with a certificate, else HTTP).</summary>
    public ApplicationListener ServingListener { get; }

    /// <summary>The HTTP listener that redirects to HTTPS, when a certificate is given.</summary>
    public ApplicationListener? RedirectListener { get; }

    /// <summary>The access log bucket, when access logs are on.</summary>
    public IBucket? AccessLogBucket { get; }

    /// <summary>True when clients are served over HTTPS.</summary>
    public bool Https { get; }

    /// <summary>The catch-all rule created by <see cref="Route"/>.</summary>
    public ApplicationListenerRule? RouteRule { get; private set; }

    /// <summary>
    /// Properties of <see cref="WebLoadBalancerProps.LoadBalancerOverrides"/> the load balancer keeps, with what to use
    /// instead or why: its network and group come from its props, and the request hygiene (invalid headers dropped,
    /// defensive desync mitigation, no WAF fail-open) is what makes it safe to face the internet.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> GuardedLoadBalancerProps = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Vpc"] = "unset: use WebLoadBalancerProps.Vpc",
        ["SecurityGroup"] = "unset: use WebLoadBalancerProps.SecurityGroup",
        ["InternetFacing"] = "unset: the load balancer faces the internet (its group decides who reaches it)",
        ["DeletionProtection"] = "unset: use WebLoadBalancerProps.DeletionProtection",
        ["IdleTimeout"] = "unset: use WebLoadBalancerProps.IdleTimeout",
        ["IpAddressType"] = "unset: use WebLoadBalancerProps.DualStack",
        ["DropInvalidHeaderFields"] = "unset: invalid header fields are always dropped (request smuggling)",
        ["DesyncMitigationMode"] = "unset: desync mitigation stays defensive (request smuggling)",
        ["WafFailOpen"] = "unset: requests are never let through when the web ACL cannot be reached",
    };

    /// <summary>Creates the load balancer and its listeners.</summary>
    public WebLoadBalancer(Construct scope, string id, WebLoadBalancerProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(WebLoadBalancerProps));
        var vpc = check.Required(nameof(props.Vpc), props.Vpc);
        var sg = check.Required(nameof(props.SecurityGroup), props.SecurityGroup);
        var retention = check.Days(nameof(props.AccessLogRetention), props.AccessLogRetention, 1, 3650) ?? LoadBalancerDefaults.AccessLogRetentionDays;
        var idle = check.Seconds(nameof(props.IdleTimeout), props.IdleTimeout, 1, 4000) ?? LoadBalancerDefaults.IdleTimeoutSeconds;
        var firewall = props.Firewall ?? WebFirewall.None;
        if (!Enum.IsDefined(firewall))
            check.Reject(nameof(props.Firewall), firewall, "None or AwsManagedRules");
        check.Matches(nameof(props.WebAclArn), props.WebAclArn, Security.ManagedRulesWebAcl.RegionalArnPattern(), Security.ManagedRulesWebAcl.RegionalArnDescription);
        if (firewall == WebFirewall.AwsManagedRules && props.WebAclArn is not null)
            check.Reject(nameof(props.WebAclArn), props.WebAclArn, "unset when Firewall is AwsManagedRules (one web ACL per load balancer)");
        var rateLimit = Security.ManagedRulesWebAcl.RateLimit(check, nameof(props.FirewallRateLimit), props.FirewallRateLimit, firewall == WebFirewall.AwsManagedRules);
        if (props.Certificate is null && props.SslPolicy is not null)
            check.Reject(nameof(props.SslPolicy), props.SslPolicy, "unset unless a Certificate is given");
        PropsOverride.Check(props.LoadBalancerOverrides, check, nameof(props.LoadBalancerOverrides), GuardedLoadBalancerProps);
        check.ThrowIfAny();

        LoadBalancer = new ApplicationLoadBalancer(this, "Alb", PropsOverride.Apply(new ApplicationLoadBalancerProps
        {
            Vpc = vpc,
            InternetFacing = true,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            SecurityGroup = sg,
            DeletionProtection = props.DeletionProtection ?? false,
            DropInvalidHeaderFields = true,
            IdleTimeout = Durations.Seconds(idle),
            IpAddressType = (props.DualStack ?? false) ? IpAddressType.DUAL_STACK : IpAddressType.IPV4,
            Http2Enabled = true,
            DesyncMitigationMode = DesyncMitigationMode.DEFENSIVE,
        }, props.LoadBalancerOverrides));

        var aclArn = props.WebAclArn ?? (firewall == WebFirewall.AwsManagedRules ? Security.ManagedRulesWebAcl.Create(this, Node.Path, rateLimit).AttrArn : null);
        if (aclArn is not null)
            Security.ManagedRulesWebAcl.Associate(this, LoadBalancer.LoadBalancerArn, aclArn);

        if (props.AccessLogs ?? true)
        {
            var bucket = new Bucket(this, "AccessLogs", new BucketProps
            {
                // ALB access logs support only SSE-S3.
                Encryption = BucketEncryption.S3_MANAGED,
                EnforceSSL = true,
                BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
                ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
                Versioned = true,
                RemovalPolicy = RemovalPolicy.RETAIN,
                LifecycleRules =
                [
                    new LifecycleRule { Id = "expire-access-logs", Expiration = Durations.Days(retention), NoncurrentVersionExpiration = Durations.Days(LoadBalancerDefaults.AccessLogNoncurrentDays) },
                    new LifecycleRule { Id = "abort-incomplete-uploads", AbortIncompleteMultipartUploadAfter = Durations.Days(LoadBalancerDefaults.AbortIncompleteUploadDays) },
                ],
            });
            Storage.BucketEvents.SendToEventBridge(bucket);
            EnableAccessLogs(bucket, AccessLogPrefix);
            AccessLogBucket = bucket;
        }

        if (props.Certificate is { } certificate)
        {
            Https = true;
            ServingListener = LoadBalancer.AddListener("Https", new BaseApplicationListenerProps
            {
                Port = LoadBalancerDefaults.HttpsPort,
                Protocol = ApplicationProtocol.HTTPS,
                Certificates = [ListenerCertificate.FromCertificateManager(certificate)],
                SslPolicy = props.SslPolicy ?? SslPolicy.RECOMMENDED_TLS,
                Open = false,
                DefaultAction = NoRoute(),
            });
            RedirectListener = LoadBalancer.AddListener("HttpRedirect", new BaseApplicationListenerProps
            {
                Port = LoadBalancerDefaults.HttpPort,
                Protocol = ApplicationProtocol.HTTP,
                Open = false,
                DefaultAction = ListenerAction.Redirect(new RedirectOptions { Protocol = "HTTPS", Port = LoadBalancerDefaults.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Permanent = true }),
            });
        }
        else
        {
            ServingListener = LoadBalancer.AddListener("Http", new BaseApplicationListenerProps
            {
                Port = LoadBalancerDefaults.HttpPort,
                Protocol = ApplicationProtocol.HTTP,
                Open = false,
                DefaultAction = NoRoute(),
            });
        }
    }

    /// <summary>
    /// Routes all requests of the serving listener to <paramref name="targets"/> with one catch-all
    /// rule. Several targets make a weighted forward (blue/green, canary); weights are relative
    /// (0-999) and at least one must be above zero.
    /// </summary>
    /// <param name="targets">Target groups and their weights.</param>
    /// <param name="stickiness">Keep a client on the target group it first reached for this long (1 s - 7 days). Default: off.</param>
    public ApplicationListenerRule Route(IReadOnlyList<WeightedTarget> targets, Duration? stickiness = null)
    {
        var check = new PropChecks(this, nameof(WebLoadBalancer) + "." + nameof(Route));
        if (RouteRule is not null)
            throw check.Fail("targets", "(second call)", "one Route per load balancer; put every target group in the one call");
        if (targets.Count == 0)
            throw check.Fail("targets", targets, "at least one target group");
        foreach (var t in targets)
            check.InRange("targets[].Weight", t.Weight, 0, 999);
        if (targets.All(t => t.Weight == 0))
            check.Reject("targets[].Weight", targets.Select(t => t.Weight), "weights with at least one above zero (all zero would send traffic nowhere)");
        if (stickiness is not null && targets.Count == 1)
            check.Reject("stickiness", stickiness.ToHumanString(), "unset with a single target group (stickiness applies between weighted groups)");
        check.ThrowIfAny();

        var action = targets.Count == 1
            ? ListenerAction.Forward([targets[0].TargetGroup])
            : ListenerAction.WeightedForward(
                targets.Select(t => new WeightedTargetGroup { TargetGroup = t.TargetGroup, Weight = t.Weight }).ToArray(),
                new ForwardOptions { StickinessDuration = stickiness });

        RouteRule = new ApplicationListenerRule(this, "Route", new ApplicationListenerRuleProps
        {
            Listener = ServingListener,
            Priority = RoutePriority,
            Conditions = [ListenerCondition.PathPatterns(["*"])],
            Action = action,
        });
        return RouteRule;
    }

    /// <summary>Key prefix of access logs in <see cref="AccessLogBucket"/>.</summary>
    public const string AccessLogPrefix = "alb";

    /// <summary>
    /// ELB writes access logs as its regional account in regions older than August 2022 and as the
    /// log-delivery service principal in newer ones. The CDK's LogAccessLogs needs a concrete
    /// region to choose; this works in environment-agnostic stacks too: a mapping of the regional
    /// accounts the CDK knows, with the stack's own account (already trusted) for the newer regions.
    /// </summary>
    private void EnableAccessLogs(Bucket bucket, string prefix)
    {
        var stack = Stack.Of(this);
        var objects = bucket.ArnForObjects($"{prefix}/AWSLogs/{Aws.ACCOUNT_ID}/*");
        string principalAccount;
        if (!Token.IsUnresolved(stack.Region))
        {
            principalAccount = Amazon.CDK.RegionInfo.RegionInfo.Get(stack.Region).Elbv2Account is { } acct
                ? acct : Aws.ACCOUNT_ID;
        }
        else
        {
            var regions = new Dictionary<string, IDictionary<string, object>>();
            foreach (var (name, account) in ElbLogAccounts.Value)
                regions[name] = new Dictionary<string, object> { ["account"] = account };
            var mapping = new CfnMapping(this, "ElbLogAccounts", new CfnMappingProps { Mapping = regions });
            var legacy = new CfnCondition(this, "ElbLogsUseRegionalAccount", new CfnConditionProps
            {
                Expression = Fn.ConditionNot(Fn.ConditionEquals(mapping.FindInMap(Aws.REGION, "account"), "none")),
            });
            principalAccount = Fn.ConditionIf(legacy.LogicalId, mapping.FindInMap(Aws.REGION, "account"), Aws.ACCOUNT_ID).ToString();
        }
        bucket.AddToResourcePolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Sid = "ElbAccessLogsRegionalAccount",
            Principals = [new Amazon.CDK.AWS.IAM.ArnPrincipal($"arn:{Aws.PARTITION}:iam::{principalAccount}:root")],
            Actions = ["s3:PutObject"],
            Resources = [objects],
        }));
        bucket.AddToResourcePolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Sid = "ElbAccessLogsDeliveryService",
            Principals = [new Amazon.CDK.AWS.IAM.ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com")],
            Actions = ["s3:PutObject"],
            Resources = [objects],
        }));
        LoadBalancer.SetAttribute("access_logs.s3.enabled", "true");
        LoadBalancer.SetAttribute("access_logs.s3.bucket", bucket.BucketName);
        LoadBalancer.SetAttribute("access_logs.s3.prefix", prefix);
        // ELB checks that it may write when the attribute is set: the policy must exist first.
        LoadBalancer.Node.AddDependency(bucket.Policy!);
    }

    /// <summary>
    /// Region name to ELB log account ("none" for the newer regions), sorted by name. The CDK's region
    /// table is fixed for a CDK version: read once per process (it costs about 140 jsii round trips).
    /// </summary>
    private static readonly Lazy<IReadOnlyList<(string Name, string Account)>> ElbLogAccounts = new(() =>
        Amazon.CDK.RegionInfo.RegionInfo.Regions
            .Select(r => (Name: r.Name, Account: r.Elbv2Account ?? "none"))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList());

    // Requests reach fleets through the catch-all rule; the default action only answers what no rule matched.
    private static ListenerAction NoRoute() =>
        ListenerAction.FixedResponse(404, new FixedResponseOptions { ContentType = "text/plain", MessageBody = "Not found" });
}
