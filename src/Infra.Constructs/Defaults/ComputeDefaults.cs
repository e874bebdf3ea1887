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
    /// <summary>Rolling update: servers replaced per batch.</summary>
    public const int RollingMaxBatchSize = 1;
    /// <summary>Rolling update and creation: time to wait for a server's success signal.</summary>
    public const int SignalTimeoutMinutes = 15;
}
