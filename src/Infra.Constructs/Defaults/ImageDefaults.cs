namespace Infra.Constructs.Defaults;

/// <summary>Defaults and limits for <see cref="Images.GoldenImagePipeline"/>, in one place.</summary>
public static class ImageDefaults
{
    /// <summary>
    /// Weekly, Monday 04:00 UTC (five-field cron): AWS publishes Amazon Linux 2023 updates every few weeks,
    /// so a weekly build picks each up within seven days without paying for daily builds.
    /// </summary>
    public const string Schedule = "0 4 * * MON";

    /// <summary>Build instance for x86_64: 2 vCPU and 4 GiB, enough for dnf and the agents' installs.</summary>
    public const string X86InstanceType = "t3.medium";

    /// <summary>Build instance for arm64 (Graviton), the same size as <see cref="X86InstanceType"/>.</summary>
    public const string Arm64InstanceType = "t4g.medium";

    /// <summary>Root volume of the build and of the image (GiB): the fleet's default root volume.</summary>
    public const int RootVolumeGiB = ComputeDefaults.RootVolumeGiB;

    /// <summary>The port nginx answers on in the image test: the fleet's default instance port.</summary>
    public const int InstancePort = ComputeDefaults.InstancePort;

    /// <summary>
    /// Images older than this (days) are retired, unless excluded (launched within the same period, tagged
    /// as in use, or among the newest <see cref="KeepAtLeast"/>): 90 days covers a quarter of weekly builds.
    /// </summary>
    public const int RetireAfterDays = 90;

    /// <summary>The newest images per recipe that are never retired, whatever their age: a roll back needs the previous one.</summary>
    public const int KeepAtLeast = 3;

    /// <summary>Build logs in S3 expire after this many days.</summary>
    public const int LogRetentionDays = 90;

    /// <summary>Minutes the image test may take (nginx must answer within it).</summary>
    public const int TestTimeoutMinutes = 60;

    /// <summary>Prefix of the SSM parameters that record each new image id: <c>/infra/golden-image/&lt;pipeline&gt;/&lt;arch&gt;</c>.</summary>
    public const string ParameterPrefix = "/infra/golden-image";

    /// <summary>The AMI tag that excludes an image from retirement: set it on every image a launch template uses.</summary>
    public const string InUseTagKey = "infra:in-use";

    /// <summary>The value of <see cref="InUseTagKey"/> that excludes an image.</summary>
    public const string InUseTagValue = "true";
}
