using System.Text.Json.Nodes;

namespace Infra.App.Config;

/// <summary>
/// The server images recorded in <c>Config/images.json</c> (written by <c>tools/images</c>, read here):
/// environment → color → region → AMI id. A new image is a change of that file in a pull request.
/// </summary>
public static class ImageRecord
{
    /// <summary>The file next to the app's assembly (the project copies it there).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Config", "images.json");

    /// <summary>The images recorded for <paramref name="environment"/>'s <paramref name="color"/> (region → AMI id); empty when none.</summary>
    public static IReadOnlyDictionary<string, string> Recorded(string environment, string color, string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path)) return new Dictionary<string, string>();
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new ConfigException($"{path} is not valid JSON: {e.Message}"); }
        var env = root?["environments"]?[environment];
        return env is null ? new Dictionary<string, string>() : Colour(env, color, path, environment);
    }

    /// <summary>
    /// The golden image pipeline <paramref name="environment"/>'s images come from (<c>environments.&lt;env&gt;.pipeline</c>),
    /// or null when it has none (its colors take public or given images). The app adds the pipeline's stack for it.
    /// </summary>
    public static string? Pipeline(string environment, string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path)) return null;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new ConfigException($"{path} is not valid JSON: {e.Message}"); }
        var node = root?["environments"]?[environment]?["pipeline"];
        if (node is null) return null;
        return node is JsonValue v && v.TryGetValue<string>(out var name) && name.Length > 0
            ? name
            : throw new ConfigException($"{path}: environments.{environment}.pipeline must be a pipeline name such as {environment}-web.");
    }

    /// <summary>
    /// The per-region images a fleet of <paramref name="settings"/> gets: those set in the settings, else
    /// those recorded in the file; null when its color has an explicit AMI id or nothing is recorded.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? For(EnvironmentSettings settings, string color)
    {
        var (explicitId, inSettings) = color == "blue"
            ? (settings.Images.Blue, settings.Images.BlueByRegion)
            : (settings.Images.Green, settings.Images.GreenByRegion);
        if (explicitId is not null) return null;
        var recorded = inSettings.Count > 0 ? inSettings : Recorded(settings.Name, color);
        return recorded.Count > 0 ? recorded : null;
    }

    private static Dictionary<string, string> Colour(JsonNode env, string color, string path, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (env[color] is not JsonObject regions) return result;
        foreach (var (region, value) in regions)
        {
            var ami = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?["ami"]?.GetValue<string>();
            if (string.IsNullOrEmpty(ami))
                throw new ConfigException($"{path}: environments.{name}.{color}.{region} has no AMI id (expected an id such as ami-0123456789abcdef0, or an object with an ami field).");
            result[region] = ami;
        }
        return result;
    }
}
