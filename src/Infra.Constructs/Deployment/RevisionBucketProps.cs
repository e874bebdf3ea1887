using Amazon.CDK.AWS.S3;

namespace Infra.Constructs.Deployment;

/// <summary>Props for <see cref="RevisionBucket"/>.</summary>
public sealed record RevisionBucketProps
{
    /// <summary>How long old (non-current) revision versions are kept (whole days, 1-3650). Default: 90 days.</summary>
    public Amazon.CDK.Duration? NoncurrentRetention { get; init; }

    /// <summary>KMS key that encrypts revisions. Default: a new key with rotation on.</summary>
    public Amazon.CDK.AWS.KMS.IKey? EncryptionKey { get; init; }

    /// <summary>Bucket for S3 server access logs of this bucket. Default: none.</summary>
    public IBucket? ServerAccessLogsBucket { get; init; }

    /// <summary>
    /// Escape hatch: the CDK's <c>BucketProps</c>, overriding the library's (see <see cref="Validation.PropsOverride"/>:
    /// every property set here wins, e.g. <c>BucketName</c>, <c>LifecycleRules</c>, <c>RemovalPolicy</c>,
    /// <c>MinimumTLSVersion</c>), except those in <see cref="RevisionBucket.GuardedBucketProps"/> (encryption, TLS,
    /// public access, versioning, logging), rejected at synth time. Default: none.
    /// </summary>
    public BucketProps? BucketOverrides { get; init; }
}
