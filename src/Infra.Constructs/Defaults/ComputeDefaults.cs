namespace Infra.Constructs.Defaults;

/// <summary>Defaults for <see cref="Compute.WebFleet"/>, in one place.</summary>
public static class ComputeDefaults
{
    /// <summary>Instance type: burstable, enough for nginx and two small app processes.</summary>
    public const string InstanceType = "t3.small";
    /// <summary>Smallest group size: two servers, so one can fail.</summary>
    public const int MinCapacity = 2;
    /// <summary>Largest group size.</summary>
    public const int MaxCapacity = 4;
    /// <summary>App processes per server behind nginx (the second level of load balancing).</summary>
    public const int AppProcessCount = 2;
    /// <summary>Port of the first app process; process i listens on base + i, on 127.0.0.1 only.</summary>
    public const int AppBasePort = 8001;
    /// <summary>Port nginx listens on for the load balancer.</summary>
    public const int InstancePort = 80;
    /// <summary>Health path served by the app through nginx, used by the target group, CodeDeploy's ValidateService and alarms.</summary>
    public const string HealthCheckPath = "/health";
    /// <summary>Encrypted gp3 root volume size.</summary>
    public const int RootVolumeGiB = 16;
    /// <summary>Root device of Amazon Linux 2023.</summary>
    public const string RootDeviceName = "/dev/xvda";
    /// <summary>Time a new instance gets before ELB health checks count.</summary>
    public const int HealthCheckGraceSeconds = 300;
    /// <summary>Average CPU the group tracks.</summary>
    public const int CpuTargetPercent = 50;
    /// <summary>Requests per minute per server the group tracks.</summary>
    public const int RequestsPerTargetPerMinute = 1000;
    /// <summary>Launch-template changes replace servers by instance refresh, launching before terminating.</summary>
    public const Compute.FleetUpdateStrategy UpdateStrategy = Compute.FleetUpdateStrategy.InstanceRefresh;
    /// <summary>Instance refresh: the whole desired capacity stays in service and healthy (launch before terminate).</summary>
    public const int RefreshMinHealthyPercent = 100;
    /// <summary>Instance refresh: up to twice the desired capacity while replacing, so even a one-server fleet keeps its server.</summary>
    public const int RefreshMaxHealthyPercent = 200;
    /// <summary>Instance refresh: minutes to wait at each checkpoint, when checkpoints are set (AWS's own default is 60).</summary>
    public const int RefreshCheckpointDelayMinutes = 10;
    /// <summary>
    /// Seconds after a new server is in service (and healthy in its target group) before it counts for an
    /// instance refresh and its metrics join the group's scaling metrics (the group's DefaultInstanceWarmup).
    /// </summary>
    public const int InstanceWarmupSeconds = 60;
    /// <summary>Rolling update: servers replaced per batch.</summary>
    public const int RollingMaxBatchSize = 1;
    /// <summary>Rolling update and creation: time to wait for a server's success signal.</summary>
    public const int SignalTimeoutMinutes = 15;

    /// <summary>Deregistration delay of a fleet's target group: in-flight requests finish, short enough for quick deployments.</summary>
    public const int DeregistrationDelaySeconds = 30;
    /// <summary>No bake after the last server of an instance refresh: the checkpoints and alarms already watch.</summary>
    public const int RefreshBakeMinutes = 0;

    /// <summary>Environment name when none is given (app config and the parameter prefix <c>/default/web/</c>).</summary>
    public const string EnvironmentName = "default";

    /// <summary>Target group health check: seconds between checks (a failing server leaves within interval × unhealthy count).</summary>
    public const int HealthCheckIntervalSeconds = 15;
    /// <summary>Target group health check: seconds to wait for an answer.</summary>
    public const int HealthCheckTimeoutSeconds = 5;
    /// <summary>Target group health check: successes before a server gets traffic.</summary>
    public const int HealthyThresholdCount = 2;
    /// <summary>Target group health check: failures before a server loses traffic.</summary>
    public const int UnhealthyThresholdCount = 3;
    /// <summary>The only status the health check accepts: the placeholder app's 503 keeps a server without a revision out.</summary>
    public const string HealthyHttpCodes = "200";
    /// <summary>Rolling update without signals: the pause between batches.</summary>
    public const int RollingPauseMinutesWithoutSignal = 1;
}
