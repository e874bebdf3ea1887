using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Defaults;

/// <summary>
/// Defaults for <see cref="Serverless.VersionedFunction"/> and for Lambda alias traffic shifting
/// with CodeDeploy (<see cref="Serverless.AliasDeployment"/>), in one place.
/// </summary>
public static class LambdaDefaults
{
    /// <summary>Handler: <c>index.mjs</c> exporting <c>handler</c>.</summary>
    public const string Handler = "index.handler";
    /// <summary>Memory in MiB (also scales the CPU share).</summary>
    public const int MemoryMiB = 256;
    /// <summary>Timeout in seconds; below API Gateway's 29-second integration timeout.</summary>
    public const int TimeoutSeconds = 10;
    /// <summary>Name of the alias that callers (API Gateway, CodeDeploy) use.</summary>
    public const string AliasName = "live";
    /// <summary>How long function logs are kept (a year: Control Tower CT.CLOUDWATCH.PR.2).</summary>
    public const RetentionDays LogRetention = RetentionDays.ONE_YEAR;
    /// <summary>
    /// Concurrent executions reserved for each function: none. Lambda refuses a reservation that leaves
    /// the account fewer than 100 unreserved executions (PutFunctionConcurrency), and new accounts start
    /// with a concurrency quota as low as 10, so any default reservation fails their first deploy
    /// (docs/api-canary.md). Reserve per function with <c>VersionedFunctionProps.ReservedConcurrency</c>.
    /// </summary>
    public static readonly int? ReservedConcurrency = null;

    /// <summary>Traffic shifting: share of requests the new version gets first (CodeDeploy canary).</summary>
    public const int ShiftCanaryPercent = 10;
    /// <summary>Traffic shifting: minutes before the rest of the traffic moves.</summary>
    public const int ShiftIntervalMinutes = 5;
    /// <summary>Traffic shifting: errors of the alias in one minute that stop and roll back a deployment.</summary>
    public const int ShiftMaxErrorsPerMinute = 1;
}
