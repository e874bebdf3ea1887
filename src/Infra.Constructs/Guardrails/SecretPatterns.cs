using System.Text.RegularExpressions;

namespace Infra.Constructs.Guardrails;

/// <summary>
/// What a secret looks like when it is about to be written into a template. Deliberately narrow
/// (few false alarms), and never keyed on AWS's documented example values: a random key is caught.
/// </summary>
public static partial class SecretPatterns
{
    /// <summary>One kind of secret and the text that matched, redacted for messages.</summary>
    public sealed record Match(string Kind, string Redacted);

    /// <summary>Finds secret-looking text in a string leaf of a template value.</summary>
    public static IEnumerable<Match> Scan(string text)
    {
        foreach (System.Text.RegularExpressions.Match m in AccessKeyId().Matches(text))
            yield return new Match("AWS access key id", Redact(m.Value));
        foreach (System.Text.RegularExpressions.Match m in SecretAccessKey().Matches(text))
            yield return new Match("AWS secret access key", Redact(m.Groups["value"].Value));
        if (PrivateKeyBlock().IsMatch(text))
            yield return new Match("private key block", "-----BEGIN … PRIVATE KEY-----");
        foreach (System.Text.RegularExpressions.Match m in PasswordAssignment().Matches(text))
        {
            var value = m.Groups["value"].Value;
            if (!ReferenceName().IsMatch(m.Groups["name"].Value) && !LooksLikeReference(value) && LooksLikeSecretValue(value))
                yield return new Match($"password-like value of {m.Groups["name"].Value}", Redact(value));
        }
    }

    /// <summary>
    /// True for a name that announces a secret (PASSWORD, DB_PASS, API_TOKEN, ...), but not for names of
    /// references to one (..._ARN, ..._NAME, ..._ID), nor for IAM condition keys (<c>service:key</c>, such as
    /// <c>token.actions.githubusercontent.com:sub</c>): those name request values a policy compares, never
    /// a secret, and no variable or parameter name contains a colon.
    /// </summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name) && !ReferenceName().IsMatch(name) && !name.Contains(':', StringComparison.Ordinal);

    /// <summary>
    /// A value that could be a password: at least 8 characters without spaces, mixing at least two
    /// of lower case, upper case, digits and symbols (so <c>required</c> or <c>disabled</c> are not).
    /// </summary>
    public static bool LooksLikeSecretValue(string value) =>
        value.Length >= 8 && !value.Any(char.IsWhiteSpace) &&
        new[] { value.Any(char.IsLower), value.Any(char.IsUpper), value.Any(char.IsDigit), value.Any(c => !char.IsLetterOrDigit(c)) }.Count(b => b) >= 2;

    /// <summary>Values that point at a secret rather than being one: ARNs, shell or CloudFormation references, placeholders.</summary>
    public static bool LooksLikeReference(string value) =>
        value.Length == 0 || value.StartsWith("arn:", StringComparison.Ordinal) || value.Contains("${", StringComparison.Ordinal) ||
        value.Contains("$(", StringComparison.Ordinal) || value.StartsWith('$') || value.StartsWith("{{resolve:", StringComparison.Ordinal) ||
        value.StartsWith('<');

    private static string Redact(string value) => value.Length <= 8 ? "****" : value[..4] + new string('*', Math.Min(12, value.Length - 4));

    [GeneratedRegex(@"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex(@"(?i)(aws_?secret_?access_?key|secret_?access_?key|SecretAccessKey)[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")]
    private static partial Regex SecretAccessKey();

    [GeneratedRegex(@"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----")]
    private static partial Regex PrivateKeyBlock();

    // NAME=value, NAME: value or \"NAME\":\"value\" (not IAM actions such as secretsmanager:GetSecretValue) where NAME says password/secret/token and is not a reference name.
    [GeneratedRegex(@"(?im)(?<![A-Za-z0-9_])(?<name>[A-Za-z0-9_]*(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)(?!_?(ARN|NAME|ID|FILE|PATH|URL|REF)\b)[A-Za-z0-9_]*)[""']?[ \t]*(=|:(?=[ \t""']))[ \t]*[""']?(?<value>[^\s""';]{8,})")]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"(?i)(PASSWORD|PASSWD|PASS$|_PASS_|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)(_?(ARN|NAME|ID|FILE|PATH|URL|REF))$")]
    private static partial Regex ReferenceName();
}
