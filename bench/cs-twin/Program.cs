// bench/run only: one stack with what the reference app's dev environment gets from ProductionNetwork,
// WebSecurityGroups, WebFleet and WebLoadBalancer (one fleet, routed, request scaling), synthesized
// the way `cdk synth` runs an app (CDK_OUTDIR / CDK_CONTEXT_JSON). bench/ts-twin/app.js builds the
// same resources with aws-cdk-lib in Node. INFRA_BENCH_TIMINGS=1 prints phase marks like bench/ref-app.
using Amazon.CDK;
using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Network;
using Infra.Constructs.Security;

var timings = System.Environment.GetEnvironmentVariable("INFRA_BENCH_TIMINGS") == "1";
void Mark(string phase)
{
    if (timings) Console.Error.WriteLine(FormattableString.Invariant($"[timings] {phase} {DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalMilliseconds:F1}"));
}

Mark("main");
// What Infra.App does first (docs/performance.md); INFRA_JSII_TUNING=off turns it off.
Infra.Constructs.Startup.JsiiStartup.Tune();
// The reference app's feature flags (src/Infra.App/AppFactory.cs), so both twins make the same templates.
var app = new App(new AppProps
{
    AnalyticsReporting = false,
    Context = new Dictionary<string, object>
    {
        ["@aws-cdk/core:defaultCrossStackReferences"] = "strong",
        ["@aws-cdk/core:target-partitions"] = new[] { "aws" },
        ["@aws-cdk/aws-iam:minimizePolicies"] = true,
        ["@aws-cdk/core:validateSnapshotRemovalPolicy"] = true,
        ["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] = true,
        ["@aws-cdk/aws-ec2:launchTemplateDefaultUserData"] = true,
    },
});
// What a user's app does (CdkProgram.Run does both): NODE_OPTIONS back once jsii has started, the secret guard on.
Infra.Constructs.Startup.JsiiStartup.RestoreNodeOptions();
Infra.Constructs.Guardrails.SecretLiteralGuard.ApplyTo(app);
Mark("app");
var stack = new Stack(app, "Twin-Web");
var network = new ProductionNetwork(stack, "Network", new ProductionNetworkProps { Cidr = "10.10.0.0/16", NatGateways = 1 });
var groups = new WebSecurityGroups(stack, "SecurityGroups", new WebSecurityGroupsProps { Vpc = network.Vpc });
var lb = new WebLoadBalancer(stack, "LoadBalancer", new WebLoadBalancerProps { Vpc = network.Vpc, SecurityGroup = groups.LoadBalancer });
var fleet = new WebFleet(stack, "Fleet", new WebFleetProps
{
    Vpc = network.Vpc,
    SecurityGroup = groups.App,
    EnvironmentName = "dev",
    InstanceType = "t3.small",
    MinCapacity = 1,
    MaxCapacity = 2,
    AppProcessCount = 2,
    InstancePort = groups.InstancePort,
    Schedules =
    [
        new FleetSchedule { Name = "workday-start", Cron = "0 7 * * MON-FRI", TimeZone = "UTC", MinCapacity = 1, MaxCapacity = 2 },
        new FleetSchedule { Name = "workday-end", Cron = "0 19 * * MON-FRI", TimeZone = "UTC", MinCapacity = 1, MaxCapacity = 1, DesiredCapacity = 1 },
    ],
});
lb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
fleet.ScaleOnRequests();
Mark("tree");
app.Synth();
Mark("synth");
