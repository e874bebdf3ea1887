using Amazon.CDK.AWS.S3;

namespace Infra.Constructs.Storage;

/// <summary>S3 event delivery shared by the library's buckets.</summary>
public static class BucketEvents
{
    /// <summary>
    /// Sends the bucket's object events to Amazon EventBridge, written directly on the
    /// CloudFormation bucket (the L2 <c>EventBridgeEnabled</c> adds a Lambda-backed custom resource).
    /// </summary>
    public static void SendToEventBridge(IBucket bucket)
    {
        var cfn = (CfnBucket)bucket.Node.DefaultChild!;
        cfn.NotificationConfiguration = new CfnBucket.NotificationConfigurationProperty
        {
            EventBridgeConfiguration = new CfnBucket.EventBridgeConfigurationProperty { EventBridgeEnabled = true },
        };
    }
}
