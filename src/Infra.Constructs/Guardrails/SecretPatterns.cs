using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Infra.Constructs.Guardrails;

/// <summary>
/// What a secret looks like when it is about to be written into a template: the one place that lists
/// the patterns, the secret names and the name/value field pairs the guard judges (docs/secrets.md
/// lists them). Deliberately narrow (few false alarms), and never keyed on AWS's documented example
/// values: a random key is caught.
/// </summary>
public static partial class SecretPatterns
{
    /// <summary>One kind of secret and the text that matched, redacted for messages.</summary>
    public sealed record Match(string Kind, string Redacted)
    {
        /// <summary>The literal itself: used only to report each literal once, never printed (not public, so not in <c>ToString</c>).</summary>
        internal string Raw { get; init; } = "";

        // Where in the scanned text it was, to keep one match when two rules see the same characters.
        internal int Start { get; init; }
        internal int Length { get; init; }
    }

    /// <summary>
    /// Objects that carry a name in one field and its value in a sibling field: tags (<c>{Key, Value}</c>),
    /// ECS, Batch, App Runner and CodeBuild environment lists (<c>{Name, Value}</c>), Elastic Beanstalk
    /// option settings (<c>{OptionName, Value}</c>), nested-stack style <c>{ParameterKey, ParameterValue}</c>.
    /// The value is judged by the name, as a Lambda variable's is by its key.
    /// </summary>
    public static readonly IReadOnlyList<(string NameField, string ValueField)> NameValuePairs =
    [
        ("Key", "Value"), ("Name", "Value"), ("key", "value"), ("name", "value"), ("OptionName", "Value"), ("ParameterKey", "ParameterValue"),
    ];

    /// <summary>
    /// Values of a <see cref="NameValuePairs"/> entry whose <c>Type</c> says the value is the name of a
    /// secret elsewhere, not the secret (CodeBuild: <c>PARAMETER_STORE</c>, <c>SECRETS_MANAGER</c>).
    /// </summary>
    public static readonly IReadOnlySet<string> ReferenceValueTypes = new HashSet<string>(StringComparer.Ordinal) { "PARAMETER_STORE", "SECRETS_MANAGER" };

    /// <summary>The well-known token formats: kind and pattern (the whole match is the secret).</summary>
    private static readonly (string Kind, Regex Pattern)[] VendorTokens =
    [
        ("GitHub token", GitHubToken()),
        ("GitHub fine-grained token", GitHubPat()),
        ("GitLab token", GitLabToken()),
        ("Slack token", SlackToken()),
        ("Slack webhook URL", SlackWebhook()),
        ("Stripe secret key", StripeKey()),
        ("npm token", NpmToken()),
        ("PyPI token", PyPiToken()),
        ("Google API key", GoogleApiKey()),
        ("OpenAI or Anthropic API key", AiApiKey()),
        ("SendGrid API key", SendGridKey()),
        ("Shopify token", ShopifyToken()),
        ("HashiCorp Vault token", VaultToken()),
        ("DigitalOcean token", DigitalOceanToken()),
        ("JSON web token", JsonWebToken()),
    ];

    /// <summary>
    /// Finds secret-looking text in a string of a template (a leaf, or the text an intrinsic function
    /// builds). Base64 runs that decode to text (user data, cloud-init <c>encoding: b64</c> or
    /// <c>gz+b64</c> content, <c>echo ... | base64 -d</c>) are decoded and scanned too. Each secret once:
    /// where two rules match the same characters, the more specific rule's match is kept.
    /// </summary>
    public static IEnumerable<Match> Scan(string text) => Scan(text, 0);

