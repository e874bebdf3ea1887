namespace Infra.Constructs.Serverless;

/// <summary>Where a stage canary is in its lifecycle; see <see cref="CanaryRelease"/>.</summary>
public enum CanaryPhase
{
    /// <summary>No canary: every request is served by the stage's settings.</summary>
    None,
    /// <summary>The canary gets <see cref="CanaryRelease.Percent"/> of the requests.</summary>
    Started,
    /// <summary>The canary's backend and stage-variable overrides became the stage's; the canary is cleared.</summary>
    Promoted,
    /// <summary>The canary was abandoned: the stage keeps its settings; the canary is cleared.</summary>
    RolledBack,
}
