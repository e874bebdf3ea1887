namespace Infra.Constructs.Defaults;

/// <summary>Defaults for <see cref="LoadBalancing.WebLoadBalancer"/>, in one place.</summary>
public static class LoadBalancerDefaults
{
    /// <summary>Access logs kept 90 days: long enough for an incident review, short enough to stay cheap.</summary>
    public const int AccessLogRetentionDays = 90;
    /// <summary>The load balancer's idle timeout, as AWS's default.</summary>
    public const int IdleTimeoutSeconds = 60;
}
