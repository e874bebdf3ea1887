namespace Infra.Constructs.Serverless;

/// <summary>
/// What the canary of a <see cref="CanaryRestApi"/> stage runs, as a difference from the stage:
/// another Lambda backend and/or other stage-variable values. How much traffic it gets, and
/// whether it was promoted or rolled back, is the separate <see cref="CanaryRestApiProps.Release"/>.
/// </summary>
public sealed record StageCanary
{
    /// <summary>Key in <see cref="CanaryRestApiProps.Backends"/> of the Lambda the canary calls. Default: the stage's (<see cref="CanaryRestApiProps.StableBackend"/>).</summary>
    public string? Backend { get; init; }

    /// <summary>
    /// Canary values of existing stage variables (keys must be in <see cref="CanaryRestApiProps.StageVariables"/>;
    /// the backend variable is set through <see cref="Backend"/>). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? StageVariableOverrides { get; init; }

    /// <summary>Canary requests may be answered from the stage cache (needs <see cref="CanaryRestApiProps.CacheClusterSizeGb"/>). Default: false.</summary>
    public bool? UseStageCache { get; init; }
}
