using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Infra.Constructs.Validation;

/// <summary>A parsed CIDR block (IPv4 or IPv6) that can answer overlap and containment questions.</summary>
public readonly record struct Cidr(IPAddress Network, int PrefixLength)
{
    /// <summary>True for IPv4 blocks.</summary>
    public bool IsIPv4 => Network.AddressFamily == AddressFamily.InterNetwork;

    private int Bits => IsIPv4 ? 32 : 128;

    /// <summary>Number of addresses in the block.</summary>
    public BigInteger Size => BigInteger.One << (Bits - PrefixLength);

    /// <summary>True when the block is all addresses (0.0.0.0/0 or ::/0).</summary>
    public bool IsAnywhere => PrefixLength == 0;

    /// <summary>Parses a CIDR block, rejecting host bits set after the prefix.</summary>
    public static bool TryParse(string text, out Cidr cidr)
    {
        cidr = default;
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var ip)) return false;
        if (parts[0].Contains(':') != (ip.AddressFamily == AddressFamily.InterNetworkV6)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetwork && parts[0].Split('.').Length != 4) return false;
        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)) return false;
        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > bits) return false;
        var value = ToInteger(ip);
        var hostMask = (BigInteger.One << (bits - prefix)) - 1;
        if ((value & hostMask) != 0) return false;
        cidr = new Cidr(ip, prefix);
        return true;
    }

    /// <summary>True when the two blocks share any address.</summary>
    public bool Overlaps(Cidr other)
    {
        if (IsIPv4 != other.IsIPv4) return false;
        var a = ToInteger(Network); var b = ToInteger(other.Network);
        return a < b + other.Size && b < a + Size;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Network}/{PrefixLength}";

    private static BigInteger ToInteger(IPAddress ip) => new(ip.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}
