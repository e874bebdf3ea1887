using System.Globalization;
using System.Text;

namespace Infra.Constructs.Compute;

/// <summary>
/// Renders the servers' first-boot script: nginx in front of N app processes (a systemd template
/// unit, one process per port on 127.0.0.1), a placeholder app until the first CodeDeploy revision,
/// the CodeDeploy agent, and the app config file. It writes names and ARNs only, never a secret value.
/// The layout is the contract the revision bundle in <c>deploy/</c> relies on.
/// </summary>
public static class FleetBootstrapScript
{
    /// <summary>What the script needs to know.</summary>
    public sealed record Options(
        int AppProcessCount,
        int AppBasePort,
        int InstancePort,
        string HealthCheckPath,
        string EnvironmentName,
        string? Color,
        string? AppSecretArn,
        bool InstallCodeDeployAgent,
        CloudWatchAgentScript.Options? CloudWatchAgent = null,
        bool SendsSignal = false);

    /// <summary>Ports of the app processes.</summary>
    public static IEnumerable<int> AppPorts(Options o) => Enumerable.Range(o.AppBasePort, o.AppProcessCount);

    /// <summary>
    /// Seconds nginx keeps a failed app process out of its upstream (passive check): the <c>fail_timeout</c>
    /// written in <c>ServerFiles/nginx.conf.template</c> (a test pins both). The CodeDeploy hooks wait longer
    /// than this between two process restarts, so one process is always available.
    /// </summary>
    public const int UpstreamFailTimeoutSeconds = 5;

    /// <summary>The nginx configuration: <c>/etc/nginx/nginx.conf</c> after its first line (<c>user</c>, which the script writes for the image).</summary>
    public static string NginxConfig(Options o) => ServerFiles.Render(ServerFiles.NginxConfigTemplate, new Dictionary<string, string>
    {
        ["INSTANCE_PORT"] = o.InstancePort.ToString(CultureInfo.InvariantCulture),
        ["HEALTH_PATH"] = o.HealthCheckPath,
    }, AppPorts(o));

    /// <summary>The systemd template unit <c>app@.service</c>; instance name = port (<c>ServerFiles/app@.service</c>).</summary>
    public static string AppUnit => ServerFiles.Read(ServerFiles.AppUnit);

    /// <summary>
    /// Placeholder app served until the first CodeDeploy revision (<c>ServerFiles/placeholder-app.py</c>): every path,
    /// the health path included, answers 503 with <c>X-App-Revision: none</c>, so the load balancer never counts a
    /// server without the app as healthy and clients see an honest "no revision deployed yet" (docs/boot-test.md).
    /// </summary>
    public static string PlaceholderApp => ServerFiles.Read(ServerFiles.PlaceholderApp);

    /// <summary>Where the first-boot script writes <see cref="ServerFiles.InstallScript"/> before it runs it (or not).</summary>
    public const string InstallPath = InstallDir + "/install.sh";

    private const string InstallDir = "/usr/local/lib/infra";

    // install.sh holds here-documents of its own; this delimiter is none of theirs (a test checks).
    private const string InstallHeredoc = "INFRA_INSTALL_SH";

