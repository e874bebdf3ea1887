using Amazon.CDK;
using Infra.App.Config;
using CdkApp = Amazon.CDK.App;

namespace Infra.App.Stacks;

/// <summary>
/// Composes the stacks of one environment, named <c>{Env}-Network</c>, <c>{Env}-Web</c> and <c>{Env}-Api</c>,
/// <c>{Env}-Dns</c> when the environment's domain has a zone the app creates (deployed and delegated first), and
/// <c>{Env}-Images</c> when <c>Config/images.json</c> names a golden image pipeline for it.
/// </summary>
public static class ReferenceEnvironment
{
    /// <summary>Stack name prefix of an environment: <c>dev</c> → <c>Dev</c>.</summary>
    public static string Prefix(EnvironmentSettings settings) => char.ToUpperInvariant(settings.Name[0]) + settings.Name[1..];

    /// <summary>Adds the environment's stacks to <paramref name="app"/>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="settings">The environment.</param>
    /// <param name="all">Every environment (their VPC ranges must not overlap).</param>
    /// <param name="apiGatewayAccount">The stack that owns the account's API Gateway logging role; the API stack depends on it. Null: the API stack owns it.</param>
    public static (NetworkStack Network, WebStack Web, ApiStack Api, DnsStack? Dns) Add(CdkApp app, EnvironmentSettings settings, IEnumerable<EnvironmentSettings> all, Stack? apiGatewayAccount = null)
    {
        var prefix = Prefix(settings);
        var env = settings.Account is null && settings.Region is null
            ? null
            : new Amazon.CDK.Environment { Account = settings.Account, Region = settings.Region };
        StackProps Props(string what) => new()
        {
            Env = env,
            Description = $"Reference web environment '{settings.Name}': {what} (Infra.Constructs)",
            TerminationProtection = settings.DeletionProtection,
        };

        var others = all.Where(o => o.Name != settings.Name).Select(o => o.VpcCidr);
        var network = new NetworkStack(app, $"{prefix}-Network", settings, Props("network"), others);
        // A zone the app creates lives in a stack of its own: the web stack's certificate is validated through it,
        // which works only once the registrar delegates to it (docs/domain.md).
        var dns = settings.Domain is { ZoneSource: Infra.Constructs.Dns.HostedZoneSource.Create } domain
            ? new DnsStack(app, $"{prefix}-Dns", domain, Props("public DNS zone, deployed and delegated before the web stack"))
            : null;
        // An environment whose images.json entry names a pipeline builds its golden images in a stack of its own.
        var images = ImageRecord.Pipeline(settings.Name) is { } pipeline
            ? new ImageStack(app, $"{prefix}-Images", settings, pipeline, network.Network.Vpc, Props($"golden image pipeline {pipeline}"))
            : null;
        var web = new WebStack(app, $"{prefix}-Web", settings, network.Network.Vpc, Props("web service"), dns?.Zone.Zone);
        // The API's alarms notify the environment's one topic (in the web stack).
        var api = new ApiStack(app, $"{prefix}-Api", settings, Props("sample API with a stage canary"), web.Monitoring?.Notifications.AlarmAction,
            ownsApiGatewayAccount: apiGatewayAccount is null);
        if (apiGatewayAccount is not null) api.AddStackDependency(apiGatewayAccount, "the account's API Gateway logging role exists before a stage logs");
        foreach (var stack in new Stack?[] { network, web, api, dns, images }.OfType<Stack>())
        {
            // Listener, rule and dashboard tags are valid in CloudFormation but not yet in cfn-lint's schema; they carry nothing useful.
            var tagProps = new TagProps { ExcludeResourceTypes = ["AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::CloudWatch::Dashboard"] };
            Tags.Of(stack).Add("environment", settings.Name, tagProps);
            Tags.Of(stack).Add("managed-by", "cdk-infra-constructs", tagProps);
        }
        return (network, web, api, dns);
    }
}
