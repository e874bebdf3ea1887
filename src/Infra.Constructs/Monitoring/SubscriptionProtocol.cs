namespace Infra.Constructs.Monitoring;

/// <summary>How a subscriber receives the notification topic's messages.</summary>
public enum SubscriptionProtocol
{
    /// <summary>An e-mail address; SNS sends a confirmation mail first.</summary>
    Email,
    /// <summary>An HTTPS endpoint (chat webhook, incident tool); SNS posts a confirmation request first.</summary>
    Https,
}
