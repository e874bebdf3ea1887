using Infra.Constructs.Serverless;

namespace Infra.App.Config;

/// <summary>
/// The sample API of an environment (<c>{Env}-Api</c>): which Lambda serves its stage, what the
/// stage canary runs and where the canary release stands. A release step is a change of
/// <see cref="Release"/> here (or <c>-c apiRelease=... -c apiCanaryPercent=...</c> for a rehearsal).
/// </summary>
public sealed record ApiSettings
{
    /// <summary>Backends of the sample: the original function and the new one released as the canary.</summary>
    public static readonly IReadOnlyList<string> Backends = ["original", "canary"];

    /// <summary>Where the stage canary stands: none, started at a percent, promoted or rolled back.</summary>
    public CanaryRelease Release { get; init; } = CanaryRelease.None;

    /// <summary>
    /// Promote the canary backend by a release that runs itself (tools/release; docs/progressive-delivery.md) instead of
    /// <see cref="Release"/> steps. Null: none.
    /// </summary>
    public Infra.Constructs.Releases.ProgressiveRelease? Progressive { get; init; }

    /// <summary>Backend serving the stage (see <see cref="Backends"/>).</summary>
    public string StableBackend { get; init; } = "original";

    /// <summary>Backend the canary calls (see <see cref="Backends"/>).</summary>
    public string CanaryBackend { get; init; } = "canary";

    /// <summary>Stage-wide steady-state requests per second.</summary>
    public double? ThrottlingRateLimit { get; init; }

    /// <summary>Stage-wide burst.</summary>
    public int? ThrottlingBurstLimit { get; init; }

    /// <summary>
    /// Reserved concurrency of each sample function; null = none (the library's default). Opt in only where
    /// the account's quota leaves 100 unreserved after every reservation (docs/api-canary.md).
    /// </summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>
    /// Who may call the sample API. Chosen here on purpose, not inherited from a library default (there
    /// is none): <see cref="ApiAuthorization.Public"/>, because the sample is a read-only endpoint that
    /// answers a constant, with the stage's throttling and, in prod, the web ACL's per-IP rate limit in
    /// front of it. An API that serves or changes anyone's data takes <see cref="ApiAuthorization.Iam"/> or
    /// <see cref="ApiAuthorization.WithAuthorizer"/> instead.
    /// </summary>
    public ApiAuthorization Authorization { get; init; } = ApiAuthorization.Public;

    /// <summary>WAFv2 web ACL on the API stage (AWS managed rules) or none.</summary>
    public Infra.Constructs.Security.WebFirewall? Firewall { get; init; }

    /// <summary>How CodeDeploy shifts each function's alias to a new version of its code.</summary>
    public TrafficShift AliasShift { get; init; } = TrafficShift.AllAtOnce;

}
