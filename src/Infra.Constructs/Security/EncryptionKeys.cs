using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Constructs;

namespace Infra.Constructs.Security;

/// <summary>
/// Customer-managed KMS keys as every construct of the library makes them: rotation on, retained on
/// stack deletion (data encrypted with a deleted key is lost), and grants only for AWS resources
/// (Control Tower CT.KMS.PR.3: no one can hand out a grant to an arbitrary principal).
/// </summary>
public static class EncryptionKeys
{
    /// <summary>Creates a key in <paramref name="scope"/>.</summary>
    public static IKey Create(Construct scope, string id, string description)
    {
        var key = new Key(scope, id, new KeyProps
        {
            Description = description,
            EnableKeyRotation = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "GrantsOnlyForAwsResources",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["kms:CreateGrant"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                // Both false: neither a grant for an AWS resource nor a call by an AWS service.
                ["BoolIfExists"] = new Dictionary<string, object>
                {
                    ["kms:GrantIsForAWSResource"] = "false",
                    ["aws:PrincipalIsAWSService"] = "false",
                },
            },
        }));
        return key;
    }

    /// <summary>
    /// A key for CloudWatch Logs log groups: CloudWatch Logs may use it only for log groups of this
    /// account and region (the encryption-context condition AWS documents).
    /// </summary>
    public static IKey ForLogs(Construct scope, string id, string description)
    {
        var key = Create(scope, id, "Encrypts CloudWatch Logs: " + description);
        AllowCloudWatchLogs(key);
        return key;
    }

    /// <summary>Lets CloudWatch Logs use <paramref name="key"/> for log groups of this account and region only.</summary>
    public static void AllowCloudWatchLogs(IKey key) =>
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchLogsOfThisAccountAndRegion",
            Principals = [new ServicePrincipal($"logs.{Aws.REGION}.amazonaws.com")],
            Actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:logs:arn"] = $"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:*",
                },
            },
        }));
}