    private static IEnumerable<Match> Scan(string text, int depth)
    {
        // The shortest text any rule can match (a://u:p@h) has 9 characters: skip shorter ones quickly.
        if (text.Length < 9) yield break;
        var found = new List<Match>();
        void Add(string kind, System.Text.RegularExpressions.Group g, string? redacted = null)
        {
            if (found.Any(f => g.Index < f.Start + f.Length && f.Start < g.Index + g.Length)) return;
            found.Add(new Match(kind, redacted ?? Redact(g.Value)) { Raw = g.Value, Start = g.Index, Length = g.Length });
        }

        // Most specific first.
        foreach (System.Text.RegularExpressions.Match m in PrivateKeyBlock().Matches(text))
            Add(m.Groups["pgp"].Success ? "PGP private key block" : "private key block", m, m.Groups["pgp"].Success ? "-----BEGIN PGP PRIVATE KEY BLOCK-----" : "-----BEGIN … PRIVATE KEY-----");
        foreach (System.Text.RegularExpressions.Match m in PuttyKey().Matches(text))
            Add("PuTTY private key", m, "PuTTY-User-Key-File-…");
        foreach (System.Text.RegularExpressions.Match m in AccessKeyId().Matches(text))
            Add("AWS access key id", m);
        var secretWord = text.AsSpan().ContainsAny(SecretWords);
        if (secretWord)
            foreach (System.Text.RegularExpressions.Match m in SecretAccessKey().Matches(text))
                Add("AWS secret access key", m.Groups["value"]);
        foreach (var (kind, pattern) in VendorTokens)
            foreach (System.Text.RegularExpressions.Match m in pattern.Matches(text))
                Add(kind, m);
        if (text.Contains("://", StringComparison.Ordinal))
            foreach (System.Text.RegularExpressions.Match m in UrlCredentials().Matches(text))
                if (!LooksLikeReference(m.Groups["value"].Value)) Add("password in a URL (scheme://user:password@host)", m.Groups["value"]);
        foreach (System.Text.RegularExpressions.Match m in AuthorizationHeader().Matches(text))
            if (!LooksLikeReference(m.Groups["value"].Value)) Add($"{m.Groups["scheme"].Value} credentials in an Authorization header", m.Groups["value"]);
        foreach (System.Text.RegularExpressions.Match m in BareBearer().Matches(text))
            if (!LooksLikeReference(m.Groups["value"].Value) && LooksLikeSecretValue(m.Groups["value"].Value)) Add("bearer token", m.Groups["value"]);
        if (text.AsSpan().ContainsAny(CommandWords))
            foreach (System.Text.RegularExpressions.Match m in CommandLineSecret().Matches(text))
                if (IsCommandLineValue(m.Groups["value"].Value)) Add($"password on a command line ({(m.Groups["cmd"].Success ? m.Groups["cmd"].Value + " " : "")}{m.Groups["opt"].Value})", m.Groups["value"]);
        if (text.Contains("--password-stdin", StringComparison.Ordinal))
            foreach (System.Text.RegularExpressions.Match m in PipedToPasswordStdin().Matches(text))
                if (IsCommandLineValue(m.Groups["value"].Value)) Add("literal piped to --password-stdin", m.Groups["value"]);
        if (secretWord)
            foreach (System.Text.RegularExpressions.Match m in PasswordAssignment().Matches(text))
            {
                var value = m.Groups["value"].Value;
                if (!ReferenceName().IsMatch(m.Groups["name"].Value) && !LooksLikeReference(value) && LooksLikeSecretValue(value))
                    Add($"password-like value of {m.Groups["name"].Value}", m.Groups["value"]);
            }
        foreach (var m in found) yield return m;

        if (depth >= 2) yield break;
        foreach (var decoded in DecodedBase64(text))
            foreach (var m in Scan(decoded, depth + 1))
                yield return m with { Kind = m.Kind + " (base64-encoded)", Start = 0, Length = 0 };
    }