    /// <summary>
    /// <see cref="ServerFiles.InstallScript"/> as a file (final newline included), gzip-compressed and base64-encoded in
    /// lines of 76 characters: the form the first-boot script carries it in.
    /// </summary>
    public static string CompressedInstallScript()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize))
            gzip.Write(Encoding.UTF8.GetBytes(ServerFiles.InstallScript + "\n"));
        var text = Convert.ToBase64String(buffer.ToArray());
        return string.Join('\n', text.Chunk(76).Select(c => new string(c)));
    }

    /// <summary>Seconds the script waits for nginx to answer the health path before it fails (and its signal with it).</summary>
    public const int ReadyTimeoutSeconds = 60;

    /// <summary>The script body (no shebang; the CDK adds it). Signalling is added by <see cref="WebFleet"/>.</summary>
    public static string Render(Options o)
    {
        var ports = string.Join(' ', AppPorts(o));
        var env = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"APP_PROCESS_COUNT={o.AppProcessCount}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_BASE_PORT={o.AppBasePort}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_HEALTH_PATH={o.HealthCheckPath}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_NGINX_PORT={o.InstancePort}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_ENVIRONMENT={o.EnvironmentName}\n");
        if (o.Color is not null) env.Append(CultureInfo.InvariantCulture, $"APP_COLOR={o.Color}\n");
        if (o.AppSecretArn is not null) env.Append(CultureInfo.InvariantCulture, $"APP_SECRET_ARN={o.AppSecretArn}\n");

        var signal = o.SendsSignal ? """
            # What sends the healthy signal comes first, so any later failure reaches CloudFormation at once
            # instead of after the signal timeout.
            install_part signal-tool
            """ : "# No healthy signal: this fleet does not wait for one (scaled to zero or WaitForHealthySignal = false).";

        var agent = o.InstallCodeDeployAgent ? """
            # CodeDeploy agent (install.sh: the regional installer AWS documents).
            install_part codedeploy-agent
            systemctl enable --now codedeploy-agent
            """ : "# CodeDeploy agent: not installed (InstallCodeDeployAgent = false)";

        var cloudWatch = o.CloudWatchAgent is { } cw
            ? "install_part cloudwatch-agent\n" + CloudWatchAgentScript.Render(cw)
            : "# CloudWatch agent: not installed (WebFleetProps.Logs.Enabled = false)";

        return $$"""
            set -euo pipefail
            exec > >(tee -a /var/log/web-fleet-bootstrap.log) 2>&1
            echo "bootstrap: start $(date -u +%Y-%m-%dT%H:%M:%SZ)"
            # What a server installs (packages, agents, the app user, unit files) is install.sh, the very script the
            # image pipeline runs; this script configures. A golden image whose marker names this install.sh already
            # has it all, so nothing is installed; any other image runs it, part by part (docs/golden-images.md).
            # It travels compressed: EC2 takes at most 16 KB of user data (docs/golden-images.md); read it in the repository.
            INSTALL_SHA256={{ServerFiles.InstallScriptSha256}}
            install -d -m 0755 {{InstallDir}}
            base64 -d <<'{{InstallHeredoc}}' | gunzip > {{InstallPath}}
            {{CompressedInstallScript()}}
            {{InstallHeredoc}}
            echo "$INSTALL_SHA256  {{InstallPath}}" | sha256sum -c --quiet -
            chmod 0755 {{InstallPath}}
            golden() { sed -n "s/^$1=//p" {{ServerFiles.GoldenImageMarker}} | head -n 1; }
            if [ -f {{ServerFiles.GoldenImageMarker}} ] && [ "$(golden install_sha256)" = "$INSTALL_SHA256" ]; then
              INSTALL=no
              echo "bootstrap: golden image ($(golden source), built $(golden built)): installing nothing"
            elif [ -f {{ServerFiles.GoldenImageMarker}} ]; then
              INSTALL=yes
              echo "bootstrap: WARNING: golden image ($(golden source), built $(golden built)) was made by another install.sh (sha256 $(golden install_sha256), this script carries $INSTALL_SHA256): running install.sh (idempotent)"
            else
              INSTALL=yes
              echo "bootstrap: no golden image marker ({{ServerFiles.GoldenImageMarker}}): running install.sh"
            fi
            install_part() {
              if [ "$INSTALL" = no ]; then return 0; fi
              REGION="${REGION:-}" {{InstallPath}} "$@"
            }
            {{signal}}
            # IMDSv2 only: every metadata read carries a session token. IMDS_ENDPOINT is for the boot test's stand-in.
            IMDS="${IMDS_ENDPOINT:-http://169.254.169.254}"
            IMDS_TOKEN=$(curl -fsS --retry 5 --retry-connrefused -X PUT "${IMDS}/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
            REGION=$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" "${IMDS}/latest/meta-data/placement/region")
            {{cloudWatch}}
            install_part web
            if id nginx >/dev/null 2>&1; then NGINX_USER=nginx; else NGINX_USER=www-data; fi
            # App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
            cat > /etc/app/app.env <<'APPENV'
            {{env}}APPENV
            echo "AWS_REGION=${REGION}" >> /etc/app/app.env
            chmod 0644 /etc/app/app.env
            printf 'user %s;\n' "$NGINX_USER" > /etc/nginx/nginx.conf
            cat >> /etc/nginx/nginx.conf <<'NGINX'
            {{NginxConfig(o)}}
            NGINX
            nginx -t
            systemctl daemon-reload
            for port in {{ports}}; do systemctl enable "app@${port}.service"; systemctl restart "app@${port}.service"; done
            systemctl enable nginx
            # Restart, not start: an image with nginx already running would keep its old configuration.
            systemctl restart nginx
            {{agent}}
            # Ready when nginx answers the health path through the app processes: 200 from a revision, or the
            # placeholder's 503 with X-App-Revision: none before the first one. A server that cannot answer
            # fails in about a minute, not after the signal timeout.
            ready() {
              local headers code
              headers=$(curl -sS -o /dev/null -D - --max-time 5 "http://127.0.0.1:{{o.InstancePort}}{{o.HealthCheckPath}}" 2>/dev/null) || return 1
              code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }')
              [ "$code" = 200 ] && return 0
              [ "$code" = 503 ] && printf '%s\n' "$headers" | grep -qi '^x-app-revision: none'
            }
            deadline=$((SECONDS + {{ReadyTimeoutSeconds}}))
            until ready; do
              if [ "$SECONDS" -ge "$deadline" ]; then
                echo "bootstrap: FAILED: nginx did not answer {{o.HealthCheckPath}} on port {{o.InstancePort}} within {{ReadyTimeoutSeconds}} s" >&2
                exit 1
              fi
              sleep 2
            done
            echo "bootstrap: ready after ${SECONDS} s"
            """;
    }
}
