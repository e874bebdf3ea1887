using System.Text.RegularExpressions;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Monitoring;

/// <summary>A subscriber of the notification topic: an e-mail address or an HTTPS endpoint.</summary>
public sealed partial record AlarmSubscription(SubscriptionProtocol Protocol, string Endpoint)
{
    /// <summary>An e-mail subscriber, e.g. <c>ops@example.com</c>.</summary>
    public static AlarmSubscription Email(string address) => new(SubscriptionProtocol.Email, address);

    /// <summary>An HTTPS subscriber, e.g. <c>https://alerts.example.com/hooks/prod</c>.</summary>
    public static AlarmSubscription Https(string url) => new(SubscriptionProtocol.Https, url);

    /// <summary>
    /// Checks every subscription; collects an <see cref="InvalidPropException"/> in <paramref name="check"/> for
    /// each <c>{property}[i]</c>, naming the rejected endpoint.
    /// </summary>
    public static void Validate(PropChecks check, string property, IReadOnlyList<AlarmSubscription> subscriptions)
    {
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var s = subscriptions[i];
            if (s is null)
            {
                check.Reject($"{property}[{i}]", null, "a subscription (AlarmSubscription.Email or AlarmSubscription.Https)");
                continue;
            }
            var name = $"{property}[{i}].{nameof(Endpoint)}";
            switch (s.Protocol)
            {
                case SubscriptionProtocol.Email:
                    if (string.IsNullOrWhiteSpace(s.Endpoint) || s.Endpoint.Length > 254 || !EmailPattern().IsMatch(s.Endpoint))
                        check.Reject(name, s.Endpoint, "an e-mail address such as ops@example.com (one address, no display name, at most 254 characters)");
                    break;
                case SubscriptionProtocol.Https:
                    if (!IsHttpsUrl(s.Endpoint))
                        check.Reject(name, s.Endpoint, "an absolute https:// URL with a host, such as https://alerts.example.com/hooks/prod (no user or password in the URL: SNS keeps it in the template)");
                    break;
                default:
                    check.Reject($"{property}[{i}].{nameof(Protocol)}", s.Protocol, "Email or Https");
                    break;
            }
        }
        var duplicates = subscriptions.Where(s => s?.Endpoint is not null).GroupBy(s => (s.Protocol, s.Endpoint.ToLowerInvariant())).Where(g => g.Count() > 1).Select(g => g.First().Endpoint).ToList();
        if (duplicates.Count > 0)
            check.Reject(property, duplicates, "each endpoint once (SNS keeps one subscription per endpoint)");
    }

    private static bool IsHttpsUrl(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && text.Length <= 2048
        && !text.Any(char.IsWhiteSpace)
        && Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && text.StartsWith("https://", StringComparison.Ordinal)
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo);

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.[A-Za-z]{2,63}$")]
    private static partial Regex EmailPattern();
}
