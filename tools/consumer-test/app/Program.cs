// A consumer of the Infra.Constructs package, as docs/using-the-package.md shows it: the README's
// environment (stack "Shop") and one use of every other construct (stack "Extras"). Only the
// package's public API is used. CONSUMER_BAD_CIDR=1 passes a bad prop to show the error a user sees;
// CONSUMER_PLANTED_PASSWORD=... tags the first stack with a password the secret guard must refuse.
using Amazon.CDK;
using Amazon.CDK.AWS.CodeDeploy;
using Amazon.CDK.AWS.Lambda;
using Infra.Constructs.CiCd;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Dns;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Network;
using Infra.Constructs.Secrets;
using Infra.Constructs.Security;
using Infra.Constructs.Serverless;
using Infra.Constructs.Startup;

// JsiiStartup.Tune() first (faster start); CdkProgram.Run prints a bad prop or a failed validation
// as a clear message with exit code 1 instead of a jsii trace.
JsiiStartup.Tune();
return CdkProgram.Run(app =>
{
    // The README's whole environment.
    var shop = new Stack(app, "Shop");
    var cidr = System.Environment.GetEnvironmentVariable("CONSUMER_BAD_CIDR") == "1" ? "10.30.0.0/33" : "10.30.0.0/16";
    // CONSUMER_PLANTED_PASSWORD (made up at run time by tools/consumer-test/run): a secret in a tag, which the guard must stop.
    if (System.Environment.GetEnvironmentVariable("CONSUMER_PLANTED_PASSWORD") is { Length: > 0 } planted)
        Tags.Of(shop).Add("DB_PASSWORD", planted);
    var network = new ProductionNetwork(shop, "Network", new ProductionNetworkProps { Cidr = cidr });
    var groups = new WebSecurityGroups(shop, "Groups", new WebSecurityGroupsProps { Vpc = network.Vpc });
    var secret = new AppSecret(shop, "Secret");
    var lb = new WebLoadBalancer(shop, "Lb", new WebLoadBalancerProps { Vpc = network.Vpc, SecurityGroup = groups.LoadBalancer });
    var fleets = new BlueGreenFleets(shop, "Fleets", new BlueGreenFleetsProps
    {
        LoadBalancer = lb,
        Fleet = new WebFleetProps { Vpc = network.Vpc, SecurityGroup = groups.App, AppSecret = secret.Secret, MinCapacity = 2, MaxCapacity = 6 },
        Traffic = new TrafficPlan { ActiveColor = TrafficColor.Blue, CanaryPercent = 10 },
    });
    var revisions = new RevisionBucket(shop, "Revisions");
    _ = new FleetDeployment(shop, "BlueDeployment", new FleetDeploymentProps
    {
        Fleet = fleets.FleetOf(TrafficColor.Blue),
        Application = new ServerApplication(shop, "CodeDeployApp"),
        Revisions = revisions,
    });

    // Every other construct, once, as the package README's table shows them.
    var extras = new Stack(app, "Extras");
    var net = new ProductionNetwork(extras, "Net", new() { Cidr = "10.40.0.0/16", NatGateways = 1 });
    var sg = new WebSecurityGroups(extras, "Sg", new() { Vpc = net.Vpc });
    var access = new InstanceAccess(extras, "Access");
    var domain = new WebDomain(extras, "Domain", new() { DomainName = "app.example.com", ZoneName = "example.com", ZoneSource = HostedZoneSource.Create });
    var httpsLb = new WebLoadBalancer(extras, "Lb", new() { Vpc = net.Vpc, SecurityGroup = sg.LoadBalancer, Certificate = domain.Certificate });
    domain.PointAt(httpsLb.LoadBalancer, dualStack: false);
    var fleet = new WebFleet(extras, "Fleet", new() { Vpc = net.Vpc, SecurityGroup = sg.App, KeyPair = access.KeyPair });
    httpsLb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
    fleet.ScaleOnRequests();
    var v1 = new VersionedFunction(extras, "V1", new() { InlineCode = "exports.handler = async () => ({ statusCode: 200, body: 'v1' });" });
    var v2 = new VersionedFunction(extras, "V2", new() { InlineCode = "exports.handler = async () => ({ statusCode: 200, body: 'v2' });" });
    _ = new AliasDeployment(extras, "Shift", new() { Alias = v2.Alias, Shift = TrafficShift.Canary(10, 5) });
    _ = new CanaryRestApi(extras, "Api", new()
    {
        Backends = new Dictionary<string, IFunction> { ["v1"] = v1.Alias, ["v2"] = v2.Alias },
        StableBackend = "v1",
        Canary = new StageCanary { Backend = "v2" },
        Release = CanaryRelease.Started(10),
    });
    _ = new GitHubOidcRoles(extras, "GitHub", new() { Repository = "example-org/my-infra", DeployEnvironments = ["production"] });
});
