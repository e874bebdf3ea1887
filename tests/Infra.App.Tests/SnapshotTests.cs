using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.App.Tests;

/// <summary>
/// Every stack of the reference app against its checked-in template in Snapshots/. Volatile values
/// (asset hashes, CDK versions) are normalized. To accept a change on purpose, run
/// <c>UPDATE_SNAPSHOTS=1 bash tools/test</c> and commit the new files with a reason.
/// </summary>
[Collection(ReferenceAppCollection.Name)]
public partial class SnapshotTests(ReferenceAppFixture app)
{
    public static TheoryData<string> Stacks => new() { "ApiGateway-Account", "Dev-Network", "Dev-Web", "Dev-Api", "Prod-Network", "Prod-Dns", "Prod-Web", "Prod-Api", "Prod-Images" };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void StackMatchesItsSnapshot(string stack)
    {
        app.Templates.Should().ContainKey(stack);
        var (actual, files) = Split(app.Templates[stack]);
        var path = Path.Combine(SnapshotDir(), stack + ".json");
        var dir = Path.Combine(SnapshotDir(), stack);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" || !File.Exists(path))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true" && !File.Exists(path))
                throw new InvalidOperationException($"No snapshot for {stack} at {path}; run UPDATE_SNAPSHOTS=1 bash tools/test locally and commit it.");
            File.WriteAllText(path, actual);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            if (files.Count > 0) Directory.CreateDirectory(dir);
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text);
            return;
        }
        var differences = new List<string>();
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual) differences.Add($"{path}:\n" + Diff(expected, actual));
        foreach (var (name, text) in files)
        {
            var file = Path.Combine(dir, name);
            var before = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : "(missing)\n";
            if (before != text) differences.Add($"{file}:\n" + Diff(before, text));
        }
        var stale = (Directory.Exists(dir) ? Directory.GetFiles(dir).Select(Path.GetFileName) : []).Except(files.Keys).ToList();
        if (stale.Count > 0) differences.Add($"{dir}: files no template value refers to: {string.Join(", ", stale)}");
        if (differences.Count > 0)
            throw new Xunit.Sdk.XunitException($"{stack} differs from its snapshot. If the change is intended, run UPDATE_SNAPSHOTS=1 bash tools/test and commit the snapshot with a reason.\n" + string.Join("\n", differences));
    }

    [Fact]
    public void EveryStackHasASnapshotAndNoSnapshotIsStale()
    {
        Directory.GetFiles(SnapshotDir(), "*.json").Select(Path.GetFileNameWithoutExtension).Should().BeEquivalentTo(app.Templates.Keys);
        Directory.GetDirectories(SnapshotDir()).Select(Path.GetFileName).Should().BeSubsetOf(app.Templates.Keys);
    }

    [Fact]
    public void Split_MovesUserDataAndDashboardsToReadableFiles()
    {
        var template = JsonNode.Parse("""
            {"Resources": {
              "Lt": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"UserData": {"Fn::Base64": {"Fn::Join": ["", ["#!/bin/bash\necho ", {"Ref": "AWS::Region"}, " ", {"Fn::GetAtt": ["Role", "Arn"]}, "\n"]]}}}}},
              "Dash": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": {"Fn::Join": ["", ["{\"widgets\":[{\"lb\":\"", {"Fn::Select": [1, {"Fn::Split": ["/", {"Ref": "Alb"}]}]}, "\"}]}"]]}}}
            }}
            """)!.AsObject();
        var (json, files) = Split(template);
        json.Should().Contain("\"$snapshot-file\": \"Lt.user-data.sh\"").And.Contain("\"$snapshot-file\": \"Dash.dashboard.json\"").And.NotContain("#!/bin/bash");
        files["Lt.user-data.sh"].Should().Be("#!/bin/bash\necho ${Ref:AWS::Region} ${GetAtt:Role.Arn}\n");
        files["Dash.dashboard.json"].Should().Be("{\n  \"widgets\": [\n    {\n      \"lb\": \"${Select(1, Split('/', Ref:Alb))}\"\n    }\n  ]\n}\n");
    }

    /// <summary>
    /// The snapshot of a template: its normalized JSON, with each long text value — a launch template's user
    /// data, a dashboard's body — moved to a file of its own and rendered as a reader sees it (the script as
    /// a script, the dashboard as indented JSON), so a change shows in a pull request as changed lines.
    /// Tokens render as <c>${Ref:X}</c>, <c>${GetAtt:X.Y}</c> or <c>${Select(1, Split('/', Ref:X))}</c>.
    /// </summary>
    public static (string Json, IReadOnlyDictionary<string, string> Files) Split(JsonObject template)
    {
        var copy = template.DeepClone().AsObject();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, resource) in copy["Resources"]?.AsObject() ?? [])
        {
            var props = resource?["Properties"] as JsonObject;
            if (props?["LaunchTemplateData"] is JsonObject data && data["UserData"] is { } userData)
                data["UserData"] = Extract(files, $"{id}.user-data.sh", Render(userData));
            if (resource?["Type"]?.GetValue<string>() == "AWS::CloudWatch::Dashboard" && props?["DashboardBody"] is { } body)
                props["DashboardBody"] = Extract(files, $"{id}.dashboard.json", Indented(Render(body)));
        }
        return (Normalize(copy), files);
    }

    private static JsonObject Extract(IDictionary<string, string> files, string name, string text)
    {
        files[name] = NormalizeText(text);
        return new JsonObject { ["$snapshot-file"] = name };
    }

    /// <summary>A CloudFormation string value as text: joins joined, base64 decoded to its content, tokens as markers.</summary>
    public static string Render(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonObject o when o.Count == 1 && o["Fn::Base64"] is { } inner => Render(inner),
        JsonObject o when o.Count == 1 && o["Fn::Join"] is JsonArray { Count: 2 } join && join[1] is JsonArray parts =>
            string.Join(join[0]!.GetValue<string>(), parts.Select(Render)),
        _ => "${" + Token(node) + "}",
    };

    // An intrinsic without double quotes (it may sit inside a JSON string): Ref:X, GetAtt:X.Y, Select(1, Split('/', Ref:X)).
    private static string Token(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var text) => "'" + text + "'",
        JsonValue v => v.ToJsonString(),
        JsonArray a => "[" + string.Join(", ", a.Select(Token)) + "]",
        JsonObject o when o.Count == 1 && o["Ref"] is JsonValue r => "Ref:" + r.GetValue<string>(),
        JsonObject o when o.Count == 1 && o["Fn::GetAtt"] is JsonArray { Count: 2 } at => "GetAtt:" + at[0] + "." + at[1],
        JsonObject o when o.Count == 1 && o.First().Key.StartsWith("Fn::", StringComparison.Ordinal) =>
            o.First().Key[4..] + "(" + (o.First().Value is JsonArray args ? string.Join(", ", args.Select(Token)) : Token(o.First().Value)) + ")",
        JsonObject o => "{" + string.Join(", ", o.Select(p => p.Key + ": " + Token(p.Value))) + "}",
        _ => node.ToJsonString(),
    };

    private static string Indented(string json)
    {
        try { return Sort(JsonNode.Parse(json))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }); }
        catch (JsonException) { return json; } // a token outside a JSON string: keep the text as it is
    }

    private static string NormalizeText(string text) => AssetHash().Replace(text, "[ASSET-HASH]").ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    /// <summary>Stable text: sorted keys, asset hashes and version strings replaced.</summary>
    public static string Normalize(JsonObject template)
    {
        var text = Sort(template)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        text = AssetHash().Replace(text, "[ASSET-HASH]");
        return text.ReplaceLineEndings("\n") + "\n";
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>The first differing lines with context, enough to see what changed.</summary>
    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n'); var a = actual.Split('\n');
        var first = 0;
        while (first < Math.Min(e.Length, a.Length) && e[first] == a[first]) first++;
        var lines = new List<string> { $"first difference at line {first + 1}:" };
        for (var i = Math.Max(0, first - 3); i < Math.Min(Math.Max(e.Length, a.Length), first + 8); i++)
        {
            if (i < e.Length && (i >= a.Length || e[i] != a[i])) lines.Add($"- {e[i]}");
            if (i < a.Length && (i >= e.Length || e[i] != a[i])) lines.Add($"+ {a[i]}");
            if (i < e.Length && i < a.Length && e[i] == a[i]) lines.Add($"  {e[i]}");
        }
        return string.Join('\n', lines);
    }

    private static string SnapshotDir()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Infra.App.Tests.csproj")))
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("test project folder not found");
        return Path.Combine(dir, "Snapshots");
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex AssetHash();
}