    // Cheap prefilters: a rule runs only on text that holds a word it needs.
    private static readonly SearchValues<string> SecretWords = SearchValues.Create(
        ["pass", "pwd", "secret", "token", "apikey", "api_key", "private_key", "privatekey", "credential"], StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> CommandWords = SearchValues.Create(
        ["--", "mysql", "mariadb", "sshpass", "redis-cli", "curl", "wget", "openssl"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True for a name that announces a secret (PASSWORD, DB_PASS, PWD, API_TOKEN, CREDENTIALS, ...), but not for
    /// names of references to one (..._ARN, ..._NAME, ..._ID, ..._URL: a URL with a password is caught by its
    /// own pattern whatever its name), nor for IAM condition keys (<c>service:key</c>, such as
    /// <c>token.actions.githubusercontent.com:sub</c>): those name request values a policy compares, never
    /// a secret, and no variable or parameter name contains a colon. A CDK logical id's hash suffix
    /// (<c>DbPasswordArn1A2B3C4D</c>) is ignored.
    /// </summary>
    public static bool IsSecretName(string name)
    {
        var bare = CdkHash().Replace(name, "");
        return SecretName().IsMatch(bare) && !ReferenceName().IsMatch(bare) && !name.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>
    /// A value that could be a password: at least 8 characters without spaces, mixing at least two
    /// of lower case, upper case, digits and symbols (so <c>required</c> or <c>disabled</c> are not);
    /// not a file path (<c>/run/secrets/db</c>) nor a URL without a password (its own pattern sees those).
    /// </summary>
    public static bool LooksLikeSecretValue(string value) =>
        value.Length >= 8 && !value.Any(char.IsWhiteSpace) &&
        // An AWS secret access key (40 of A-Z a-z 0-9 / +) may start with '/' and so look like a path: its shape wins.
        (!PathOrPlainUrl().IsMatch(value) || AwsSecretKeyShape().IsMatch(value)) &&
        new[] { value.Any(char.IsLower), value.Any(char.IsUpper), value.Any(char.IsDigit), value.Any(c => !char.IsLetterOrDigit(c)) }.Count(b => b) >= 2;

    /// <summary>
    /// Values that point at a secret rather than being one: ARNs, shell or CloudFormation references
    /// (<c>${...}</c>, <c>$VAR</c>, <c>$(...)</c>), dynamic references (<c>{{resolve:...}}</c>), unresolved CDK
    /// tokens (<c>${Token[...]}</c>, <c>#{Token[...]}</c>) and placeholders (<c>&lt;password&gt;</c>).
    /// </summary>
    public static bool LooksLikeReference(string value) =>
        value.Length == 0 || value.StartsWith("arn:", StringComparison.Ordinal) || value.Contains("${", StringComparison.Ordinal) ||
        value.Contains("$(", StringComparison.Ordinal) || value.StartsWith('$') || value.StartsWith("{{resolve:", StringComparison.Ordinal) ||
        value.Contains("Token[", StringComparison.Ordinal) || value.StartsWith('<');

    /// <summary>Redacts a value for messages: its first 4 characters when it is longer than 8, then stars.</summary>
    internal static string Redact(string value) => value.Length <= 8 ? "****" : value[..4] + new string('*', Math.Min(12, value.Length - 4));

    // A value given on a command line: a literal of 4+ characters, not a reference, another flag, or stdin.
    private static bool IsCommandLineValue(string value) =>
        value.Length >= 4 && !LooksLikeReference(value) && !value.StartsWith('-') && value is not ("stdin" or "prompt");

    /// <summary>Base64 runs of the text that decode (or gunzip) to readable text.</summary>
    private static IEnumerable<string> DecodedBase64(string text)
    {
        if (text.Length < 16) yield break;
        // Consecutive lines that are wholly base64 are one wrapped block (base64 -w 76, PEM-like bodies);
        // any other run stands alone.
        var blocks = new List<List<string>>();
        var previousEnd = -1;
        foreach (System.Text.RegularExpressions.Match r in Base64Run().Matches(text))
        {
            var end = r.Index + r.Length;
            var wholeLine = (r.Index == 0 || text[r.Index - 1] == '\n') && (end == text.Length || text[end] is '\n' or '\r');
            if (wholeLine && previousEnd >= 0 && text.AsSpan(previousEnd, r.Index - previousEnd).Trim().IsEmpty) blocks[^1].Add(r.Value);
            else blocks.Add([r.Value]);
            previousEnd = wholeLine ? end : -1;
        }
        foreach (var block in blocks)
        {
            if (TryDecodeText(string.Concat(block), out var decoded)) yield return decoded;
            else if (block.Count > 1)
                foreach (var run in block)
                    if (TryDecodeText(run, out var part)) yield return part;
        }
    }

    private static bool TryDecodeText(string run, out string decoded)
    {
        decoded = "";
        // Base64 of ASCII text starts every 4-character group with A-Z or a-f (a byte below 0x80; some
        // non-ASCII text is allowed); gzip starts with H4sI. Identifiers and hashes mostly fail this at once.
        if (!run.StartsWith("H4sI", StringComparison.Ordinal))
        {
            var groups = (run.Length + 3) / 4;
            var high = 0;
            for (var i = 0; i < run.Length; i += 4)
                if (run[i] is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'f') or '=') && ++high > groups / 8) return false;
        }
        var s = run.TrimEnd('=');
        if (s.Length % 4 == 1) return false;
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        var bytes = new byte[s.Length / 4 * 3];
        if (!Convert.TryFromBase64String(s, bytes, out var n)) return false;
        var data = bytes.AsSpan(0, n);
        if (n > 2 && data[0] == 0x1f && data[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(bytes, 0, n), CompressionMode.Decompress);
                using var output = new MemoryStream();
                var buffer = new byte[8192];
                int read;
                while ((read = gz.Read(buffer)) > 0 && output.Length < 1 << 20) output.Write(buffer, 0, read);
                return IsText(output.ToArray(), out decoded);
            }
            catch (InvalidDataException) { return false; }
        }
        return IsText(data.ToArray(), out decoded);
    }

    // Valid UTF-8 with at most 2 % control characters (other than tab and line ends): random bytes are not.
    private static bool IsText(byte[] bytes, out string text)
    {
        text = "";
        // Checked without an exception: most runs are identifiers or hashes that decode to random bytes.
        if (bytes.Length < 8 || !System.Text.Unicode.Utf8.IsValid(bytes)) return false;
        text = Encoding.UTF8.GetString(bytes);
        var control = text.Count(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));
        return text.Length >= 8 && control <= text.Length / 50;
    }

