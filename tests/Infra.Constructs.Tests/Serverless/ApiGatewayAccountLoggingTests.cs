using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.Lambda;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>
/// The account's API Gateway logging setting has one owner per account and region
/// (AWS::ApiGateway::Account: "only one ... per region per account"): a construct of its own that
/// keeps its role and setting when its stack goes, and a synth-time error for a second owner.
/// </summary>
public sealed class ApiGatewayAccountLoggingTests
{
    private static App NewApp() => new(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false });

    private static CanaryRestApiProps Props(Stack stack, bool? createRole) => new()
    {
        Backends = new Dictionary<string, IFunction>
        {
            ["original"] = Function.FromFunctionArn(stack, "Original", "arn:aws:lambda:eu-west-1:123456789012:function:sample-original:live"),
        },
        StableBackend = "original",
        CreateCloudWatchRole = createRole,
        Authorization = ApiAuthorization.Public,
    };

    [Fact]
    public void Creates_the_role_and_the_setting_and_retains_both()
    {
        var app = NewApp();
        var stack = new Stack(app, "Shared");
        _ = new ApiGatewayAccountLogging(stack, "Api");
        var t = Template.FromStack(stack);
        t.ResourceCountIs("AWS::ApiGateway::Account", 1);
        t.HasResource("AWS::ApiGateway::Account", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain", ["UpdateReplacePolicy"] = "Retain" });
        t.HasResource("AWS::IAM::Role", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["AssumeRolePolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Statement"] = new object[] { Match.ObjectLike(new Dictionary<string, object> { ["Principal"] = new Dictionary<string, object> { ["Service"] = "apigateway.amazonaws.com" } }) },
                }),
            }),
        });
    }

    [Fact]
    public void An_api_that_leaves_the_setting_to_the_shared_owner_creates_none()
    {
        var app = NewApp();
        _ = new ApiGatewayAccountLogging(new Stack(app, "Shared"), "Api");
        var apiStack = new Stack(app, "Dev-Api");
        _ = new CanaryRestApi(apiStack, "Api", Props(apiStack, false));
        Template.FromStack(apiStack).ResourceCountIs("AWS::ApiGateway::Account", 0);
    }

    [Fact]
    public void A_single_api_owns_the_setting_by_default()
    {
        var stack = new Stack(NewApp(), "Solo");
        _ = new CanaryRestApi(stack, "Api", Props(stack, null));
        Template.FromStack(stack).ResourceCountIs("AWS::ApiGateway::Account", 1);
    }

    [Fact]
    public void A_second_owner_for_the_same_account_and_region_is_rejected_naming_the_first()
    {
        var app = NewApp();
        var dev = new Stack(app, "Dev-Api");
        _ = new CanaryRestApi(dev, "Api", Props(dev, null));
        var prod = new Stack(app, "Prod-Api");
        var error = ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(prod, "Api", Props(prod, null)), "Prod-Api/Api", "CanaryRestApiProps.CreateCloudWatchRole");
        error.Allowed.Should().Contain("Dev-Api/Api already sets it").And.Contain("one owner per account and region");
    }

    [Fact]
    public void The_shared_construct_and_a_default_api_in_the_same_account_are_two_owners()
    {
        var app = NewApp();
        _ = new ApiGatewayAccountLogging(new Stack(app, "Shared"), "Api");
        var api = new Stack(app, "Dev-Api");
        ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(api, "Api", Props(api, null)), "Dev-Api/Api", "CanaryRestApiProps.CreateCloudWatchRole")
            .Allowed.Should().Contain("Shared/Api");
    }

    [Fact]
    public void Owners_in_different_regions_are_allowed()
    {
        var app = NewApp();
        var ireland = new Stack(app, "Ireland", new StackProps { Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "eu-west-1" } });
        var frankfurt = new Stack(app, "Frankfurt", new StackProps { Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "eu-central-1" } });
        _ = new ApiGatewayAccountLogging(ireland, "Api");
        var act = () => new ApiGatewayAccountLogging(frankfurt, "Api");
        act.Should().NotThrow();
    }
}
