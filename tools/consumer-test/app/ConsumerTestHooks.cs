// Test-only: tools/consumer-test/run copies this file next to the Program.cs it takes from
// docs/using-the-package.md (the production app). Without CONSUMER_TEST_SCENARIO it does nothing and
// the docs' program runs as written. With it, the process runs one small app of its own through
// CdkProgram.Run, exactly as a user's Main would, and exits with its code:
//   bad-cidr           a bad prop: the one-line InvalidPropException message, exit code 1
//   planted-password   CONSUMER_PLANTED_PASSWORD (made up at run time) in a tag: the secret guard's
//                      redacted report, exit code 1, the value never printed
//   single-fleet       one WebFleet without blue/green, as the docs' "Servers" section shows it
using System.Runtime.CompilerServices;
using Amazon.CDK;
using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Network;
using Infra.Constructs.Security;
using Infra.Constructs.Startup;

internal static class ConsumerTestHooks
{
#pragma warning disable CA2255 // a module initializer in an app, on purpose: it runs before the docs' top-level statements
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunScenario()
    {
        var scenario = System.Environment.GetEnvironmentVariable("CONSUMER_TEST_SCENARIO");
        if (string.IsNullOrEmpty(scenario)) return;
        JsiiStartup.Tune();
        System.Environment.Exit(scenario switch
        {
            "bad-cidr" => CdkProgram.Run(app =>
            {
                var shop = new Stack(app, "Shop");
                _ = new ProductionNetwork(shop, "Network", new ProductionNetworkProps { Cidr = "10.30.0.0/33" });
            }),
            "planted-password" => CdkProgram.Run(app =>
            {
                var shop = new Stack(app, "Shop");
                Tags.Of(shop).Add("DB_PASSWORD", System.Environment.GetEnvironmentVariable("CONSUMER_PLANTED_PASSWORD") ?? "");
                _ = new ProductionNetwork(shop, "Network", new ProductionNetworkProps { Cidr = "10.30.0.0/16" });
            }),
            "single-fleet" => CdkProgram.Run(app =>
            {
                var stack = new Stack(app, "SingleFleet");
                var net = new ProductionNetwork(stack, "Net", new() { Cidr = "10.40.0.0/16", NatGateways = 1 });
                var sg = new WebSecurityGroups(stack, "Sg", new() { Vpc = net.Vpc });
                var access = new InstanceAccess(stack, "Access", new() { Mode = InstanceAccessMode.CreateKeyPair });
                var lb = new WebLoadBalancer(stack, "Lb", new() { Vpc = net.Vpc, SecurityGroup = sg.LoadBalancer });
                var fleet = new WebFleet(stack, "Fleet", new() { Vpc = net.Vpc, SecurityGroup = sg.App, KeyPair = access.KeyPair });
                lb.Route([new WeightedTarget(fleet.TargetGroup, 1)]);
                fleet.ScaleOnRequests();
            }),
            _ => Fail($"unknown CONSUMER_TEST_SCENARIO '{scenario}'"),
        });
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }
}
