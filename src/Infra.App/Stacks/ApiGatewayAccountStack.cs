using Amazon.CDK;
using Constructs;
using Infra.Constructs.Serverless;

namespace Infra.App.Stacks;

/// <summary>
/// The one owner of the account's API Gateway logging role (<c>AWS::ApiGateway::Account</c>) for the
/// environments that share an account and region: a small, long-lived stack that every API stack of
/// those environments depends on, so deleting one environment never takes the others' logging with it
/// (docs/api-canary.md).
/// </summary>
public sealed class ApiGatewayAccountStack : Stack
{
    /// <summary>Stack name for environments without an explicit account and region (the deploying ones).</summary>
    public const string DefaultId = "ApiGateway-Account";

    /// <summary>The account setting and its role.</summary>
    public ApiGatewayAccountLogging Logging { get; }

    /// <summary>Creates the stack.</summary>
    public ApiGatewayAccountStack(Construct scope, string id, IStackProps props) : base(scope, id, props)
    {
        // Construct id "Api": the role's logical id starts with ApiCloudWatchRole, as the CDK's own, whose
        // validator acknowledgement (AwsSolutions-IAM4, the AWS-managed push policy) it shares.
        Logging = new ApiGatewayAccountLogging(this, "Api");
    }

    /// <summary>Stack name for an account and region: <see cref="DefaultId"/> when neither is pinned.</summary>
    public static string IdFor(string? account, string? region) =>
        account is null && region is null ? DefaultId : $"{DefaultId}-{account ?? "any"}-{region ?? "any"}";
}
