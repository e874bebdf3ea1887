namespace Infra.Constructs.Defaults;

/// <summary>Defaults for <see cref="LoadBalancing.WebLoadBalancer"/>, in one place.</summary>
public static class LoadBalancerDefaults
{
    /// <summary>Access logs kept 90 days: long enough for an incident review, short enough to stay cheap.</summary>
    public const int AccessLogRetentionDays = 90;
    /// <summary>The load balancer's idle timeout, as AWS's default.</summary>
    public const int IdleTimeoutSeconds = 60;
    /// <summary>Days a replaced access-log object version is kept (the bucket is versioned against overwrites).</summary>
    public const int AccessLogNoncurrentDays = 7;
    /// <summary>Days before an unfinished multipart upload is removed from a bucket of the library.</summary>
    public const int AbortIncompleteUploadDays = 7;
    /// <summary>The HTTPS listener's port.</summary>
    public const int HttpsPort = 443;
    /// <summary>The HTTP listener's port (redirects to HTTPS when a certificate is given).</summary>
    public const int HttpPort = 80;
}
