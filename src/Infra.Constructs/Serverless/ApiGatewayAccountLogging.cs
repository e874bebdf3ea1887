using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Serverless;

/// <summary>
/// The account's API Gateway logging setting (<c>AWS::ApiGateway::Account</c>) and the role it names,
/// which stage execution and access logging need. The setting is one per account and region: AWS asks
/// for only one such resource per account and region, as a second one silently overwrites the first.
/// Put it in a long-lived stack of its own and create every <see cref="CanaryRestApi"/> with
/// <c>CreateCloudWatchRole = false</c> (docs/api-canary.md). The role and the setting are retained
/// when the stack is deleted, so the APIs of the account keep logging.
/// </summary>
public sealed class ApiGatewayAccountLogging : Construct
{
    /// <summary>The role API Gateway assumes to write logs.</summary>
    public Role Role { get; }

    /// <summary>The account setting.</summary>
    public CfnAccount Account { get; }

    /// <summary>Creates the role and the account setting in <paramref name="scope"/>'s account and region.</summary>
    public ApiGatewayAccountLogging(Construct scope, string id) : base(scope, id)
    {
        ClaimOwnership(this, nameof(ApiGatewayAccountLogging), nameof(Account));
        Role = new Role(this, "CloudWatchRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("apigateway.amazonaws.com"),
            Description = "API Gateway writes execution and access logs of every API of this account and region",
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
        });
        Role.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        Account = new CfnAccount(this, "Account", new CfnAccountProps { CloudWatchRoleArn = Role.RoleArn });
        Account.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        Account.Node.AddDependency(Role);
    }

    /// <summary>
    /// Records that <paramref name="owner"/> sets the account's API Gateway logging role, and rejects a
    /// second owner in the same app for the same account and region (environment-agnostic stacks count
    /// as one account: they deploy with the same credentials).
    /// </summary>
    internal static void ClaimOwnership(Construct owner, string propsType, string property)
    {
        var key = AppRegistry.AccountRegionOf(owner);
        const string registry = "ApiGatewayAccount";
        var first = AppRegistry.Entries(owner, registry).Select(e => e.Split(" :: ")).FirstOrDefault(e => e[0] == key);
        if (first is not null)
            throw new InvalidPropException(owner.Node.Path, $"{propsType}.{property}", true,
                $"one owner per account and region of the API Gateway logging role (AWS::ApiGateway::Account: a second one overwrites the first); " +
                $"{first[1]} already sets it for {key}. Create one ApiGatewayAccountLogging in a long-lived stack " +
                "and set CanaryRestApiProps.CreateCloudWatchRole = false everywhere else");
        AppRegistry.Claim(owner, registry, key + " :: " + owner.Node.Path);
    }
}
