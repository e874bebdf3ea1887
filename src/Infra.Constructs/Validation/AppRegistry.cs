using Amazon.CDK;
using Constructs;

namespace Infra.Constructs.Validation;

/// <summary>
/// Facts that must hold across one app, such as "one owner of a per-account setting" or "no two networks
/// overlap": each claim is kept as an empty construct under a marker on the app's root, so it lives
/// exactly as long as the app (no static state shared between apps or tests).
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
    public static IReadOnlyList<string> Entries(IConstruct scope, string registry) =>
        scope.Node.Root.Node.TryFindChild(MarkerId(registry)) is IConstruct marker
            ? marker.Node.Children.Select(c => Decode(c.Node.Id)).ToList()
            : [];

    /// <summary>Adds <paramref name="entry"/> to <paramref name="registry"/> of <paramref name="scope"/>'s app.</summary>
    public static void Claim(IConstruct scope, string registry, string entry)
    {
        var root = (Construct)scope.Node.Root;
        var marker = root.Node.TryFindChild(MarkerId(registry)) as Construct ?? new Construct(root, MarkerId(registry));
        _ = new Construct(marker, Encode(entry) + "#" + marker.Node.Children.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string MarkerId(string registry) => "InfraRegistry-" + new string(registry.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());

    // Construct ids may not hold '/'; '|' never appears in a construct path, a CIDR or an account key.
    private static string Encode(string entry) => entry.Replace('/', '|');

    private static string Decode(string id) => id[..id.LastIndexOf('#')].Replace('|', '/');
}
