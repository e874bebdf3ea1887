using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// Thresholds of the monitoring alarms. Every value is optional; unset means the default in
/// <see cref="MonitoringDefaults"/>. Periods and evaluation windows are fixed and documented on
/// each alarm's description and in <c>docs/monitoring.md</c>.
/// </summary>
public sealed record AlarmThresholds
{
    /// <summary>5xx share of requests, at the load balancer (2 of 3 minutes) and per target group (1 minute; also rolls deployments back), in percent (0.1-100). Default: 5.</summary>
    public double? Max5xxPercent { get; init; }

    /// <summary>4xx share of requests at the load balancer over two 5-minute periods, in percent (1-100). Default: 25.</summary>
    public double? Max4xxPercent { get; init; }

    /// <summary>p99 target response time for 3 minutes (10 ms to 60 s, e.g. <c>Duration.Millis(750)</c>). Default: 2 seconds.</summary>
    public Amazon.CDK.Duration? MaxP99Latency { get; init; }

    /// <summary>Unhealthy targets per target group for 2 minutes (1-1000). Default: 1.</summary>
    public int? MaxUnhealthyHosts { get; init; }

    /// <summary>Average CPU of a fleet for 15 minutes, in percent (1-100). Default: 80.</summary>
    public double? MaxCpuPercent { get; init; }

    /// <summary>Memory used on the busiest server for 15 minutes, in percent (1-100; needs the CloudWatch agent). Default: 90.</summary>
    public double? MaxMemoryPercent { get; init; }

    /// <summary>Root volume used on the fullest server for 10 minutes, in percent (1-100; needs the CloudWatch agent). Default: 85.</summary>
    public double? MaxDiskPercent { get; init; }

    /// <summary>Application error lines per fleet in 5 minutes (1-1000000; needs the CloudWatch agent). Default: 10.</summary>
    public int? MaxAppErrorsPer5Minutes { get; init; }

    /// <summary>Requests per minute below which 5xx and 4xx rates count as 0 (0-1000000). Default: 10.</summary>
    public int? MinRequestsPerMinute { get; init; }

    internal double Five => Max5xxPercent ?? MonitoringDefaults.Max5xxPercent;
    internal double Four => Max4xxPercent ?? MonitoringDefaults.Max4xxPercent;
    // CloudWatch measures TargetResponseTime in seconds: the alarm's threshold is in seconds.
    internal double P99 => MaxP99Latency is { } d ? d.ToMilliseconds(new Amazon.CDK.TimeConversionOptions { Integral = false }) / 1000 : MonitoringDefaults.MaxP99LatencySeconds;
    internal int Unhealthy => MaxUnhealthyHosts ?? MonitoringDefaults.MaxUnhealthyHosts;
    internal double Cpu => MaxCpuPercent ?? MonitoringDefaults.MaxCpuPercent;
    internal double Memory => MaxMemoryPercent ?? MonitoringDefaults.MaxMemoryPercent;
    internal double Disk => MaxDiskPercent ?? MonitoringDefaults.MaxDiskPercent;
    internal int AppErrors => MaxAppErrorsPer5Minutes ?? MonitoringDefaults.MaxAppErrorsPer5Minutes;
    internal int MinRequests => MinRequestsPerMinute ?? MonitoringDefaults.MinRequestsPerMinute;

    /// <summary>Checks every set value; properties are reported as <c>{prefix}.{name}</c>.</summary>
    public void Validate(PropChecks check, string prefix)
    {
        check.InRange($"{prefix}.{nameof(Max5xxPercent)}", Max5xxPercent, 0.1, 100);
        check.InRange($"{prefix}.{nameof(Max4xxPercent)}", Max4xxPercent, 1, 100);
        if (MaxP99Latency is { } p99 && (P99 < 0.01 || P99 > 60))
            check.Reject($"{prefix}.{nameof(MaxP99Latency)}", p99.ToHumanString(), "a Duration from 10 milliseconds to 60 seconds, e.g. Duration.Seconds(2)");
        check.InRange($"{prefix}.{nameof(MaxUnhealthyHosts)}", MaxUnhealthyHosts, 1, 1000);
        check.InRange($"{prefix}.{nameof(MaxCpuPercent)}", MaxCpuPercent, 1, 100);
        check.InRange($"{prefix}.{nameof(MaxMemoryPercent)}", MaxMemoryPercent, 1, 100);
        check.InRange($"{prefix}.{nameof(MaxDiskPercent)}", MaxDiskPercent, 1, 100);
        check.InRange($"{prefix}.{nameof(MaxAppErrorsPer5Minutes)}", MaxAppErrorsPer5Minutes, 1, 1_000_000);
        check.InRange($"{prefix}.{nameof(MinRequestsPerMinute)}", MinRequestsPerMinute, 0, 1_000_000);
    }
}
