namespace Infra.Constructs.Network;

/// <summary>What the S3 gateway endpoint of a <see cref="ProductionNetwork"/> lets through.</summary>
public enum S3EndpointAccess
{
    /// <summary>
    /// Buckets of this account, the AWS-owned buckets the servers read (Amazon Linux 2023 repositories,
    /// the CodeDeploy and CloudWatch agents, the SSM agent's buckets; see <see cref="ProductionNetwork.AwsOwnedBuckets"/>)
    /// and any <see cref="ProductionNetworkProps.S3EndpointExtraBuckets"/>. A stolen instance credential
    /// or a compromised process cannot copy data to a bucket of another account through the endpoint.
    /// </summary>
    OwnAccountAndAwsBuckets,
    /// <summary>Any bucket (the endpoint's default full-access policy).</summary>
    Unrestricted,
}
