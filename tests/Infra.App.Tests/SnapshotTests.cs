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
    public static TheoryData<string> Stacks => new() { "ApiGateway-Account", "Dev-Network", "Dev-Web", "Dev-Api", "Prod-Network", "Prod-Dns", "Prod-Web", "Prod-Api" };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void StackMatchesItsSnapshot(string stack)
    {
        app.Templates.Should().ContainKey(stack);
        var actual = Normalize(app.Templates[stack]);
        var path = Path.Combine(SnapshotDir(), stack + ".json");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" || !File.Exists(path))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true" && !File.Exists(path))
                throw new InvalidOperationException($"No snapshot for {stack} at {path}; run UPDATE_SNAPSHOTS=1 bash tools/test locally and commit it.");
            File.WriteAllText(path, actual);
            return;
        }
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
            throw new Xunit.Sdk.XunitException($"{stack} differs from {path}. If the change is intended, run UPDATE_SNAPSHOTS=1 bash tools/test and commit the snapshot with a reason.\n" + Diff(expected, actual));
    }

    [Fact]
    public void EveryStackHasASnapshotAndNoSnapshotIsStale() =>
        Directory.GetFiles(SnapshotDir(), "*.json").Select(Path.GetFileNameWithoutExtension).Should().BeEquivalentTo(app.Templates.Keys);

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
