using System.Security.Cryptography;

namespace Infra.Constructs.Tests.Guardrails;

/// <summary>
/// Secret-shaped values built at run time from random bytes: nothing secret-looking is ever
/// committed, and nothing relies on AWS's documented example key (scanners may allow-list it).
/// </summary>
public static class FakeSecrets
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static string Random(string alphabet, int length) =>
        new(Enumerable.Range(0, length).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());

    /// <summary>An access key id: the 4-letter prefix and 16 random characters.</summary>
    public static string AccessKeyId() => string.Concat("AK", "IA") + Random(Upper, 16);

    /// <summary>A 40-character secret access key.</summary>
    public static string SecretAccessKey() => Random(Base64Chars, 40);

    /// <summary>A PEM private key block of random bytes.</summary>
    public static string PrivateKeyBlock()
    {
        var dashes = new string('-', 5);
        var label = string.Join(' ', "RSA", "PRIVATE", "KEY");
        return $"{dashes}BEGIN {label}{dashes}\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(96))}\n{dashes}END {label}{dashes}";
    }

    /// <summary>A password with mixed characters.</summary>
    public static string Password() => "Pw" + Random(Base64Chars, 14) + "9!";

    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A password of letters and digits only (fits in a URL or on a command line unquoted).</summary>
    public static string PlainPassword() => "Pw" + Random(Alnum, 14) + "9";

    /// <summary>An OpenPGP armored private key block of random bytes.</summary>
    public static string PgpPrivateKeyBlock()
    {
        var dashes = new string('-', 5);
        var label = string.Join(' ', "PGP", "PRIVATE", "KEY", "BLOCK");
        return $"{dashes}BEGIN {label}{dashes}\n\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(96))}\n{dashes}END {label}{dashes}";
    }

    /// <summary>Well-known vendor token formats, each a prefix (assembled here, never written whole) and random characters.</summary>
    public static IReadOnlyDictionary<string, string> VendorTokens() => new Dictionary<string, string>
    {
        ["GitHub token"] = string.Concat("gh", "p_") + Random(Alnum, 36),
        ["GitHub fine-grained token"] = string.Concat("github", "_pat_") + Random(Alnum, 22) + "_" + Random(Alnum, 59),
        ["GitLab token"] = string.Concat("gl", "pat-") + Random(Alnum, 20),
        ["Slack token"] = string.Concat("xo", "xb-") + Random("0123456789", 12) + "-" + Random("0123456789", 13) + "-" + Random(Alnum, 24),
        ["Slack webhook URL"] = string.Concat("https://hooks.", "slack.com/services/") + "T" + Random(Upper, 8) + "/B" + Random(Upper, 10) + "/" + Random(Alnum, 24),
        ["Stripe secret key"] = string.Concat("sk", "_live_") + Random(Alnum, 24),
        ["npm token"] = string.Concat("np", "m_") + Random(Alnum, 36),
        ["Google API key"] = string.Concat("AI", "za") + Random(Alnum, 35),
        ["HashiCorp Vault token"] = string.Concat("hv", "s.") + Random(Alnum, 24),
        ["JSON web token"] = string.Concat("ey", "J") + Random(Alnum, 20) + "." + string.Concat("ey", "J") + Random(Alnum, 30) + "." + Random(Alnum, 43),
    };

    /// <summary>An opaque bearer token.</summary>
    public static string BearerToken() => Random(Alnum, 40);
}
