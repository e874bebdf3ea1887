using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Defaults;

/// <summary>Defaults for <see cref="Serverless.CanaryRestApi"/>, in one place.</summary>
public static class ApiGatewayDefaults
{
    /// <summary>Name of the one stage that serves the API (and carries the canary).</summary>
    public const string StageName = "live";
    /// <summary>Stage variable that holds the ARN of the Lambda alias or version the integration calls.</summary>
    public const string BackendVariable = "lambdaFunction";
    /// <summary>Steady-state requests per second for the whole stage (token bucket rate).</summary>
    public const double ThrottlingRateLimit = 100;
    /// <summary>Burst of requests the stage accepts above the rate (token bucket size).</summary>
    public const int ThrottlingBurstLimit = 200;
    /// <summary>Seconds a cached response is served, when the stage cache is on.</summary>
    public const int CacheTtlSeconds = 300;
    /// <summary>How long access and execution logs are kept (a year: Control Tower CT.CLOUDWATCH.PR.2).</summary>
    public const RetentionDays LogRetention = RetentionDays.ONE_YEAR;
    /// <summary>Execution logs at INFO: each request's integration call and errors (data tracing stays off).</summary>
    public const Amazon.CDK.AWS.APIGateway.MethodLoggingLevel ExecutionLogLevel = Amazon.CDK.AWS.APIGateway.MethodLoggingLevel.INFO;
    /// <summary>Account-wide limit of API Gateway's steady-state rate (requests per second, per region).</summary>
    public const double MaxThrottlingRateLimit = 10000;
    /// <summary>Account-wide limit of API Gateway's burst (requests, per region).</summary>
    public const int MaxThrottlingBurstLimit = 5000;
}
