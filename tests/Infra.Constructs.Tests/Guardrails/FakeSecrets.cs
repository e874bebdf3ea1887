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
}
