using System.Text.Json.Nodes;
using Amazon.CDK;
using Constructs;

namespace Infra.Constructs.Guardrails;

/// <summary>
/// A synthesis-time validation plugin that fails synthesis when a secret-looking literal would land
/// in a template: an AWS access key pair, a private key block, or a password-like value in user
/// data, environment variables, parameters or outputs. The CDK's validation report names the
/// construct path, the logical id and the property path; the secret itself is redacted.
/// Every construct of this library turns it on for its app (<see cref="EnsureOn"/>); add it to any
/// app with <c>Validations.Of(app).AddPlugins(new SecretLiteralGuard())</c>.
/// </summary>
public sealed partial class SecretLiteralGuard : Amazon.JSII.Runtime.Deputy.DeputyBase, IPolicyValidationPlugin
{
    /// <summary>Rule name used in reports.</summary>
    public const string RuleName = "no-secret-literals";

    /// <summary>Plugin name in the CDK's validation report.</summary>
    public const string PluginName = "infra-constructs-secret-literal-guard";

    private const string MarkerId = "InfraSecretLiteralGuard";

    /// <inheritdoc />
    public string Name => PluginName;

    /// <inheritdoc />
    public string? Version => typeof(SecretLiteralGuard).Assembly.GetName().Version?.ToString();

    /// <inheritdoc />
    public string[]? RuleIds => [RuleName];

