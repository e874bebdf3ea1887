using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.KMS;

namespace Infra.Constructs.Images;

/// <summary>Props for <see cref="GoldenImagePipeline"/>.</summary>
public sealed record GoldenImagePipelineProps
{
    /// <summary>
    /// The pipeline's name: lower-case letters, digits and hyphens, starting with a letter, at most 40
    /// characters (e.g. <c>prod-web</c>). It names every Image Builder resource and the SSM parameters
    /// <c>/infra/golden-image/&lt;name&gt;/&lt;arch&gt;</c>, so it must be unique in the account and region.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>The VPC whose private subnets (with egress) the build and test instances run in.</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>Architectures to build, one recipe and pipeline each. Default: x86_64 and arm64.</summary>
    public IReadOnlyList<ImageArchitecture>? Architectures { get; init; }

    /// <summary>
    /// When a build starts: a five-field cron expression (minute hour day-of-month month day-of-week, UTC)
    /// that sets day-of-month or day-of-week, not both. Default: weekly, <c>0 4 * * MON</c>.
    /// </summary>
    public string? Schedule { get; init; }

    /// <summary>Customer-managed key that encrypts the images, the build volumes and the build logs. Default: a new key with rotation on.</summary>
    public IKey? EncryptionKey { get; init; }

    /// <summary>The port nginx listens on in the image, checked by the image test (1-65535). Default: 80, the fleet's.</summary>
    public int? InstancePort { get; init; }

    /// <summary>
    /// Images older than this are retired (AMI deregistered, snapshots deleted), unless excluded (whole days,
    /// 7-3650). The same period is the "last launched" exclusion. Default: 90 days.
    /// </summary>
    public Amazon.CDK.Duration? RetireAfter { get; init; }

    /// <summary>The newest images per architecture never retired, whatever their age (1-50). Default: 3.</summary>
    public int? KeepAtLeast { get; init; }
}
