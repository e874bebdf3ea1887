namespace Infra.Constructs.Defaults;

/// <summary>Defaults and limits for <see cref="Security.WebSecurityGroups"/>, in one place.</summary>
public static class SecurityDefaults
{
    /// <summary>
    /// Shortest IPv4 prefix an admin SSH network may have: a /16 is 65,536 addresses, a large office or VPN.
    /// Anything wider (two /1 blocks are the whole internet) is refused.
    /// </summary>
    public const int AdminSshMinPrefixIPv4 = 16;

    /// <summary>Shortest IPv6 prefix an admin SSH network may have: a /48 is one site's allocation.</summary>
    public const int AdminSshMinPrefixIPv6 = 48;
}