    /// <summary>Registers the guard on the app (root) of <paramref name="scope"/> once.</summary>
    public static void EnsureOn(IConstruct scope)
    {
        // Every library construct calls this: remember the scopes and roots already guarded, which
        // saves up to four jsii round trips per construct (a construct's root never changes).
        if (Guarded.TryGetValue(scope, out _)) return;
        var root = scope.Node.Root;
        if (!Guarded.TryGetValue(root, out _))
        {
            if (root.Node.TryFindChild(MarkerId) is null)
            {
                _ = new Construct((Construct)root, MarkerId);
                Validations.Of(root).AddPlugins(new SecretLiteralGuard());
            }
            Guarded.AddOrUpdate(root, Seen);
        }
        Guarded.AddOrUpdate(scope, Seen);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IConstruct, object> Guarded = new();
    private static readonly object Seen = new();

    /// <inheritdoc />
    public IPolicyValidationPluginReport Validate(IPolicyValidationContext context)
    {
        var violations = new List<IPolicyViolation>();
        const string fix = "Keep the value in Secrets Manager or SSM SecureString and pass its ARN or name; the app reads it at run time.";
        var tagged = new List<(string Path, Finding Finding)>();
        foreach (var path in context.TemplatePaths)
        {
            foreach (var f in Scan(JsonNode.Parse(File.ReadAllText(path))!.AsObject()))
            {
                if (TagLocation().IsMatch(f.Location)) { tagged.Add((path, f)); continue; }
                violations.Add(new PolicyViolation
                {
                    RuleName = RuleName,
                    Severity = "error",
                    Description = $"Secret-looking literal ({f.Kind}, {f.Redacted}) at {f.Location}: it would be stored in clear in the template and in CloudFormation.",
                    Fix = fix,
                    ViolatingResources =
                    [
                        new PolicyViolatingResource { ResourceLogicalId = f.LogicalId, TemplatePath = path, Locations = [f.Location] },
                    ],
                });
            }
        }
        // A tag applied to a scope lands on every taggable resource under it: one finding per tag, naming
        // where it is applied, not one per resource.
        foreach (var group in tagged.GroupBy(t => (t.Finding.Kind, t.Finding.Redacted)))
        {
            var first = group.First();
            var stacks = group.Select(t => Path.GetFileName(t.Path).Replace(".template.json", "", StringComparison.Ordinal)).Distinct().ToList();
            violations.Add(new PolicyViolation
            {
                RuleName = RuleName,
                Severity = "error",
                Description = $"Secret-looking literal ({group.Key.Kind}, {group.Key.Redacted}) in a tag on {group.Count()} resource(s) of {string.Join(", ", stacks)}, " +
                    "the first shown (a tag added with Tags.Of(scope) reaches every resource under that scope): it would be stored in clear in the templates and in CloudFormation.",
                Fix = fix + " Remove the tag.",
                // One resource named: the CDK prints a block per violating resource, and one tag is one mistake.
                ViolatingResources = [new PolicyViolatingResource { ResourceLogicalId = first.Finding.LogicalId, TemplatePath = first.Path, Locations = [first.Finding.Location] }],
            });
        }
        return new PolicyValidationPluginReport { Success = violations.Count == 0, Violations = violations.ToArray() };
    }

    /// <summary>One finding: where, what kind, and the value redacted.</summary>
    public sealed record Finding(string LogicalId, string Location, string Kind, string Redacted);

    /// <summary>Scans a template's resources, parameters and outputs.</summary>
    public static IReadOnlyList<Finding> Scan(JsonObject template)
    {
        var findings = new List<Finding>();
        foreach (var section in new[] { "Resources", "Outputs" })
            foreach (var (id, entry) in template[section]?.AsObject() ?? [])
                Walk(entry, $"{section}/{id}", null, (loc, m) => findings.Add(new Finding(id, loc, m.Kind, m.Redacted)));
        foreach (var (id, p) in template["Parameters"]?.AsObject() ?? [])
        {
            if (p?["Default"] is JsonValue v && v.TryGetValue<string>(out var d))
            {
                var noEcho = p["NoEcho"] is JsonValue e && (e.ToJsonString() is "true" or "\"true\"");
                if (!noEcho && SecretPatterns.IsSecretName(id) && d.Length > 0 && !SecretPatterns.LooksLikeReference(d))
                    findings.Add(new Finding(id, $"Parameters/{id}/Default", $"default of secret-named parameter {id}", "****"));
                foreach (var m in SecretPatterns.Scan(d))
                    findings.Add(new Finding(id, $"Parameters/{id}/Default", m.Kind, m.Redacted));
            }
        }
        return findings.Distinct().ToList();
    }

    private static void Walk(JsonNode? node, string location, string? key, Action<string, SecretPatterns.Match> report)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                foreach (var m in SecretPatterns.Scan(s)) report(location, m);
                // Maps such as Lambda Environment.Variables: a secret-named key with a literal value.
                if (key is not null && SecretPatterns.IsSecretName(key) && SecretPatterns.LooksLikeSecretValue(s) && !SecretPatterns.LooksLikeReference(s))
                    report(location, new SecretPatterns.Match($"password-like value of {key}", s[..Math.Min(4, s.Length)] + "****"));
                break;
            case JsonObject o when o.ContainsKey("Fn::Join") && o["Fn::Join"] is JsonArray join && join.Count == 2 && join[1] is JsonArray parts:
                // User data and the like: judge the joined text, references standing in as ${ref}.
                var text = string.Join(join[0]!.GetValue<string>(), parts.Select(p => p is JsonValue pv && pv.TryGetValue<string>(out var ps) ? ps : "${ref}"));
                foreach (var m in SecretPatterns.Scan(text)) report(location + "/Fn::Join", m);
                break;
            case JsonObject o when o["Key"] is JsonValue kv && kv.TryGetValue<string>(out var tagKey) && o["Value"] is JsonValue vv && vv.TryGetValue<string>(out var tagValue):
                // A tag ({Key, Value}): the value is judged by the tag's key, as a variable's is by its name.
                foreach (var m in SecretPatterns.Scan(tagKey).Concat(SecretPatterns.Scan(tagValue))) report($"{location}/Value", m);
                if (SecretPatterns.IsSecretName(tagKey) && SecretPatterns.LooksLikeSecretValue(tagValue) && !SecretPatterns.LooksLikeReference(tagValue))
                    report($"{location}/Value", new SecretPatterns.Match($"password-like value of the tag {tagKey}", tagValue[..Math.Min(4, tagValue.Length)] + "****"));
                break;
            case JsonObject o:
                foreach (var (k, child) in o) Walk(child, $"{location}/{k}", k, report);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{location}/{i}", key, report);
                break;
        }
    }

    // Tags, HostedZoneTags, ... /0/Value: a tag list entry.
    [System.Text.RegularExpressions.GeneratedRegex(@"/[A-Za-z]*Tags/\d+/Value$")]
    private static partial System.Text.RegularExpressions.Regex TagLocation();
}
