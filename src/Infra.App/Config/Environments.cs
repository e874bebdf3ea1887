using Amazon.CDK;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Dns;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Releases;
using Infra.Constructs.Serverless;

namespace Infra.App.Config;

/// <summary>
/// The named environments of the reference app. Changing <see cref="EnvironmentSettings.Traffic"/>
/// here is how a blue/green flip or a canary step is proposed: one line, one pull request.
/// </summary>
public static class Environments
{
    /// <summary>Development: small, one NAT gateway, idle color scaled to zero, no domain.</summary>
    public static readonly EnvironmentSettings Dev = new()
    {
        Name = "dev",
        VpcCidr = "10.10.0.0/16",
        MinCapacity = 1,
        MaxCapacity = 2,
        DeletionProtection = false,
        Traffic = new TrafficPlan { ActiveColor = TrafficColor.Blue, CanaryPercent = 0, IdleCapacity = IdleCapacity.ScaleToZero },
        Rolling = RollingConfig.AllAtOnce,
        Schedules =
        [
            // Nights and weekends: dev runs at its minimum.
            new FleetSchedule { Name = "workday-start", Cron = "0 7 * * MON-FRI", TimeZone = "UTC", MinCapacity = 1, MaxCapacity = 2 },
            new FleetSchedule { Name = "workday-end", Cron = "0 19 * * MON-FRI", TimeZone = "UTC", MinCapacity = 1, MaxCapacity = 1, DesiredCapacity = 1 },
        ],
        // The canary function gets 10 % of the sample API's requests; see docs/api-canary.md.
        Api = new ApiSettings { Release = CanaryRelease.Started(10), AliasShift = TrafficShift.AllAtOnce },
        // Placeholder address: replace with your team's.
        Monitoring = new MonitoringSettings
        {
            AlarmEmails = ["dev-alerts@example.com"],
            Thresholds = new AlarmThresholds { MaxP99Latency = Duration.Seconds(3), MaxAppErrorsPer5Minutes = 50 },
        },
    };

    /// <summary>Production: a NAT gateway per AZ, larger fleet, deletion protection, HTTPS on a domain.</summary>
    public static readonly EnvironmentSettings Prod = new()
    {
        Name = "prod",
        VpcCidr = "10.20.0.0/16",
        NatGateways = 2,
        InstanceType = "m7g.large",
        MinCapacity = 2,
        MaxCapacity = 8,
        AppProcessCount = 4,
        DeletionProtection = true,
        Firewall = Infra.Constructs.Security.WebFirewall.AwsManagedRules,
        // Replace with your own domain. Create: the zone gets a stack of its own, Prod-Dns, deployed and delegated before
        // Prod-Web (docs/domain.md); ZoneSource.Import with your zone's id uses a zone you already have.
        Domain = new DomainSettings("app.example.com", "example.com", HostedZoneSource.Create),
        Traffic = new TrafficPlan { ActiveColor = TrafficColor.Blue, CanaryPercent = 0, IdleCapacity = IdleCapacity.Warm },
        // Traffic is reached by a release that runs itself: to ship on green, set ActiveColor = Green and a new Id in
        // one pull request; after `cdk deploy`, tools/release walks 5 -> 25 -> 50 -> 100 % (docs/progressive-delivery.md).
        Release = new ProgressiveRelease
        {
            Id = "prod-2026-12-07",
            Steps = [5, 25, 50, 100],
            BakeTime = Duration.Minutes(10),
            Gates = new ReleaseGates { MaxP99 = Duration.Seconds(2), MinRequests = 200 },
        },
        Schedules =
        [
            new FleetSchedule { Name = "business-hours", Cron = "0 6 * * MON-FRI", TimeZone = "UTC", MinCapacity = 4 },
            new FleetSchedule { Name = "after-hours", Cron = "0 20 * * *", TimeZone = "UTC", MinCapacity = 2 },
        ],
        Api = new ApiSettings
        {
            Release = CanaryRelease.None,
            ThrottlingRateLimit = 500,
            ThrottlingBurstLimit = 1000,
            AliasShift = TrafficShift.Canary(10, 5),
            Firewall = Infra.Constructs.Security.WebFirewall.AwsManagedRules,
        },
        // Placeholders: replace with your on-call address and incident tool's HTTPS endpoint.
        Monitoring = new MonitoringSettings
        {
            AlarmEmails = ["oncall@example.com"],
            AlarmHttpsEndpoints = ["https://alerts.example.com/hooks/prod"],
            Thresholds = new AlarmThresholds { MaxP99Latency = Duration.Seconds(2), Max5xxPercent = 2 },
        },
    };

    /// <summary>All environments by name.</summary>
    public static IReadOnlyDictionary<string, EnvironmentSettings> All { get; } =
        new Dictionary<string, EnvironmentSettings>(StringComparer.Ordinal) { [Dev.Name] = Dev, [Prod.Name] = Prod };
}
