using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Deployment;

/// <summary>
/// Where CodeDeploy revisions live: versioned, encrypted, SSL-only, private, with a lifecycle for
/// old versions. Servers get read access to the <c>revisions/</c> prefix only.
/// </summary>
public sealed class RevisionBucket : Construct
{
    /// <summary>Key prefix of revision bundles.</summary>
    public const string Prefix = "revisions/";

    /// <summary>Feature flag under which the CDK lets S3 server access logs in by a bucket policy, not an ACL.</summary>
    public const string LogsPolicyFlag = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy";

    /// <summary>The bucket.</summary>
    public IBucket Bucket { get; }

    /// <summary>
    /// Properties of <see cref="RevisionBucketProps.BucketOverrides"/> the bucket keeps, with why: revisions are
    /// encrypted with a customer key, reached over TLS only, never public, versioned (a deployment names the version
    /// it ships, and a rollback redeploys an older one) and logged where the props say.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> GuardedBucketProps = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Encryption"] = "unset: revisions are encrypted with a customer-managed KMS key (RevisionBucketProps.EncryptionKey)",
        ["EncryptionKey"] = "unset: use RevisionBucketProps.EncryptionKey",
        ["BucketKeyEnabled"] = "unset: the bucket key is on (fewer KMS calls)",
        ["EnforceSSL"] = "unset: TLS is always enforced",
        ["BlockPublicAccess"] = "unset: public access is always blocked",
        ["PublicReadAccess"] = "unset: revisions are never public",
        ["ObjectOwnership"] = "unset: the bucket owns every object (ACLs off)",
        ["AccessControl"] = "unset: ACLs are off",
        ["Versioned"] = "unset: deployments name a version and rollbacks redeploy an older one",
        ["ServerAccessLogsBucket"] = "unset: use RevisionBucketProps.ServerAccessLogsBucket",
        ["ServerAccessLogsPrefix"] = "unset: use RevisionBucketProps.ServerAccessLogsBucket",
        ["WebsiteIndexDocument"] = "unset: a revision bucket is never a website",
        ["WebsiteErrorDocument"] = "unset: a revision bucket is never a website",
        ["WebsiteRedirect"] = "unset: a revision bucket is never a website",
        ["WebsiteRoutingRules"] = "unset: a revision bucket is never a website",
    };

    /// <summary>Creates the bucket.</summary>
    public RevisionBucket(Construct scope, string id, RevisionBucketProps? props = null) : base(scope, id)
    {
        props ??= new RevisionBucketProps();
        var check = new PropChecks(this, nameof(RevisionBucketProps));
        var days = check.Days(nameof(props.NoncurrentRetention), props.NoncurrentRetention, 1, 3650) ?? Defaults.DeploymentDefaults.NoncurrentRevisionRetentionDays;
        // Without this flag the CDK lets the logging service in through an ACL on a log bucket of the
        // app: that fails (as a jsii trace) on a bucket with ACLs disabled and turns them on elsewhere.
        if (props.ServerAccessLogsBucket is Bucket logs && FeatureFlags.Of(logs).IsEnabled(LogsPolicyFlag) != true)
            check.Reject(nameof(props.ServerAccessLogsBucket), logs.Node.Path,
                $"an imported bucket, or a bucket of an app that sets the feature flag {LogsPolicyFlag} to true");
        PropsOverride.Check(props.BucketOverrides, check, nameof(props.BucketOverrides), GuardedBucketProps);
        check.ThrowIfAny();
        Bucket = new Bucket(this, "Bucket", PropsOverride.Apply(new BucketProps
        {
            Versioned = true,
            // A customer-managed key with a bucket key (fewer KMS calls); readers get kms:Decrypt on it.
            Encryption = BucketEncryption.KMS,
            EncryptionKey = props.EncryptionKey ?? Infra.Constructs.Security.EncryptionKeys.Create(this, "Key", $"Encrypts CodeDeploy revisions of {Node.Path}"),
            BucketKeyEnabled = true,
            EnforceSSL = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            RemovalPolicy = RemovalPolicy.RETAIN,
            ServerAccessLogsBucket = props.ServerAccessLogsBucket,
            ServerAccessLogsPrefix = props.ServerAccessLogsBucket is null ? null : "revision-bucket/",
            LifecycleRules =
            [
                new LifecycleRule { Id = "expire-old-revisions", NoncurrentVersionExpiration = Durations.Days(days) },
                new LifecycleRule { Id = "abort-incomplete-uploads", AbortIncompleteMultipartUploadAfter = Durations.Days(Defaults.DeploymentDefaults.AbortIncompleteUploadDays) },
            ],
        }, props.BucketOverrides));
        // Object events go to EventBridge (e.g. to start a deployment when a revision lands).
        Storage.BucketEvents.SendToEventBridge(Bucket);
    }

    /// <summary>
    /// Lets <paramref name="grantee"/> download revision bundles: <c>s3:GetObject</c> and
    /// <c>s3:GetObjectVersion</c> (deployments pin a version) on the <c>revisions/</c> prefix, and
    /// decrypt with the bucket's key. No listing, no other prefix.
    /// </summary>
    public void GrantReadRevisions(IGrantable grantee)
    {
        grantee.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadCodeDeployRevisions",
            Actions = ["s3:GetObject", "s3:GetObjectVersion"],
            Resources = [Bucket.ArnForObjects(Prefix + "*")],
        }));
        Bucket.EncryptionKey?.GrantDecrypt(grantee);
    }
}
