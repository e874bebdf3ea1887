using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Network;

/// <summary>
/// A multi-AZ VPC for a web service: public subnets for the load balancer and NAT, private subnets
/// with egress for the servers, optional isolated subnets, flow logs (whose role only the flow logs of
/// this account may use) and an S3 gateway endpoint (package and revision downloads stay off the NAT
/// bill) whose policy by default lets through only this account's buckets and the AWS-owned buckets
/// the servers read (<see cref="S3EndpointAccess"/>).
/// </summary>
public sealed partial class ProductionNetwork : Construct
{
    /// <summary>The VPC.</summary>
    public IVpc Vpc { get; }

    /// <summary>True when the VPC has an IPv6 block as well.</summary>
    public bool DualStack { get; }

    /// <summary>The interface endpoints for the servers' AWS APIs, unless <see cref="ProductionNetworkProps.Egress"/> is <see cref="NetworkEgress.NatGateway"/>.</summary>
    public AwsServiceEndpoints? Endpoints { get; }

    /// <summary>The name of the servers' subnet group (with egress, or isolated under <see cref="NetworkEgress.EndpointsOnly"/>).</summary>
    public const string PrivateSubnetGroupName = "private";

    /// <summary>The flow log group, when flow logs are on.</summary>
    public ILogGroup? FlowLogGroup { get; }

