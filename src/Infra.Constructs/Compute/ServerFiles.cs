using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Infra.Constructs.Compute;

/// <summary>
/// The files the first-boot script writes onto every server (nginx configuration, systemd units, the
/// placeholder app, the CloudWatch agent configuration), kept as real files in
/// <c>src/Infra.Constructs/Compute/ServerFiles/</c> and embedded in the assembly. They are the one
/// source the library, the revision bundle's tests (<c>deploy/test/run</c>) and the TypeScript twin
/// (<c>bench/ts-twin/app.js</c>) read; <c>ServerFiles/README.md</c> says where each lands.
/// </summary>
/// <remarks>
/// Placeholder syntax (files named <c>*.template</c>; the others are installed as they are):
/// <list type="bullet">
/// <item><c>{{NAME}}</c> (upper case, digits, <c>_</c>) is replaced by the fleet's value for NAME;
/// in a <c>.json.template</c> the value is JSON-escaped (the placeholder sits inside quotes).</item>
/// <item>A line holding <c>{{APP_PORT}}</c> is written once per app process port, in port order.</item>
/// <item>A placeholder without a value is an error, never left in the output.</item>
/// </list>
/// The file's final newline is not part of the text: the script's here-document adds its own.
/// </remarks>
public static partial class ServerFiles
{
    /// <summary>nginx's configuration after its first line (<c>user</c>, which depends on the image): <c>/etc/nginx/nginx.conf</c>.</summary>
    public const string NginxConfigTemplate = "nginx.conf.template";

    /// <summary>The systemd template unit of the app processes (instance name = port): <c>/etc/systemd/system/app@.service</c>.</summary>
    public const string AppUnit = "app@.service";

    /// <summary>The app served until the first revision: <c>/opt/app/releases/placeholder/start</c>.</summary>
    public const string PlaceholderApp = "placeholder-app.py";

    /// <summary>The unit copying the app processes' journal to a file: <c>/etc/systemd/system/app-log-export.service</c>.</summary>
    public const string JournalExportUnit = "app-log-export.service";

    /// <summary>Rotation of the copied journal: <c>/etc/logrotate.d/app</c>.</summary>
    public const string LogRotate = "app.logrotate";

    /// <summary>The CloudWatch agent's configuration: <see cref="CloudWatchAgentScript.ConfigPath"/>.</summary>
    public const string CloudWatchAgentConfigTemplate = "amazon-cloudwatch-agent.json.template";

    /// <summary>
    /// The install script (<c>ServerFiles/install.sh</c>): packages, agents, the app user and unit files,
    /// nothing that depends on an environment's settings. Read it with <see cref="InstallScript"/>, not
    /// <see cref="Read"/>: its <c>@include</c> lines are replaced by the files they name.
    /// </summary>
    public const string InstallScriptName = "install.sh";

    /// <summary>
    /// The install script as a server runs it (<c>@include FILE</c> lines replaced by that server file), without
    /// its final newline. The image pipeline's build component and the first-boot script carry this same text;
    /// <c>install.sh --golden SOURCE</c> records its hash in <c>/etc/infra/golden-image</c> (docs/golden-images.md).
    /// </summary>
    public static string InstallScript => Include(Read(InstallScriptName));

    /// <summary>
    /// The lower-case hex SHA-256 of <see cref="InstallScript"/> as a file (with its final newline): what
    /// <c>install.sh --golden</c> writes as <c>install_sha256=</c> and the first-boot script compares.
    /// </summary>
    public static string InstallScriptSha256 =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(InstallScript + "\n")));

    /// <summary>The marker a golden image carries (written last by <c>install.sh --golden</c>).</summary>
    public const string GoldenImageMarker = "/etc/infra/golden-image";

    private static string Include(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.StartsWith(IncludePrefix, StringComparison.Ordinal)
            ? Read(line[IncludePrefix.Length..].Trim())
            : line));

    private const string IncludePrefix = "@include ";

    /// <summary>The placeholder of the line written once per app process port.</summary>
    public const string AppPortPlaceholder = "APP_PORT";

    /// <summary>The text of a file as stored (placeholders left in), without its final newline.</summary>
    /// <param name="name">One of the names above.</param>
    public static string Read(string name)
    {
        // LogicalName in Infra.Constructs.csproj: "ServerFiles/<file name>".
        using var stream = typeof(ServerFiles).Assembly.GetManifestResourceStream("ServerFiles/" + name)
            ?? throw new ArgumentException($"no server file '{name}' is embedded in {typeof(ServerFiles).Assembly.GetName().Name}", nameof(name));
        using var reader = new StreamReader(stream);
        // A checkout with CRLF line ends must not change what lands on a Linux server.
        var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    /// <summary>A template with the fleet's values in place of its placeholders.</summary>
    /// <param name="name">A <c>*.template</c> file name.</param>
    /// <param name="values">A value per placeholder name (tokens are fine: the CDK resolves them later).</param>
    /// <param name="appPorts">The app processes' ports, for the lines holding <c>{{APP_PORT}}</c>.</param>
    public static string Render(string name, IReadOnlyDictionary<string, string> values, IEnumerable<int>? appPorts = null)
    {
        var json = name.EndsWith(".json.template", StringComparison.Ordinal);
        var ports = appPorts?.ToList() ?? [];
        var output = new List<string>();
        foreach (var line in Read(name).Split('\n'))
        {
            if (!line.Contains("{{" + AppPortPlaceholder + "}}", StringComparison.Ordinal))
            {
                output.Add(Substitute(name, line, values, json));
                continue;
            }
            if (ports.Count == 0)
                throw new InvalidOperationException($"{name}: a line holds {{{{{AppPortPlaceholder}}}}} but no app ports were given");
            foreach (var port in ports)
            {
                var withPort = new Dictionary<string, string>(values) { [AppPortPlaceholder] = port.ToString(CultureInfo.InvariantCulture) };
                output.Add(Substitute(name, line, withPort, json));
            }
        }
        return string.Join('\n', output);
    }

    private static string Substitute(string file, string line, IReadOnlyDictionary<string, string> values, bool json) =>
        Placeholder().Replace(line, m =>
        {
            var key = m.Groups[1].Value;
            if (!values.TryGetValue(key, out var value))
                throw new InvalidOperationException($"{file}: no value for the placeholder {{{{{key}}}}}");
            return json ? JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value : value;
        });

    [GeneratedRegex(@"\{\{([A-Z][A-Z0-9_]*)\}\}")]
    private static partial Regex Placeholder();
}
