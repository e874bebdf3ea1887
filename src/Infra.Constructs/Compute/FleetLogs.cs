using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Compute;

/// <summary>
/// A fleet's log groups (nginx access, nginx error, app, deploy) with a retention period and KMS
/// encryption, the metric filter counting application errors, the instance-role statements the
/// CloudWatch agent needs (nothing more) and the agent's part of the first-boot script.
/// <see cref="WebFleet"/> creates it as its child <c>Logs</c> unless
/// <see cref="FleetLogging.Enabled"/> is false.
/// </summary>
public sealed partial class FleetLogs : Construct
{
    /// <summary>nginx access log (one line per request, with request and upstream times).</summary>
    public LogGroup NginxAccess { get; }

    /// <summary>nginx error log (upstream failures show here first).</summary>
    public LogGroup NginxError { get; }

    /// <summary>The app's log (its journal, or <see cref="FleetLogging.AppLogFile"/>).</summary>
    public LogGroup App { get; }

    /// <summary>First-boot script, CodeDeploy agent and deployment logs.</summary>
    public LogGroup Deploy { get; }

    /// <summary>All four log groups.</summary>
    public IReadOnlyList<LogGroup> LogGroups => [NginxAccess, NginxError, App, Deploy];

    /// <summary>The key encrypting the log groups.</summary>
    public IKey Key { get; }

    /// <summary>Custom metric namespace of the fleet: agent metrics and the error count, no dimensions.</summary>
    public string MetricNamespace { get; }

    /// <summary>Effective retention.</summary>
    public RetentionDays Retention { get; }

    /// <summary>What the first-boot script installs.</summary>
    public CloudWatchAgentScript.Options Agent { get; }

    /// <summary>App error lines per period (metric filter on <see cref="App"/>, 0 when none).</summary>
    public Metric AppErrors(Duration? period = null) => Custom("AppErrors", "Sum", period, "app errors");

    /// <summary>Memory used on the busiest server, percent.</summary>
    public Metric MemoryUsedPercent(Duration? period = null) => Custom("mem_used_percent", "Maximum", period, "memory used % (max)");

    /// <summary>Root volume used on the fullest server, percent.</summary>
    public Metric DiskUsedPercent(Duration? period = null) => Custom("disk_used_percent", "Maximum", period, "disk used % (max)");

    /// <summary>Creates the log groups, filter and role statements for the fleet at <paramref name="scope"/>.</summary>
    /// <param name="scope">The fleet.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="settings">The fleet's <see cref="WebFleetProps.Logs"/>.</param>
    /// <param name="role">The servers' role; it gets the agent's permissions.</param>
    public FleetLogs(Construct scope, string id, FleetLogging settings, IRole role) : base(scope, id)
    {
        var check = new PropChecks(scope, nameof(WebFleetProps));
        const string prefix = nameof(WebFleetProps.Logs);
        Retention = settings.Retention ?? MonitoringDefaults.LogRetention;
        if (!Enum.IsDefined(Retention))
            check.Reject($"{prefix}.{nameof(FleetLogging.Retention)}", Retention, "a RetentionDays value (the periods CloudWatch Logs accepts)");
        check.Matches($"{prefix}.{nameof(FleetLogging.AppLogFile)}", settings.AppLogFile, LogFilePattern(),
            "an absolute file path such as /var/log/app/app.log (letters, digits, -._/ and * globs)");
        var pattern = settings.AppErrorPattern ?? MonitoringDefaults.AppErrorPattern;
        check.NotBlank($"{prefix}.{nameof(FleetLogging.AppErrorPattern)}", pattern);
        if (pattern.Length > 1024)
            check.Reject($"{prefix}.{nameof(FleetLogging.AppErrorPattern)}", pattern, "a filter pattern of at most 1024 characters");
        check.ThrowIfAny();

        MetricNamespace = MonitoringDefaults.MetricNamespacePrefix + NamespaceUnsafe().Replace(scope.Node.Path, "_");
        if (MetricNamespace.Length > 255) MetricNamespace = MetricNamespace[..255];

        // What Monitoring.MonitoringKeys.Create(forTopic: false) makes; Compute does not use Monitoring (Monitoring builds on Compute).
        Key = settings.EncryptionKey ?? Security.EncryptionKeys.ForLogs(this, "Key", $"the log groups of {scope.Node.Path}");
        LogGroup Group(string name) => new(this, name, new LogGroupProps
        {
            Retention = Retention,
            EncryptionKey = Key,
            // Logs are evidence: they stay, and expire by retention, when the fleet goes.
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        NginxAccess = Group("NginxAccess");
        NginxError = Group("NginxError");
        App = Group("App");
        Deploy = Group("Deploy");

        _ = new MetricFilter(this, "AppErrorFilter", new MetricFilterProps
        {
            LogGroup = App,
            FilterPattern = FilterPattern.Literal(pattern),
            MetricNamespace = MetricNamespace,
            MetricName = "AppErrors",
            MetricValue = "1",
            DefaultValue = 0,
        });

        // Only what the agent does: write its streams in these groups, and metrics in this namespace.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchAgentLogs",
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resources = LogGroups.Select(g => g.LogGroupArn).ToArray(),
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchAgentMetrics",
            Actions = ["cloudwatch:PutMetricData"],
            // PutMetricData has no resource-level permissions; the namespace condition scopes it.
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = MetricNamespace },
            },
        }));

        Agent = new CloudWatchAgentScript.Options(NginxAccess.LogGroupName, NginxError.LogGroupName, App.LogGroupName,
            Deploy.LogGroupName, MetricNamespace, settings.AppLogFile);
    }

    private Metric Custom(string name, string statistic, Duration? period, string label) => new(new MetricProps
    {
        Namespace = MetricNamespace,
        MetricName = name,
        Statistic = statistic,
        Period = period ?? Durations.Minutes(5),
        Label = label,
    });

    [GeneratedRegex(@"^/[A-Za-z0-9\-._/*]{1,1023}$")]
    private static partial Regex LogFilePattern();

    [GeneratedRegex(@"[^A-Za-z0-9.\-_/#:]")]
    private static partial Regex NamespaceUnsafe();
}
