using System.Text.Json.Nodes;
using Amazon.CDK;

namespace Infra.Constructs.Guardrails;

/// <summary>
/// A synthesis-time validation plugin that fails synthesis when a secret-looking literal would land
/// in a template: an AWS key, a private key block (PEM, PGP, PuTTY), a well-known vendor token, a URL
/// or command line carrying a password, an Authorization header, or a password-like value under a
/// secret-sounding name (a variable, a tag's Key, a <c>{Name, Value}</c> entry, an output, an SSM
/// parameter, a NoEcho parameter's default), anywhere in the template, base64 content decoded and
/// <c>Fn::Join</c>/<c>Fn::Sub</c>/<c>Fn::If</c> texts assembled (docs/secrets.md lists it all; the
/// patterns live in <see cref="SecretPatterns"/>). The CDK's validation report names the construct
/// path, the logical id and the property path; the secret itself is redacted.
/// It is off until the app turns it on, once: <see cref="ApplyTo"/> (which <see cref="Startup.CdkProgram.Run"/>
/// calls), or <c>Validations.Of(app).AddPlugins(new SecretLiteralGuard())</c>. The library's constructs
/// do not turn it on themselves: a library does not change the user's app behind its back.
/// </summary>
public sealed partial class SecretLiteralGuard : Amazon.JSII.Runtime.Deputy.DeputyBase, IPolicyValidationPlugin
{
    /// <summary>Rule name used in reports.</summary>
    public const string RuleName = "no-secret-literals";

    /// <summary>Plugin name in the CDK's validation report.</summary>
    public const string PluginName = "infra-constructs-secret-literal-guard";

    /// <inheritdoc />
    public string Name => PluginName;

    /// <inheritdoc />
    public string? Version => typeof(SecretLiteralGuard).Assembly.GetName().Version?.ToString();

    /// <inheritdoc />
    public string[]? RuleIds => [RuleName];