    /// <summary>Creates the network.</summary>
    public ProductionNetwork(Construct scope, string id, ProductionNetworkProps? props = null) : base(scope, id)
    {
        props ??= new ProductionNetworkProps();
        var check = new PropChecks(this, nameof(ProductionNetworkProps));

        var cidrText = props.Cidr ?? NetworkDefaults.Cidr;
        var cidr = check.CidrBlock(nameof(props.Cidr), cidrText) ?? throw check.Collected();
        if (!cidr.IsIPv4 || cidr.PrefixLength < 16 || cidr.PrefixLength > 24)
            throw check.Fail(nameof(props.Cidr), cidrText, "an IPv4 block from /16 to /24 (AWS VPC limits), e.g. 10.0.0.0/16");

        var azs = props.AvailabilityZones?.Count ?? props.MaxAzs ?? NetworkDefaults.MaxAzs;
        check.InRange(nameof(props.MaxAzs), props.MaxAzs, 2, 3);
        if (props.AvailabilityZones is { } names)
        {
            if (names.Count is < 2 or > 3 || names.Distinct().Count() != names.Count || names.Any(string.IsNullOrWhiteSpace))
                throw check.Fail(nameof(props.AvailabilityZones), names, "2 or 3 distinct zone names, e.g. [eu-west-1a, eu-west-1b]");
            // A zone name is its region and a letter (eu-west-1a); Local Zones add a suffix (us-west-2-lax-1a).
            var regions = names.Select(n => ZoneRegion().Match(n)).Select(m => m.Success ? m.Groups[1].Value : null).ToList();
            if (regions.Any(r => r is null))
                throw check.Fail(nameof(props.AvailabilityZones), names, "zone names such as eu-west-1a (a region, then a letter)");
            var stackRegion = Stack.Of(this).Region;
            if (regions.Distinct().Count() > 1 || (!Token.IsUnresolved(stackRegion) && regions[0] != stackRegion))
                throw check.Fail(nameof(props.AvailabilityZones), names,
                    $"zones of one region{(Token.IsUnresolved(stackRegion) ? "" : $", the stack's ({stackRegion})")}; these name {string.Join(", ", regions.Distinct())}");
            if (props.MaxAzs is { } m && m != names.Count)
                throw check.Fail(nameof(props.MaxAzs), m, $"either unset or equal to the number of AvailabilityZones ({names.Count})");
        }
        else if (azs > 2 && Token.IsUnresolved(Stack.Of(this).Region))
        {
            throw check.Fail(nameof(props.MaxAzs), azs,
                "2 in an environment-agnostic stack (CloudFormation can only promise two zones there); for 3, give AvailabilityZones or set the stack's account and region");
        }

        var egress = props.Egress ?? NetworkEgress.NatGateway;
        if (!Enum.IsDefined(egress))
            throw check.Fail(nameof(props.Egress), egress, "NatGateway, NatGatewayAndEndpoints or EndpointsOnly");
        var withNat = egress != NetworkEgress.EndpointsOnly;
        if (!withNat && props.NatGateways is not null)
            throw check.Fail(nameof(props.NatGateways), props.NatGateways, "unset when Egress is EndpointsOnly (that network has no NAT gateway)");
        if (egress == NetworkEgress.NatGateway && props.EndpointServices is not null)
            throw check.Fail(nameof(props.EndpointServices), props.EndpointServices, "unset unless Egress is NatGatewayAndEndpoints or EndpointsOnly (only they make interface endpoints)");
        var nat = withNat ? props.NatGateways ?? NetworkDefaults.NatGateways : 0;
        if (withNat) check.InRange(nameof(props.NatGateways), nat, 1, azs);
        var publicMask = props.PublicSubnetMask ?? NetworkDefaults.PublicSubnetMask;
        var privateMask = props.PrivateSubnetMask ?? NetworkDefaults.PrivateSubnetMask;
        check.InRange(nameof(props.PublicSubnetMask), publicMask, Math.Max(16, cidr.PrefixLength), 28);
        check.InRange(nameof(props.PrivateSubnetMask), privateMask, Math.Max(16, cidr.PrefixLength), 28);
        var isolated = props.IsolatedSubnets ?? false;

        // Every subnet must fit: AZs x (public + private [+ isolated]) addresses within the VPC.
        var needed = azs * ((1L << (32 - publicMask)) + (1L << (32 - privateMask)) + (isolated ? 1L << (32 - NetworkDefaults.IsolatedSubnetMask) : 0));
        if (needed > (long)cidr.Size)
            throw check.Fail(nameof(props.Cidr), cidrText,
                $"a block of at least {needed} addresses for {azs} AZs of /{publicMask} public and /{privateMask} private subnets{(isolated ? " and /24 isolated" : "")}, or smaller subnet masks");

        foreach (var other in props.MustNotOverlap ?? [])
        {
            if (check.CidrBlock(nameof(props.MustNotOverlap), other) is { } o && o.Overlaps(cidr))
                check.Reject(nameof(props.Cidr), cidrText, $"a range that does not overlap {other} (listed in MustNotOverlap)");
        }
        // Two networks of one app in one account and region must not overlap: they could never be peered
        // or routed to each other (environment-agnostic stacks count as one account and region).
        const string registry = "NetworkCidrs";
        var where = AppRegistry.AccountRegionOf(this);
        foreach (var entry in AppRegistry.Entries(this, registry).Select(e => e.Split(" :: ")))
        {
            if (entry[0] == where && Cidr.TryParse(entry[1], out var taken) && taken.Overlaps(cidr))
                throw check.Fail(nameof(props.Cidr), cidrText,
                    $"a range that does not overlap {entry[1]} of {entry[2]}, another network of this app in {where}");
        }
        AppRegistry.Claim(this, registry, $"{where} :: {cidrText} :: {Node.Path}");

        var s3Access = props.S3EndpointAccess ?? Network.S3EndpointAccess.OwnAccountAndAwsBuckets;
        if (!Enum.IsDefined(s3Access))
            throw check.Fail(nameof(props.S3EndpointAccess), s3Access, "OwnAccountAndAwsBuckets or Unrestricted");
        var extraBuckets = props.S3EndpointExtraBuckets ?? [];
        if (extraBuckets.Count > 0 && s3Access != Network.S3EndpointAccess.OwnAccountAndAwsBuckets)
            throw check.Fail(nameof(props.S3EndpointExtraBuckets), extraBuckets, "unset unless S3EndpointAccess is OwnAccountAndAwsBuckets (Unrestricted already allows every bucket)");
        foreach (var bucket in extraBuckets)
            if (bucket is null || !BucketNamePattern().IsMatch(bucket))
                check.Reject(nameof(props.S3EndpointExtraBuckets), bucket, "bucket names of 3-63 lower-case letters, digits, '.' and '-' ('*' allowed), without arn: or s3:// prefix");
        check.ThrowIfAny();

        var subnets = new List<ISubnetConfiguration>
        {
            new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = publicMask, MapPublicIpOnLaunch = false },
            // Without NAT the servers' subnets have no route out: isolated, under the same name (and logical ids).
            new SubnetConfiguration { Name = PrivateSubnetGroupName, SubnetType = withNat ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED, CidrMask = privateMask },
        };
        if (isolated)
            subnets.Add(new SubnetConfiguration { Name = "isolated", SubnetType = SubnetType.PRIVATE_ISOLATED, CidrMask = NetworkDefaults.IsolatedSubnetMask });

        var vpc = new Vpc(this, "Vpc", new VpcProps
        {
            IpAddresses = IpAddresses.Cidr(cidrText),
            MaxAzs = props.AvailabilityZones is null ? azs : null,
            AvailabilityZones = props.AvailabilityZones?.ToArray(),
            NatGateways = nat,
            SubnetConfiguration = subnets.ToArray(),
            IpProtocol = (props.DualStack ?? false) ? IpProtocol.DUAL_STACK : IpProtocol.IPV4_ONLY,
            EnableDnsHostnames = true,
            EnableDnsSupport = true,
            // The default security group of a VPC allows all traffic between its members: close it.
            RestrictDefaultSecurityGroup = props.RestrictDefaultSecurityGroup ?? true,
        });
        Vpc = vpc;
        // Same id under the VPC as the GatewayEndpoints prop used before: the endpoint keeps its logical id.
        S3Endpoint = vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        if (s3Access == Network.S3EndpointAccess.OwnAccountAndAwsBuckets)
            RestrictS3Endpoint(S3Endpoint, extraBuckets);
        DualStack = props.DualStack ?? false;
        if (egress != NetworkEgress.NatGateway)
        {
            Endpoints = new AwsServiceEndpoints(this, "Endpoints", new AwsServiceEndpointsProps
            {
                Vpc = vpc,
                Subnets = new SubnetSelection { SubnetGroupName = PrivateSubnetGroupName },
                Services = props.EndpointServices,
            });
        }

        if (props.FlowLogs ?? true)
        {
            var key = props.FlowLogEncryptionKey ?? Infra.Constructs.Security.EncryptionKeys.ForLogs(this, "FlowLogKey", "VPC flow logs of " + Node.Path);
            var group = new LogGroup(this, "FlowLogGroup", new LogGroupProps
            {
                Retention = props.FlowLogRetention ?? NetworkDefaults.FlowLogRetention,
                EncryptionKey = key,
                RemovalPolicy = RemovalPolicy.RETAIN,
            });
            var flowLog = vpc.AddFlowLog("FlowLog", new FlowLogOptions
            {
                Destination = FlowLogDestination.ToCloudWatchLogs(group),
                TrafficType = FlowLogTrafficType.ALL,
            });
            // Confused deputy: the flow logs service may use the role only for flow logs of this account.
            Security.ServiceTrust.RestrictToSource(flowLog.IamRole!, $"arn:{Aws.PARTITION}:ec2:{Aws.REGION}:{Aws.ACCOUNT_ID}:vpc-flow-log/*");
            FlowLogGroup = group;
        }
    }

