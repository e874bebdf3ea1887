using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Infra.Constructs.Images;

/// <summary>
/// The AWSTOE documents of the pipeline's two components (build: the library's install script with
/// <c>--golden</c>; test: nginx answers as a server without a revision must), and the helpers that name
/// their versions. Internal: <see cref="GoldenImagePipeline"/> is the public face.
/// </summary>
internal static class GoldenImageComponents
{
    /// <summary>AWS::ImageBuilder::Component's <c>Data</c> holds at most 16,000 characters (CloudFormation reference).</summary>
    public const int MaxDataLength = 16_000;

    /// <summary>Where the build component writes the install script on the build instance.</summary>
    public const string ScriptPath = "/tmp/infra-install.sh";

    /// <summary>The marker the install script's <c>--golden</c> flag writes; the test checks it.</summary>
    public const string GoldenMarker = Compute.ServerFiles.GoldenImageMarker;

    /// <summary>The build document: writes <paramref name="script"/> and runs it with <c>--golden <paramref name="source"/></c>.</summary>
    public static string Build(string name, string script, string source)
    {
        // A quoted here-document: the script lands byte for byte, nothing in it is expanded by bash. AWSTOE
        // reads {{ ... }} as its own variables, so a script holding them could not be embedded.
        if (script.Contains("{{", StringComparison.Ordinal))
            throw new InvalidOperationException("the install script holds '{{', which AWSTOE would read as a variable");
        if (script.Split('\n').Any(l => l == "INFRA_INSTALL_EOF"))
            throw new InvalidOperationException("the install script holds the here-document's end marker INFRA_INSTALL_EOF");
        var sb = new StringBuilder();
        sb.Append("name: ").Append(name).Append('\n');
        sb.Append("description: Installs nginx, the app unit, the CodeDeploy and CloudWatch agents with the library's install script (--golden)\n");
        sb.Append("schemaVersion: 1.0\n");
        sb.Append("phases:\n");
        sb.Append("  - name: build\n");
        sb.Append("    steps:\n");
        sb.Append("      - name: InstallServerSoftware\n");
        sb.Append("        action: ExecuteBash\n");
        sb.Append("        inputs:\n");
        sb.Append("          commands:\n");
        sb.Append("            - |\n");
        Indent(sb, "set -euo pipefail", 14);
        Indent(sb, $"cat > {ScriptPath} <<'INFRA_INSTALL_EOF'", 14);
        // Byte for byte the script plus its final newline: the hash install.sh --golden records must match ServerFiles.InstallScriptSha256.
        foreach (var line in script.Split('\n')) Indent(sb, line, 14);
        Indent(sb, "INFRA_INSTALL_EOF", 14);
        Indent(sb, $"bash {ScriptPath} --golden '{source}'", 14);
        Indent(sb, $"rm -f {ScriptPath}", 14);
        Indent(sb, $"test -f {GoldenMarker}", 14);
        return Checked(sb.ToString());
    }

    /// <summary>
    /// The test document, run on an instance booted from the new image with no user data. It does what the
    /// first-boot script does with the image (nginx's configuration for <paramref name="instancePort"/> and the app
    /// processes on <paramref name="appPorts"/>, both started: the install script starts nothing), then checks that
    /// through nginx every path answers 503 with <c>X-App-Revision: none</c> (the placeholder app before the first
    /// revision) and nginx's own <c>Server</c> header, and that the golden marker is there.
    /// </summary>
    public static string Test(string name, int instancePort, IReadOnlyList<int> appPorts, string nginxConfig)
    {
        if (nginxConfig.Contains("{{", StringComparison.Ordinal) || nginxConfig.Split('\n').Any(l => l == "INFRA_NGINX_EOF"))
            throw new InvalidOperationException("the nginx configuration holds '{{' or the here-document's end marker");
        var port = instancePort.ToString(CultureInfo.InvariantCulture);
        var ports = string.Join(' ', appPorts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var sb = new StringBuilder();
        sb.Append("name: ").Append(name).Append('\n');
        sb.Append("description: Checks that nginx answers 503 with X-App-Revision none on every path until the first revision\n");
        sb.Append("schemaVersion: 1.0\n");
        sb.Append("phases:\n");
        sb.Append("  - name: test\n");
        sb.Append("    steps:\n");
        sb.Append("      - name: PlaceholderThroughNginx\n");
        sb.Append("        action: ExecuteBash\n");
        sb.Append("        inputs:\n");
        sb.Append("          commands:\n");
        sb.Append("            - |\n");
        var lines = new List<string>
        {
            "set -euo pipefail",
            $"test -f {GoldenMarker} || {{ echo 'no golden marker {GoldenMarker}'; exit 1; }}",
            "cat " + GoldenMarker,
            // What the first-boot script does with a golden image: configure and start, install nothing.
            "install -d -m 0755 /etc/app && touch /etc/app/app.env",
            "if id nginx >/dev/null 2>&1; then NGINX_USER=nginx; else NGINX_USER=www-data; fi",
            "printf 'user %s;\\n' \"$NGINX_USER\" > /etc/nginx/nginx.conf",
            "cat >> /etc/nginx/nginx.conf <<'INFRA_NGINX_EOF'",
        };
        lines.AddRange(nginxConfig.Split('\n'));
        lines.AddRange(
        [
            "INFRA_NGINX_EOF",
            "nginx -t",
            "systemctl daemon-reload",
            $"for p in {ports}; do systemctl restart \"app@${{p}}.service\"; done",
            "systemctl restart nginx",
            "for path in / /health /no/such/path; do",
            "  ok=",
            "  for try in $(seq 1 30); do",
            $"    code=$(curl -s -o /dev/null -D /tmp/infra-headers -w '%{{http_code}}' \"http://127.0.0.1:{port}$path\" || true)",
            "    if [ \"$code\" = 503 ] && grep -qi '^X-App-Revision: none' /tmp/infra-headers && grep -qi '^Server: nginx' /tmp/infra-headers; then ok=1; break; fi",
            "    sleep 2",
            "  done",
            $"  [ -n \"$ok\" ] || {{ echo \"$path: expected 503 with X-App-Revision: none from nginx on port {port}, got $code\"; cat /tmp/infra-headers 2>/dev/null; exit 1; }}",
            $"  echo \"$path: 503, X-App-Revision: none, through nginx on port {port}\"",
            "done",
        ]);
        foreach (var line in lines) Indent(sb, line, 14);
        return Checked(sb.ToString());
    }

    /// <summary>
    /// A semantic version that changes whenever <paramref name="content"/> does: Image Builder versions are
    /// immutable, and CloudFormation replaces a component or recipe by creating the new one first, so the same
    /// name and version would collide. Each node may be up to 2^30 - 1.
    /// </summary>
    public static string VersionOf(string content)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(content));
        var n = BitConverter.ToUInt32(hash, 0) % 1_000_000_000;
        return $"1.0.{n.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void Indent(StringBuilder sb, string line, int spaces) =>
        sb.Append(line.Length == 0 ? "" : new string(' ', spaces) + line).Append('\n');

    private static string Checked(string data) => data.Length <= MaxDataLength
        ? data
        : throw new InvalidOperationException($"the component document is {data.Length} characters; AWS::ImageBuilder::Component Data holds at most {MaxDataLength}");
}