    /// <summary>
    /// Turns the guard on for <paramref name="app"/>: registers it as a validation plugin of the app,
    /// which checks every template of the app (stacks of nested stages included) when it synthesizes.
    /// Idempotent: a second call for the same app changes nothing and returns false. Adds no construct
    /// to the tree and changes no template. (A guard added with <c>Validations.Of(app).AddPlugins</c>
    /// is not seen here: the CDK offers no supported way to list an app's plugins; use one or the other.)
    /// </summary>
    public static bool ApplyTo(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Applied.TryGetValue(app, out _)) return false;
        Validations.Of(app).AddPlugins(new SecretLiteralGuard());
        Applied.AddOrUpdate(app, app);
        return true;
    }

    // The apps this process turned the guard on for (held weakly: an app that is gone needs no entry).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<App, object> Applied = new();

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

    // A name that judges a value (a variable's key, a tag's Key, a {Name, Value} entry's Name, an output's id)
    // and how messages call it.
    private sealed record ValueName(string Text, string Label);

    // A match before de-duplication: Rank 0 for a pattern, 1 for a value judged by its name.
    private sealed record Hit(string LogicalId, string Location, SecretPatterns.Match Match, int Rank);

    /// <summary>
    /// Scans every section of a template: Resources (properties, metadata, policies), Outputs (with the
    /// output's id and export name judging its value), Parameters (defaults: NoEcho ones always,
    /// secret-named ones when password-like), Mappings, Conditions, Rules, Metadata, and any other
    /// top-level entry. One finding per literal and place: a literal that two rules see, or that an
    /// <c>Fn::If</c> or <c>Fn::Sub</c> yields in several texts, is reported once.
    /// </summary>
    public static IReadOnlyList<Finding> Scan(JsonObject template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var hits = new List<Hit>();
        foreach (var (section, body) in template)
        {
            if (body is not JsonObject entries)
            {
                // Description, Transform, AWSTemplateFormatVersion: text too.
                Walk(body, section, null, section, hits);
                continue;
            }
            foreach (var (id, entry) in entries)
            {
                var location = $"{section}/{id}";
                switch (section)
                {
                    case "Outputs" when entry is JsonObject output:
                        foreach (var (k, child) in output)
                            Walk(child, $"{location}/{k}", k == "Value" ? OutputName(id, output) : new ValueName(k, k), id, hits);
                        break;
                    case "Parameters" when entry is JsonObject parameter:
                        Walk(parameter, location, null, id, hits);
                        JudgeParameterDefault(id, parameter, hits);
                        break;
                    case "Resources" when entry is JsonObject resource:
                        Walk(resource, location, null, id, hits);
                        // An SSM parameter without a password-like Name: its logical id may still say what it holds.
                        if (resource["Type"] is JsonValue rt && rt.TryGetValue<string>(out var resourceType) && resourceType == "AWS::SSM::Parameter" && resource["Properties"] is JsonObject props &&
                            !(props["Name"] is JsonValue n && n.TryGetValue<string>(out var pn) && SecretPatterns.IsSecretName(pn)))
                            Walk(props["Value"], $"{location}/Properties/Value", new ValueName(id, $"the SSM parameter {id}"), id, hits);
                        break;
                    default:
                        Walk(entry, location, null, id, hits);
                        break;
                }
            }
        }
        // One finding per literal and place (the place: the location up to its first intrinsic function). A value
        // judged by its name that holds a literal a pattern found is that literal: the pattern's finding says more.
        var patterned = hits.Where(h => h.Rank == 0).ToLookup(h => (h.LogicalId, Root(h.Location)), h => h.Match.Raw);
        return hits
            .Where(h => h.Rank == 0 || !patterned[(h.LogicalId, Root(h.Location))].Any(raw => h.Match.Raw.Contains(raw, StringComparison.Ordinal)))
            .Select((h, i) => (Hit: h, Order: i))
            .GroupBy(x => (x.Hit.LogicalId, Root: Root(x.Hit.Location), x.Hit.Match.Raw))
            .Select(g => g.OrderBy(x => x.Hit.Rank).ThenBy(x => x.Order).First())
            .OrderBy(x => x.Order)
            .Select(x => new Finding(x.Hit.LogicalId, x.Hit.Location, x.Hit.Match.Kind, x.Hit.Match.Redacted))
            .Distinct()
            .ToList();
    }

    private static string Root(string location)
    {
        var i = location.IndexOf("/Fn::", StringComparison.Ordinal);
        return i < 0 ? location : location[..i];
    }

    // An output's value is judged by its logical id (CDK hash ignored) or its export name, whichever announces a secret.
    private static ValueName? OutputName(string id, JsonObject output)
    {
        if (SecretPatterns.IsSecretName(id)) return new ValueName(id, $"the output {id}");
        if (output["Export"]?["Name"] is JsonValue e && e.TryGetValue<string>(out var export) && SecretPatterns.IsSecretName(export))
            return new ValueName(export, $"the output {id} (export {export})");
        return null;
    }

    private static void JudgeParameterDefault(string id, JsonObject parameter, List<Hit> hits)
    {
        if (parameter["Default"] is not JsonValue v || !v.TryGetValue<string>(out var d) || d.Length == 0 || SecretPatterns.LooksLikeReference(d)) return;
        // AWS::SSM::Parameter::Value<...>: the default is the name of a parameter, not a value.
        if (parameter["Type"] is JsonValue t && t.TryGetValue<string>(out var type) && type.StartsWith("AWS::SSM::Parameter::", StringComparison.Ordinal)) return;
        var noEcho = parameter["NoEcho"] is JsonValue e && (e.ToJsonString() is "true" or "\"true\"");
        // NoEcho says the value is a secret: a default puts it in the template whatever it looks like.
        if (noEcho)
            hits.Add(new Hit(id, $"Parameters/{id}/Default", new SecretPatterns.Match($"default of NoEcho parameter {id}", "****") { Raw = d }, 1));
        else if (SecretPatterns.IsSecretName(id))
            hits.Add(new Hit(id, $"Parameters/{id}/Default", new SecretPatterns.Match($"default of secret-named parameter {id}", "****") { Raw = d }, 1));
    }

    private static void Walk(JsonNode? node, string location, ValueName? name, string logicalId, List<Hit> hits)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                Judge(s, location, name, logicalId, hits);
                break;
            case JsonObject o when o.Count == 1 && Intrinsics.Texts(o) is { } texts:
                // Fn::Join, Fn::Sub, Fn::If, Fn::Base64 that build text: judge each text they can make,
                // references standing in as ${ref}, Fn::Sub variables and Fn::If branches substituted.
                var fn = o.First().Key;
                foreach (var text in texts) Judge(text, $"{location}/{fn}", name, logicalId, hits);
                if (fn == "Fn::Sub" && o[fn] is JsonArray { Count: 2 } sub && sub[1] is JsonObject variables)
                    foreach (var (variable, value) in variables)
                        foreach (var text in Intrinsics.Texts(value) ?? [])
                            JudgeByName(text, $"{location}/{fn}/1/{variable}", new ValueName(variable, $"the Fn::Sub variable {variable}"), logicalId, hits);
                break;
            case JsonObject o:
                var pair = SecretPatterns.NameValuePairs.FirstOrDefault(p => o[p.NameField] is JsonValue nv && nv.TryGetValue<string>(out _) && o.ContainsKey(p.ValueField));
                var pairName = pair.NameField is null ? null : o[pair.NameField]!.GetValue<string>();
                var valueIsReference = o["Type"] is JsonValue tv && tv.TryGetValue<string>(out var type) && SecretPatterns.ReferenceValueTypes.Contains(type);
                foreach (var (k, child) in o)
                {
                    var childName = pairName is not null && k == pair.ValueField
                        ? (valueIsReference ? null : new ValueName(pairName, pair.NameField == "Key" ? $"the tag {pairName}" : pairName))
                        : new ValueName(k, k);
                    Walk(child, $"{location}/{k}", childName, logicalId, hits);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{location}/{i}", name, logicalId, hits);
                break;
        }
    }

    private static void Judge(string text, string location, ValueName? name, string logicalId, List<Hit> hits)
    {
        foreach (var m in SecretPatterns.Scan(text)) hits.Add(new Hit(logicalId, location, m, 0));
        if (name is not null) JudgeByName(text, location, name, logicalId, hits);
    }

    // Maps such as Lambda Environment.Variables, tags, {Name, Value} lists, outputs: a secret-named key with a literal value.
    private static void JudgeByName(string text, string location, ValueName name, string logicalId, List<Hit> hits)
    {
        if (SecretPatterns.IsSecretName(name.Text) && SecretPatterns.LooksLikeSecretValue(text) && !SecretPatterns.LooksLikeReference(text))
            hits.Add(new Hit(logicalId, location, new SecretPatterns.Match($"password-like value of {name.Label}", text[..Math.Min(4, text.Length)] + "****") { Raw = text }, 1));
    }

    // Tags, HostedZoneTags, ... /0/Value (or /0/Key, or a function building the value): a tag list entry.
    [System.Text.RegularExpressions.GeneratedRegex(@"/[A-Za-z]*Tags/\d+/(Key|Value)(/Fn::[A-Za-z0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex TagLocation();
}