    /// <summary>
    /// The AWS-owned buckets (name patterns; <c>{region}</c> is the stack's region) the servers read
    /// through the S3 endpoint: Amazon Linux 2023 package repositories, the CodeDeploy agent's resource
    /// kit, the CloudWatch agent's packages (Debian/Ubuntu images), the SSM agent's buckets for Linux
    /// (updates, documents, packages, patch baselines) and the cfn-bootstrap package (us-east-1 only).
    /// Sources in docs/security.md.
    /// </summary>
    public static readonly IReadOnlyList<string> AwsOwnedBuckets =
    [
        "al2023-repos-{region}-*",
        "aws-codedeploy-{region}",
        "amazoncloudwatch-agent-{region}",
        "amazon-ssm-{region}",
        "amazon-ssm-packages-{region}",
        "{region}-birdwatcher-prod",
        "aws-ssm-{region}",
        "aws-ssm-distributor-file-{region}",
        "aws-ssm-document-attachments-{region}",
        "patch-baseline-snapshot-{region}",
        "cloudformation-examples",
    ];

    /// <summary>The S3 gateway endpoint.</summary>
    public GatewayVpcEndpoint S3Endpoint { get; }

    private static void RestrictS3Endpoint(GatewayVpcEndpoint endpoint, IReadOnlyList<string> extraBuckets)
    {
        // A gateway endpoint policy is a boundary: the identity and bucket policies still decide who may do what.
        endpoint.AddToPolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Sid = "BucketsOfThisAccount",
            Principals = [new Amazon.CDK.AWS.IAM.AnyPrincipal()],
            Actions = ["s3:*"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:ResourceAccount"] = Aws.ACCOUNT_ID },
            },
        }));
        endpoint.AddToPolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Sid = "ReadAwsOwnedBucketsTheServersNeed",
            Principals = [new Amazon.CDK.AWS.IAM.AnyPrincipal()],
            Actions = ["s3:GetObject"],
            Resources = AwsOwnedBuckets.Select(b => $"arn:{Aws.PARTITION}:s3:::{b.Replace("{region}", Aws.REGION, StringComparison.Ordinal)}/*").ToArray(),
        }));
        if (extraBuckets.Count > 0)
        {
            endpoint.AddToPolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
            {
                Sid = "ExtraBuckets",
                Principals = [new Amazon.CDK.AWS.IAM.AnyPrincipal()],
                Actions = ["s3:*"],
                Resources = extraBuckets.SelectMany(b => new[] { $"arn:{Aws.PARTITION}:s3:::{b}", $"arn:{Aws.PARTITION}:s3:::{b}/*" }).ToArray(),
            }));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?=.{3,63}$)[a-z0-9*][a-z0-9.*-]*[a-z0-9*]$")]
    private static partial System.Text.RegularExpressions.Regex BucketNamePattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)(?:-[a-z]+-\d+)?[a-z]$")]
    private static partial System.Text.RegularExpressions.Regex ZoneRegion();
}
