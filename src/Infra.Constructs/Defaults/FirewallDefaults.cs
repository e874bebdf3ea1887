namespace Infra.Constructs.Defaults;

/// <summary>Defaults for the library's web ACL (<see cref="Security.ManagedRulesWebAcl"/>), in one place.</summary>
public static class FirewallDefaults
{
    /// <summary>
    /// Requests one client IP address may send in five minutes before the web ACL's rate-based rule
    /// blocks it (until its rate falls below the limit again): 2000, about 6.7 requests a second, well
    /// above what one browser or one API client needs, well below a flood. Clients behind one NAT or
    /// proxy share an address: raise it with <c>FirewallRateLimit</c> where many users arrive from one
    /// network.
    /// </summary>
    public const int RateLimitPer5Minutes = 2000;

    /// <summary>Smallest limit WAF accepts for a rate-based rule.</summary>
    public const int MinRateLimit = 10;

    /// <summary>Largest limit WAF accepts for a rate-based rule.</summary>
    public const int MaxRateLimit = 2_000_000_000;

    /// <summary>Request headers whose values WAF logs show as <c>REDACTED</c>: credentials and session tokens.</summary>
    public static readonly IReadOnlyList<string> RedactedHeaders = ["authorization", "cookie"];
}
