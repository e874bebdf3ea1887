using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Constructs;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// The KMS key of an environment's monitoring: it encrypts the notification topic and the fleets'
/// log groups. Its policy lets exactly the services that write to them use it: CloudWatch alarms
/// and Auto Scaling notifications (publishing to the encrypted topic) and CloudWatch Logs (for log
/// groups of this account and region only). The account keeps administration through IAM, as with
/// every CDK key.
/// </summary>
public static class MonitoringKeys
{
    /// <summary>A customer managed key with yearly rotation, kept on stack deletion (logs encrypted with it outlive the stack).</summary>
    /// <param name="scope">Scope of the key.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="description">Key description.</param>
    /// <param name="forTopic">Also let alarms and Auto Scaling publish to a topic encrypted with it; false for a key of log groups only.</param>
    public static Key Create(Construct scope, string id, string description, bool forTopic = true)
    {
        var key = new Key(scope, id, new KeyProps
        {
            Description = description,
            EnableKeyRotation = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        if (forTopic) AllowAlarmsAndNotifications(key);
        AllowCloudWatchLogs(key);
        // SNS and CloudWatch Logs use the key directly; grants only ever for AWS services (Control Tower CT.KMS.PR.3).
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "GrantsOnlyForAwsServices",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["kms:CreateGrant"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["BoolIfExists"] = new Dictionary<string, object> { ["kms:GrantIsForAWSResource"] = "false", ["aws:PrincipalIsAWSService"] = "false" },
            },
        }));
        return key;
    }

    /// <summary>
    /// Lets CloudWatch alarms and the Auto Scaling service-linked role publish to a topic
    /// encrypted with <paramref name="key"/>. The role is named by condition, not as principal,
    /// so the policy is valid in accounts where Auto Scaling has not created it yet.
    /// </summary>
    public static void AllowAlarmsAndNotifications(IKey key)
    {
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchAlarmsPublishToEncryptedTopic",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AutoScalingNotificationsToEncryptedTopic",
            Principals = [new AnyPrincipal()],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:PrincipalAccount"] = Aws.ACCOUNT_ID },
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["aws:PrincipalArn"] = $"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*",
                },
            },
        }));
    }

    /// <summary>Lets CloudWatch Logs encrypt log groups of this account and region with <paramref name="key"/>.</summary>
    public static void AllowCloudWatchLogs(IKey key)
    {
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchLogsEncryptLogGroups",
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
}
