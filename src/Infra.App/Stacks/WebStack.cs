using Amazon.CDK;
using Amazon.CDK.AWS.CodeDeploy;
using Amazon.CDK.AWS.EC2;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Dns;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Secrets;
using Infra.Constructs.Security;

namespace Infra.App.Stacks;

/// <summary>
/// The web service of one environment: security groups, the app secret, the domain, the load
/// balancer, blue and green fleets with weighted routing, and CodeDeploy per fleet.
/// </summary>
public sealed class WebStack : Stack
{
    /// <summary>The load balancer.</summary>
    public WebLoadBalancer LoadBalancer { get; }

    /// <summary>The blue and green fleets.</summary>
    public BlueGreenFleets Fleets { get; }

    /// <summary>Dashboard, alarms and notification topic; null when monitoring is off.</summary>
    public WebMonitoring? Monitoring { get; }

    /// <summary>CodeDeploy per color.</summary>
    public IReadOnlyDictionary<TrafficColor, FleetDeployment> Deployments { get; }

    /// <summary>Creates the stack.</summary>
    /// <param name="scope">The app.</param>
    /// <param name="id">The stack name.</param>
    /// <param name="settings">The environment.</param>
    /// <param name="vpc">The environment's network.</param>
    /// <param name="props">Stack props.</param>
    /// <param name="zone">The domain's zone from the environment's zone stack, when the app creates it; else the domain settings say where it is.</param>
    public WebStack(Construct scope, string id, EnvironmentSettings settings, IVpc vpc, IStackProps props, Amazon.CDK.AWS.Route53.IHostedZone? zone = null) : base(scope, id, props)
    {
        var groups = new WebSecurityGroups(this, "SecurityGroups", new WebSecurityGroupsProps
        {
            Vpc = vpc,
            AdminSshCidrs = settings.AdminSshCidrs,
        });
        var access = new InstanceAccess(this, "Access");
        var secret = new AppSecret(this, "AppSecret", new AppSecretProps { SecretName = $"{settings.Name}/web/app" });

        WebDomain? domain = settings.Domain is { } d
            ? new WebDomain(this, "Domain", zone is null
                ? new WebDomainProps { DomainName = d.DomainName, ZoneName = d.ZoneName, ZoneSource = d.ZoneSource, HostedZoneId = d.HostedZoneId }
                : new WebDomainProps { DomainName = d.DomainName, ZoneName = d.ZoneName, HostedZone = zone })
            : null;

        LoadBalancer = new WebLoadBalancer(this, "LoadBalancer", new WebLoadBalancerProps
        {
            Vpc = vpc,
            SecurityGroup = groups.LoadBalancer,
            Certificate = domain?.Certificate,
            DeletionProtection = settings.DeletionProtection,
            Firewall = settings.Firewall,
        });
        domain?.PointAt(LoadBalancer.LoadBalancer, dualStack: false);

        var monitoring = settings.Monitoring;
        NotificationTopic? alerts = monitoring.Enabled
            ? new NotificationTopic(this, "Alerts", new NotificationTopicProps
            {
                DisplayName = $"{settings.Name} web alarms",
                Subscriptions = [.. monitoring.AlarmEmails.Select(AlarmSubscription.Email), .. monitoring.AlarmHttpsEndpoints.Select(AlarmSubscription.Https)],
            })
            : null;

        Fleets = new BlueGreenFleets(this, "Fleets", new BlueGreenFleetsProps
        {
            LoadBalancer = LoadBalancer,
            Traffic = settings.Traffic,
            Release = settings.Release,
            // A color's image: its explicit AMI id, else the one recorded for the region (Config/images.json), else
            // the public latest parameter (warned about below).
            Blue = p => p with { AmiId = settings.Images.Blue, AmiIdsByRegion = ImageRecord.For(settings, "blue") },
            Green = p => p with { AmiId = settings.Images.Green, AmiIdsByRegion = ImageRecord.For(settings, "green") },
            Fleet = new WebFleetProps
            {
                Vpc = vpc,
                SecurityGroup = groups.App,
                EnvironmentName = settings.Name,
                InstanceType = settings.InstanceType,
                MinCapacity = settings.MinCapacity,
                MaxCapacity = settings.MaxCapacity,
                AppProcessCount = settings.AppProcessCount,
                KeyPair = access.KeyPair,
                AppSecret = secret.Secret,
                Schedules = settings.Schedules,
                // One key per environment for the topic and the servers' log groups.
                Logs = new FleetLogging { Enabled = monitoring.Enabled, EncryptionKey = alerts?.Key, Retention = monitoring.LogRetention },
            },
        });

        // Both fleets' roles read the app secret (WebFleet grants it through WebFleetProps.AppSecret); naming them here
        // too puts them in the secret's resource policy, which then denies every other principal the value.
        foreach (var fleet in new[] { Fleets.Blue, Fleets.Green }) secret.GrantRead(fleet.Role);

        foreach (var (fleet, color) in new[] { (Fleets.Blue, "blue"), (Fleets.Green, "green") })
        {
            if (fleet.FollowsLatestImage && fleet.MaxCapacity > 0)
                Annotations.Of(fleet).AddWarningV2("infra:image-follows-latest",
                    "this fleet follows the public latest-Amazon-Linux-2023 parameter: the first deploy after AWS publishes an image replaces its servers. " +
                    $"Record an image: tools/images update --env {settings.Name} --color {color} --region <region> (docs/images.md).");
        }

        Monitoring = alerts is null ? null : new WebMonitoring(this, "Monitoring", new WebMonitoringProps
        {
            EnvironmentName = settings.Name,
            Topic = alerts,
            LoadBalancer = LoadBalancer,
            Fleets = [Fleets.Blue, Fleets.Green],
            NatGatewayIds = WebMonitoring.NatGatewayIdsOf(vpc),
            Thresholds = monitoring.Thresholds,
        });

        // A release step fails when the new color's own alarms fire (with monitoring on; the metric analysis runs either way).
        foreach (var color in new[] { TrafficColor.Blue, TrafficColor.Green })
        {
            if (Monitoring?.AlarmsOf(Fleets.FleetOf(color)) is { } alarms)
                foreach (var alarm in alarms.All) Fleets.AddReleaseAlarm(color, alarm);
        }

        var application = new ServerApplication(this, "CodeDeployApp", new ServerApplicationProps { ApplicationName = $"{settings.Name}-web" });
        var revisions = new RevisionBucket(this, "Revisions", new RevisionBucketProps { ServerAccessLogsBucket = LoadBalancer.AccessLogBucket });
        var deployments = new Dictionary<TrafficColor, FleetDeployment>();
        foreach (var color in new[] { TrafficColor.Blue, TrafficColor.Green })
        {
            deployments[color] = new FleetDeployment(this, $"{color}Deployment", new FleetDeploymentProps
            {
                Fleet = Fleets.FleetOf(color),
                Application = application,
                Revisions = revisions,
                Config = settings.Rolling,
                // Roll back on the alarms operators watch; without monitoring the deployment builds the same three itself.
                Alarms = Monitoring?.AlarmsOf(Fleets.FleetOf(color)),
            });
        }
        Deployments = deployments;

        Output("LoadBalancerDns", LoadBalancer.LoadBalancer.LoadBalancerDnsName, "DNS name of the load balancer");
        Output("Url", domain is null ? $"http://{LoadBalancer.LoadBalancer.LoadBalancerDnsName}" : $"https://{domain.DomainName}", "Where the service answers");
        Output("ActiveColor", settings.Traffic.ActiveColor.ToString().ToLowerInvariant(), "Color serving production traffic");
        Output("CodeDeployApplication", application.ApplicationName, "CodeDeploy application (deploy/scripts/deploy-revision --app)");
        Output("BlueDeploymentGroup", deployments[TrafficColor.Blue].DeploymentGroup.DeploymentGroupName, "CodeDeploy group of the blue fleet");
        Output("GreenDeploymentGroup", deployments[TrafficColor.Green].DeploymentGroup.DeploymentGroupName, "CodeDeploy group of the green fleet");
        Output("RevisionBucket", revisions.Bucket.BucketName, "Bucket for revision bundles (prefix revisions/)");
        if (Monitoring is not null)
        {
            Output("AlarmTopicArn", Monitoring.Notifications.Topic.TopicArn, "SNS topic every alarm and Auto Scaling group notifies");
            Output("DashboardName", Monitoring.Dashboard!.DashboardName, "CloudWatch dashboard of the environment");
        }
        Output("AppSecretArn", secret.Secret.SecretArn, "ARN of the app secret (the value never leaves Secrets Manager)");
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
