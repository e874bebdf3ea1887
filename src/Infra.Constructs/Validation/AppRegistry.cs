using Amazon.CDK;
using Constructs;

namespace Infra.Constructs.Validation;

/// <summary>
/// Facts that must hold across one app, such as "one owner of a per-account setting" or "no two networks
/// overlap": the claims are kept per app, in a table held weakly by the app's root, so they live exactly
/// as long as the app (nothing shared between apps or tests) and the user's construct tree is left alone.
/// </summary>
internal static class AppRegistry
{
    /// <summary>
    /// The account and region of <paramref name="scope"/>'s stack as one key; environment-agnostic stacks
    /// share one (they deploy with the same credentials).
    /// </summary>
    public static string AccountRegionOf(IConstruct scope)
    {
        var stack = Stack.Of(scope);
        var account = Token.IsUnresolved(stack.Account) ? "(the deploying account)" : stack.Account;
        var region = Token.IsUnresolved(stack.Region) ? "(the deploying region)" : stack.Region;
        return $"account {account}, region {region}";
    }

    /// <summary>The entries claimed so far in <paramref name="registry"/> of <paramref name="scope"/>'s app.</summary>
    public static IReadOnlyList<string> Entries(IConstruct scope, string registry)
    {
        var registries = Registries.GetValue(scope.Node.Root, _ => new Dictionary<string, List<string>>(StringComparer.Ordinal));
        lock (registries) return registries.TryGetValue(registry, out var entries) ? [.. entries] : [];
    }

    /// <summary>Adds <paramref name="entry"/> to <paramref name="registry"/> of <paramref name="scope"/>'s app.</summary>
    public static void Claim(IConstruct scope, string registry, string entry)
    {
        var registries = Registries.GetValue(scope.Node.Root, _ => new Dictionary<string, List<string>>(StringComparer.Ordinal));
        lock (registries)
        {
            if (!registries.TryGetValue(registry, out var entries)) registries[registry] = entries = [];
            entries.Add(entry);
        }
    }

    // Per app root (the same object for the app's whole life: jsii keeps one proxy per object), its registries by name.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IConstruct, Dictionary<string, List<string>>> Registries = new();
}
