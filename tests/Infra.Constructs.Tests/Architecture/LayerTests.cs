using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Infra.Constructs.Compute;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Infra.Constructs.Tests.Architecture;

/// <summary>
/// The library's layers (docs/architecture.md), held on the compiled assembly with ArchUnitNET: a namespace may
/// use namespaces of its own layer or lower ones, never a higher one, and no two namespaces use each other.
/// </summary>
public class LayerTests
{
    private const string Root = "Infra.Constructs";

    private static readonly ArchUnitNET.Domain.Architecture Library =
        new ArchLoader().LoadAssemblies(typeof(WebFleet).Assembly).Build();

    /// <summary>The layers, lowest first, by namespace under <c>Infra.Constructs</c>.</summary>
    public static readonly IReadOnlyList<string[]> Layers =
    [
        ["Validation", "Defaults", "Guardrails", "Releases"], // foundation: checks, defaults, the secret guard, release declarations
        ["Security"],                                  // keys, trust, groups, web ACLs: used by every resource
        ["Network", "Secrets", "Dns", "Storage"],      // platform: the VPC, the app secret, the zone, buckets
        ["Compute", "LoadBalancing", "Serverless", "Images"], // workloads: servers, the load balancer, the API, the servers' images
        ["Monitoring"],                                // watches the workloads: alarms, dashboard, topic
        ["Deployment"],                                // ships to the workloads, rolls back on the alarms
        ["CiCd", "Startup"],                           // the app's edges: CI identity, program start
    ];

    public static TheoryData<string> Namespaces => new(Layers.SelectMany(l => l));

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void ANamespaceUsesNoHigherLayer(string ns)
    {
        var level = Layers.ToList().FindIndex(l => l.Contains(ns));
        var higher = Layers.Skip(level + 1).SelectMany(l => l).ToArray();
        if (higher.Length == 0) return;
        var above = Types().That().ResideInNamespaceMatching($@"^{Root}\.({string.Join("|", higher)})(\..*)?$");
        // Defaults is the one place for defaults, so it names the enums whose default it holds
        // (ComputeDefaults.UpdateStrategy is a FleetUpdateStrategy): values only, never a construct.
        if (ns == "Defaults") above = above.And().AreNotEnums();
        Types().That().ResideInNamespaceMatching($@"^{Root}\.{ns}(\..*)?$")
            .Should().NotDependOnAny(above)
            .Because($"{ns} is below {string.Join(", ", higher)} (docs/architecture.md)")
            .WithoutRequiringPositiveResults()
            .Check(Library);
    }

    [Fact]
    public void EveryNamespaceHasALayer()
    {
        var known = Layers.SelectMany(l => l).ToHashSet();
        Library.Namespaces.Select(n => n.FullName)
            .Where(n => n.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(n => n[(Root.Length + 1)..].Split('.')[0])
            .Distinct()
            .Should().OnlyContain(n => known.Contains(n), "a new namespace needs a place in LayerTests.Layers and docs/architecture.md");
    }

    [Fact]
    public void NoTwoNamespacesUseEachOther()
    {
        // The namespace graph from the compiled types (Defaults' references to enums left out, as above).
        var enums = Library.Enums.Select(e => e.FullName).ToHashSet();
        var edges = Library.Types
            .Where(t => Top(t.Namespace?.FullName ?? "") is not null)
            .SelectMany(t => t.Dependencies.Select(d => d.Target)
                .Where(target => !(Top(t.Namespace?.FullName ?? "") == "Defaults" && enums.Contains(target.FullName)))
                .Select(target => (From: Top(t.Namespace?.FullName ?? "")!, To: Top(target.Namespace?.FullName ?? ""))))
            .Where(e => e.To is not null && e.From != e.To)
            .Select(e => (e.From, To: e.To!))
            .ToHashSet();
        var cycles = edges.Where(e => Reaches(edges, e.To, e.From)).Select(e => $"{e.From} -> {e.To}").Order().ToList();
        cycles.Should().BeEmpty("namespaces form layers: one uses the other, never both ways");
    }

    private static string? Top(string ns) =>
        ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;

    private static bool Reaches(HashSet<(string From, string To)> edges, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var n))
        {
            if (n == to) return true;
            foreach (var e in edges.Where(e => e.From == n && seen.Add(e.To))) queue.Enqueue(e.To);
        }
        return false;
    }
}
