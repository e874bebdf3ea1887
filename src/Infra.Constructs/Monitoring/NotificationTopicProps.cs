using Amazon.CDK.AWS.KMS;

namespace Infra.Constructs.Monitoring;

/// <summary>Props for <see cref="NotificationTopic"/>.</summary>
public sealed record NotificationTopicProps
{
    /// <summary>Who is told: e-mail addresses and HTTPS endpoints. Default: none (subscribe later in the console or with another stack).</summary>
    public IReadOnlyList<AlarmSubscription>? Subscriptions { get; init; }

    /// <summary>Name shown as the sender of e-mails (1-100 characters). Default: the construct path.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Key that encrypts the topic; its policy must let CloudWatch alarms and Auto Scaling use it (see <see cref="MonitoringKeys"/>). Default: a new key from <see cref="MonitoringKeys.Create"/>.</summary>
    public IKey? Key { get; init; }
}