    [GeneratedRegex(@"[A-Za-z0-9+/]{16,}={0,2}")]
    private static partial Regex Base64Run();

    [GeneratedRegex(@"[0-9A-F]{8}$")]
    private static partial Regex CdkHash();

    [GeneratedRegex(@"^(?:(?:/|\./|~/)[A-Za-z0-9_.@%+/-]*|[A-Za-z][A-Za-z0-9+.-]*://[^\s@/]*(?:[/?#][^\s]*)?)$")]
    private static partial Regex PathOrPlainUrl();

    [GeneratedRegex(@"^(?=.*[0-9+/])(?=.*[A-Z])(?=.*[a-z])[A-Za-z0-9/+]{40}$")]
    private static partial Regex AwsSecretKeyShape();

    [GeneratedRegex(@"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex(@"(?i)(aws_?secret_?access_?key|secret_?access_?key|SecretAccessKey)[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")]
    private static partial Regex SecretAccessKey();

    // PEM (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8 ...) and OpenPGP armored private keys.
    [GeneratedRegex(@"-----BEGIN (?:(?<pgp>PGP PRIVATE KEY BLOCK)|(?:[A-Z0-9]+ )*PRIVATE KEY)-----")]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"PuTTY-User-Key-File-[0-9]+:")]
    private static partial Regex PuttyKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}(?![A-Za-z0-9])")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}")]
    private static partial Regex GitHubPat();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,}|(?<![A-Za-z0-9_])xapp-[0-9]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}")]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")]
    private static partial Regex NpmToken();

    [GeneratedRegex(@"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}")]
    private static partial Regex PyPiToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])")]
    private static partial Regex GoogleApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])sk-(?:proj-|ant-(?:api|admin)[0-9]{2}-|svcacct-)[A-Za-z0-9_-]{20,}")]
    private static partial Regex AiApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")]
    private static partial Regex SendGridKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}")]
    private static partial Regex ShopifyToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])hv[sb]\.[A-Za-z0-9_-]{24,}")]
    private static partial Regex VaultToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])do[pro]_v1_[a-f0-9]{64}")]
    private static partial Regex DigitalOceanToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")]
    private static partial Regex JsonWebToken();

    // scheme://user:password@host: the password, whatever the variable's name (DATABASE_URL included).
    [GeneratedRegex(@"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@'""]*:(?<value>[^\s/@'""]+)@[^\s/@'""]")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?i)\bAuthorization[""']?\s*[:=]\s*[""']?(?<scheme>Bearer|Basic|Token|Bot)\s+(?<value>[A-Za-z0-9._~+/=-]{8,})")]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])Bearer\s+(?<value>[A-Za-z0-9._~+/=-]{16,})")]
    private static partial Regex BareBearer();

    // --password x, --password=x, --db-password x, --token x, --secret-string x (not --password-stdin,
    // --password-file, --secret-id, --no-password); mysql/mariadb -pX; sshpass -p X; redis-cli -a X;
    // curl/wget -u user:pass; openssl -pass pass:X.
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?<opt>--(?!no-)(?:[A-Za-z0-9]+-)*(?i:password|passwd|passphrase|pass|token|secret|secret-string|secret-binary|api-key|apikey|secret-key|access-key|client-secret))(?:=|[ \t]+)[""']?(?<value>[^\s""']+)" +
        @"|(?<![^\s;&|(])(?<cmd>(?i:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump))[ \t][^\n|;&]*?(?<=[ \t])(?<opt>-p)(?<value>[^\s""'|;&]+)" +
        @"|(?<![^\s;&|(/])(?<cmd>sshpass)[ \t]+(?<opt>-p)[ \t]*[""']?(?<value>[^\s""']+)" +
        @"|(?<![^\s;&|(/])(?<cmd>redis-cli)[ \t][^\n|;&]*?(?<=[ \t])(?<opt>-a)[ \t]+[""']?(?<value>[^\s""']+)" +
        @"|(?<![^\s;&|(/])(?<cmd>curl|wget)[ \t][^\n|;&]*?(?<=[ \t])(?:(?<opt>-u)[ \t]*|(?<opt>--user|--proxy-user)(?:=|[ \t]+))[""']?[^\s:""'@-][^\s:""'@]*:(?<value>[^\s""'@]+)" +
        @"|(?<![^\s;&|(/])(?<cmd>openssl)[ \t][^\n|;&]*?(?<=[ \t])(?<opt>-pass(?:in|out)?)[ \t]+[""']?pass:(?<value>[^\s""']+)")]
    private static partial Regex CommandLineSecret();

    // echo 'literal' | docker login --password-stdin
    [GeneratedRegex(@"\b(?:echo|printf)[ \t]+(?:-n[ \t]+)?[""']?(?<value>[^\s""'|]+)[""']?[ \t]*\|[^\n]*--password-stdin")]
    private static partial Regex PipedToPasswordStdin();

    // NAME=value, NAME: value or \"NAME\":\"value\" (not IAM actions such as secretsmanager:GetSecretValue) where NAME says password/secret/token and is not a reference name.
    [GeneratedRegex(@"(?im)(?<![A-Za-z0-9_-])(?<name>[A-Za-z0-9_-]*(PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?![_-]?(ARN|NAME|ID|FILE|PATH|URL|REF)\b)[A-Za-z0-9_-]*)[""']?[ \t]*(=|:(?=[ \t""']))[ \t]*[""']?(?<value>[^\s""';]{8,})")]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"(?i)(PASSWORD|PASSWD|PASSPHRASE|PASS$|_PASS_|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)([_-]?(ARN|NAME|ID|FILE|PATH|URL|REF))$")]
    private static partial Regex ReferenceName();
}
