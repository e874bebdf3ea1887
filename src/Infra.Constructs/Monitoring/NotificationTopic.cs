using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// The notification topic of one environment: an SNS topic encrypted with a customer managed KMS
/// key, whose policy denies publishing without TLS and lets CloudWatch alarms of this account
/// publish, with e-mail and HTTPS subscriptions from configuration. Every alarm of the environment
/// and every Auto Scaling group notifies it.
/// </summary>
public sealed partial class NotificationTopic : Construct
{
    /// <summary>The topic.</summary>
    public ITopic Topic { get; }

    /// <summary>The key encrypting the topic; pass it as <c>FleetLogging.EncryptionKey</c> so the fleets' log groups share it.</summary>
    public IKey Key { get; }

    /// <summary>The alarm action that notifies this topic.</summary>
    public IAlarmAction AlarmAction { get; }

    /// <summary>Creates the key (unless given), the topic, its policy and the subscriptions.</summary>
    public NotificationTopic(Construct scope, string id, NotificationTopicProps? props = null) : base(scope, id)
    {
        props ??= new NotificationTopicProps();
        var check = new PropChecks(this, nameof(NotificationTopicProps));
        var subscriptions = props.Subscriptions ?? [];
        AlarmSubscription.Validate(check, nameof(props.Subscriptions), subscriptions);
        var displayName = props.DisplayName ?? Node.Path.Replace('/', ' ');
        if (displayName.Length > 100) displayName = displayName[^100..].TrimStart();
        check.Matches(nameof(props.DisplayName), displayName, DisplayNamePattern(), "1-100 characters without line breaks");
        check.ThrowIfAny();

        Key = props.Key ?? MonitoringKeys.Create(this, "Key", $"Encrypts the notification topic and logs of {Node.Path}");
        var topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = displayName,
            MasterKey = Key,
            EnforceSSL = true,
        });
        // The topic policy replaces SNS's default one: name the one service that publishes through it.
        topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchAlarmsOfThisAccount",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Aws.ACCOUNT_ID },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = $"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:*" },
            },
        }));
        foreach (var s in subscriptions)
        {
            topic.AddSubscription(s.Protocol == SubscriptionProtocol.Email
                ? new EmailSubscription(s.Endpoint)
                : new UrlSubscription(s.Endpoint, new UrlSubscriptionProps { Protocol = Amazon.CDK.AWS.SNS.SubscriptionProtocol.HTTPS }));
        }
        Topic = topic;
        AlarmAction = new SnsAction(topic);
    }

    /// <summary>Makes <paramref name="alarm"/> notify the topic when it goes into ALARM and back to OK.</summary>
    public void Notify(AlarmBase alarm)
    {
        alarm.AddAlarmAction(AlarmAction);
        alarm.AddOkAction(AlarmAction);
    }

    [GeneratedRegex(@"^[^\r\n]{1,100}$")]
    private static partial Regex DisplayNamePattern();
}
