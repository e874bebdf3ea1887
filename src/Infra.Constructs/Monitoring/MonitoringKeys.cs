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
    /// <summary>
    /// A key (rotation, retained, grants only for AWS resources: <see cref="Security.EncryptionKeys.Create"/>)
    /// that CloudWatch Logs may use, and, with <paramref name="forTopic"/>, CloudWatch alarms and Auto Scaling
    /// notifications publishing to an encrypted SNS topic.
    /// </summary>
    public static IKey Create(Construct scope, string id, string description, bool forTopic = true)
    {
        var key = Security.EncryptionKeys.Create(scope, id, description);
        if (forTopic) AllowAlarmsAndNotifications(key);
        Security.EncryptionKeys.AllowCloudWatchLogs(key);
        return key;
    }

    /// <summary>
    /// Lets CloudWatch alarms of this account and region (<c>aws:SourceAccount</c>, <c>aws:SourceArn</c>)
    /// and the Auto Scaling service-linked role publish to a topic encrypted with <paramref name="key"/>. The role is named by condition, not as principal,
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
            // Confused deputy: only on behalf of alarms of this account and region (docs/security.md).
            Conditions = Security.ServiceTrust.Conditions($"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:*"),
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

    /// <summary>Lets CloudWatch Logs use <paramref name="key"/> (see <see cref="Security.EncryptionKeys.AllowCloudWatchLogs"/>).</summary>
    public static void AllowCloudWatchLogs(IKey key) => Security.EncryptionKeys.AllowCloudWatchLogs(key);
}
