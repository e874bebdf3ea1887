using Amazon.CDK.AWS.EC2;

namespace Infra.Constructs.Security;

/// <summary>
/// VPC endpoints through which servers reach AWS APIs, as <see cref="AppEgress.AwsServicesOnly"/> needs them:
/// implemented by <see cref="Network.AwsServiceEndpoints"/> (an interface here, so Security does not depend on Network).
/// </summary>
public interface IAwsServiceEndpoints
{
    /// <summary>The security group of the interface endpoints (accepts HTTPS from the VPC).</summary>
    ISecurityGroup SecurityGroup { get; }

    /// <summary>
    /// The id of the region's S3 prefix list (<c>com.amazonaws.&lt;region&gt;.s3</c>) that the S3 gateway endpoint routes.
    /// A method, not a property: the first call adds the resource that looks the id up at deploy time.
    /// </summary>
    string LookUpS3PrefixList();
}
