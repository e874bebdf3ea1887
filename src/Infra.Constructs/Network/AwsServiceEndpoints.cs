using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.CustomResources;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Network;

/// <summary>
/// Interface VPC endpoints for the AWS APIs the servers call, with private DNS (the servers' SDKs and
/// agents reach the usual host names, answered inside the VPC), behind one security group that accepts
/// HTTPS from the VPC's range only. Made by <see cref="ProductionNetwork"/> when its
/// <see cref="ProductionNetworkProps.Egress"/> asks for endpoints; usable alone on any VPC.
/// </summary>
public sealed partial class AwsServiceEndpoints : Construct, Security.IAwsServiceEndpoints
{
    /// <summary>The endpoints' security group.</summary>
    public ISecurityGroup SecurityGroup { get; }

    /// <summary>The endpoints by service name.</summary>
    public IReadOnlyDictionary<string, InterfaceVpcEndpoint> Endpoints { get; }

    private string? _s3PrefixListId;

    /// <summary>
    /// The id of the region's S3 prefix list, for security group rules to S3 through the gateway endpoint.
    /// AWS assigns it per region and CloudFormation has no attribute for it, so the first read adds a lookup
    /// to the stack (a CDK <c>AwsCustomResource</c> calling <c>ec2:DescribePrefixLists</c>); later calls return the same.
    /// </summary>
    public string LookUpS3PrefixList() => _s3PrefixListId ??= AddS3PrefixListLookup();

    /// <summary>Creates the endpoints and their group.</summary>
    public AwsServiceEndpoints(Construct scope, string id, AwsServiceEndpointsProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(AwsServiceEndpointsProps));
        var vpc = check.Required(nameof(props.Vpc), props.Vpc);
        var services = props.Services ?? NetworkDefaults.ServerEndpointServices;
        if (services.Count == 0)
            check.Reject(nameof(props.Services), services, "at least one service name, or unset for the servers' default set");
        foreach (var name in services)
            if (name is null || !ServiceName().IsMatch(name) || name.StartsWith("com.", StringComparison.Ordinal))
                check.Reject(nameof(props.Services), name, "endpoint service names such as ssm or codedeploy-commands-secure (the part after com.amazonaws.<region>.)");
        if (services.Distinct().Count() != services.Count)
            check.Reject(nameof(props.Services), services, "each service once");
        check.ThrowIfAny();

        var group = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = "AWS service endpoints: HTTPS from the VPC",
            AllowAllOutbound = false,
        });
        group.AddIngressRule(Peer.Ipv4(vpc.VpcCidrBlock), Port.Tcp(443), "HTTPS from the VPC");
        SecurityGroup = group;

        var endpoints = new Dictionary<string, InterfaceVpcEndpoint>();
        foreach (var name in services)
        {
            endpoints[name] = new InterfaceVpcEndpoint(this, LogicalName(name), new InterfaceVpcEndpointProps
            {
                Vpc = vpc,
                Service = new InterfaceVpcEndpointAwsService(name),
                Subnets = props.Subnets ?? new SubnetSelection { Subnets = PrivateSubnetsOf(vpc, check) },
                SecurityGroups = [group],
                // The group above decides who may connect; CDK's "open" would add a second VPC-wide rule.
                Open = false,
                PrivateDnsEnabled = true,
            });
        }
        Endpoints = endpoints;
    }

    /// <summary>The private subnets of <paramref name="vpc"/>: with egress when it has them, else the isolated ones.</summary>
    private static ISubnet[] PrivateSubnetsOf(IVpc vpc, PropChecks check) =>
        vpc.PrivateSubnets.Length > 0 ? vpc.PrivateSubnets
        : vpc.IsolatedSubnets.Length > 0 ? vpc.IsolatedSubnets
        : throw check.Fail(nameof(AwsServiceEndpointsProps.Subnets), null, "a selection: the VPC has no private or isolated subnets");

    private string AddS3PrefixListLookup()
    {
        var call = new AwsSdkCall
        {
            Service = "EC2",
            Action = "describePrefixLists",
            Parameters = new Dictionary<string, object>
            {
                ["Filters"] = new object[] { new Dictionary<string, object> { ["Name"] = "prefix-list-name", ["Values"] = new object[] { $"com.amazonaws.{Aws.REGION}.s3" } } },
            },
            PhysicalResourceId = PhysicalResourceId.Of("s3-prefix-list"),
            OutputPaths = ["PrefixLists.0.PrefixListId"],
        };
        var lookup = new AwsCustomResource(this, "S3PrefixList", new AwsCustomResourceProps
        {
            OnCreate = call,
            OnUpdate = call,
            // ec2:DescribePrefixLists has no resource-level permissions.
            Policy = AwsCustomResourcePolicy.FromSdkCalls(new SdkCallsPolicyOptions { Resources = AwsCustomResourcePolicy.ANY_RESOURCE }),
            InstallLatestAwsSdk = false,
        });
        return lookup.GetResponseField("PrefixLists.0.PrefixListId");
    }

    // "codedeploy-commands-secure" -> "CodedeployCommandsSecure": stable construct ids, hence logical ids.
    private static string LogicalName(string service) =>
        string.Concat(service.Split('-', '.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z0-9]+([.-][a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ServiceName();
}
