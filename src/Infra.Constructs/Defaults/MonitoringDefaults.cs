namespace Infra.Constructs.Defaults;

/// <summary>Defaults for the monitoring constructs (<c>WebMonitoring</c>, <c>NotificationTopic</c>, <c>FleetLogs</c>), in one place.</summary>
public static class MonitoringDefaults
{
    /// <summary>Share of requests answered 5xx (load balancer and each target group) that raises an alarm, in percent. Same as the deployment rollback default.</summary>
    public const double Max5xxPercent = 5;
    /// <summary>Share of requests answered 4xx at the load balancer that raises an alarm, in percent (4xx are often the clients' doing: kept high).</summary>
    public const double Max4xxPercent = 25;
    /// <summary>p99 target response time that raises an alarm, in seconds.</summary>
    public const double MaxP99LatencySeconds = 2;
    /// <summary>Servers failing the health check (per target group) that raise an alarm.</summary>
    public const int MaxUnhealthyHosts = 1;
    /// <summary>Average CPU of a fleet that raises an alarm after 15 minutes, in percent (scaling tracks 50).</summary>
    public const double MaxCpuPercent = 80;
    /// <summary>Memory used on the busiest server that raises an alarm after 15 minutes, in percent.</summary>
    public const double MaxMemoryPercent = 90;
    /// <summary>Root-volume use on the fullest server that raises an alarm, in percent.</summary>
    public const double MaxDiskPercent = 85;
    /// <summary>Application error lines per fleet in 5 minutes that raise an alarm.</summary>
    public const int MaxAppErrorsPer5Minutes = 10;
    /// <summary>Requests per minute below which error rates count as 0 (one failed request out of two is not an incident).</summary>
    public const int MinRequestsPerMinute = 10;
    /// <summary>How long the fleets' log groups keep events: one year, the minimum Control Tower (CT.CLOUDWATCH.PR.2) accepts.</summary>
    public const Amazon.CDK.AWS.Logs.RetentionDays LogRetention = Amazon.CDK.AWS.Logs.RetentionDays.ONE_YEAR;
    /// <summary>
    /// CloudWatch Logs filter pattern counting application errors: any line with one of these terms
    /// (case-sensitive). Python tracebacks, and ERROR/CRITICAL/FATAL level names.
    /// </summary>
    public const string AppErrorPattern = "?ERROR ?CRITICAL ?FATAL ?Traceback";
    /// <summary>File the app's journal (stdout/stderr of <c>app@*.service</c>) is copied to for the CloudWatch agent.</summary>
    public const string JournalExportFile = "/var/log/app/app.log";
    /// <summary>Prefix of each fleet's custom metric namespace; the fleet's construct path follows.</summary>
    public const string MetricNamespacePrefix = "WebFleet/";
    /// <summary>Time range a dashboard opens with.</summary>
    public const int DashboardHours = 3;
}
