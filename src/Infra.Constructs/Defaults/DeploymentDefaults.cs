namespace Infra.Constructs.Defaults;

/// <summary>Defaults for blue/green traffic plans (<see cref="Deployment.TrafficPlan"/>), in one place.</summary>
public static class DeploymentDefaults
{
    /// <summary>
    /// Servers the idle color keeps when <see cref="Deployment.IdleCapacity.Warm"/>: one, enough to take a
    /// deployment and answer health checks, so a new version can be deployed and checked on the idle color
    /// before any traffic reaches it, at the cost of one server.
    /// </summary>
    public const int WarmCapacity = 1;
    /// <summary>Old revision versions kept 90 days: enough to redeploy any recent release, then they expire.</summary>
    public const int NoncurrentRevisionRetentionDays = 90;
    /// <summary>Days before an unfinished multipart upload is removed from the revision bucket.</summary>
    public const int AbortIncompleteUploadDays = 7;
}
