using System.Diagnostics;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Tests.Compute;

public class FleetBootstrapScriptTests
{
    private static readonly FleetBootstrapScript.Options Options = new(3, 8001, 80, "/health", "dev", "blue", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/web/app-AbCdEf", true);

    [Fact]
    public void RenderedScriptIsValidBash()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "#!/bin/bash\n" + FleetBootstrapScript.Render(Options));
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
            var errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            bash.ExitCode.Should().Be(0, errors);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void HeredocsAreClosedAtColumnZero()
    {
        var lines = FleetBootstrapScript.Render(Options).Split('\n');
        foreach (var marker in new[] { "APPENV", "NGINX", "INFRA_INSTALL_SH" })
            lines.Should().Contain(marker, $"the {marker} heredoc must be closed by a line holding only its marker");
    }

    [Fact]
    public void NginxSpreadsRequestsOverEveryProcess()
    {
        var conf = FleetBootstrapScript.NginxConfig(Options);
        conf.Should().Contain("least_conn;").And.Contain("127.0.0.1:8001").And.Contain("127.0.0.1:8002").And.Contain("127.0.0.1:8003");
        conf.Should().Contain("location /static/").And.Contain("server_tokens off;");
        conf.Count(c => c == '{').Should().Be(conf.Count(c => c == '}'));
    }

    [Fact]
    public void EveryLocationKeepsUpstreamConnectionsAliveWithHttp11()
    {
        // Found by the boot test: a location on nginx's default HTTP/1.0 put connections the app had
        // closed back into the shared keep-alive pool, and the next request on one got a 502.
        var conf = FleetBootstrapScript.NginxConfig(Options);
        var server = conf.IndexOf("server {", StringComparison.Ordinal);
        var http11 = conf.IndexOf("proxy_http_version 1.1;", StringComparison.Ordinal);
        http11.Should().BeInRange(0, server, "HTTP/1.1 to the upstream is set for every location, before the server block");
        conf.IndexOf("proxy_set_header Connection \"\";", StringComparison.Ordinal).Should().BeInRange(0, server);
        conf[server..].Should().NotContain("proxy_set_header", "a location with its own proxy_set_header would drop the inherited Connection header reset");
        conf.Should().Contain("proxy_next_upstream error timeout;");
    }

    [Fact]
    public void AppConfigHoldsTheContractTheRevisionBundleReads()
    {
        var script = FleetBootstrapScript.Render(Options);
        foreach (var line in new[] { "APP_PROCESS_COUNT=3", "APP_BASE_PORT=8001", "APP_HEALTH_PATH=/health", "APP_ENVIRONMENT=dev", "APP_COLOR=blue", "APP_SECRET_ARN=arn:aws:secretsmanager:" })
            script.Should().Contain(line);
        // install.sh, which the script carries, installs the unit and the placeholder.
        ServerFiles.InstallScript.Should().Contain("/opt/app/current/start").And.Contain("EnvironmentFile=/etc/app/app.env").And.Contain("User=app");
    }

    [Fact]
    public void PlaceholderAnswers503OnEveryPath()
    {
        FleetBootstrapScript.PlaceholderApp.Should().Contain("send_response(503)").And.Contain("X-App-Revision").And.NotContain("send_response(200)");
    }

    [Fact]
    public void RevisionsLiveInReleasesBehindTheCurrentLink()
    {
        ServerFiles.InstallScript.Should().Contain("ln -sfn releases/placeholder /opt/app/current").And.Contain("if [ -e /opt/app/current ]; then");
    }

    [Fact]
    public void PlaceholderAppIsValidPython()
    {
        var path = Path.Combine(Path.GetTempPath(), $"placeholder-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, FleetBootstrapScript.PlaceholderApp);
        try
        {
            using var py = Process.Start(new ProcessStartInfo("python3", ["-m", "py_compile", path]) { RedirectStandardError = true })!;
            var errors = py.StandardError.ReadToEnd();
            py.WaitForExit();
            py.ExitCode.Should().Be(0, errors);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheScriptCarriesInstallShAsItIsAndTheHashOfThatText()
    {
        // The golden check compares the marker with INSTALL_SHA256; both must describe the very text written.
        var script = FleetBootstrapScript.Render(Options);
        const string open = "base64 -d <<'INFRA_INSTALL_SH' | gunzip > /usr/local/lib/infra/install.sh\n";
        var start = script.IndexOf(open, StringComparison.Ordinal);
        start.Should().BePositive();
        start += open.Length;
        var end = script.IndexOf("\nINFRA_INSTALL_SH\n", start, StringComparison.Ordinal);
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String(script[start..end].Replace("\n", "", StringComparison.Ordinal))), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        reader.ReadToEnd().Should().Be(ServerFiles.InstallScript + "\n");
        script.Should().Contain($"\nINSTALL_SHA256={ServerFiles.InstallScriptSha256}\n")
            .And.Contain("echo \"$INSTALL_SHA256  /usr/local/lib/infra/install.sh\" | sha256sum -c --quiet -", "a damaged copy fails the boot, not a later step");
        FleetBootstrapScript.InstallPath.Should().Be("/usr/local/lib/infra/install.sh");
    }

    [Fact]
    public void TheUserDataStaysUnderEc2sLimitWithRoomForItsReferences()
    {
        // EC2 rejects user data over 16 KB (raw, before base64). Long values stand in for the resolved references;
        // 1 KB is left for the signal line WebFleet adds and for longer names.
        var arn = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:" + new string('s', 60) + "-AbCdEf";
        var group = "/web-fleet/" + new string('g', 80);
        var biggest = new FleetBootstrapScript.Options(8, 8001, 8080, "/health/ready", "production-eu", "green", arn, true,
            new CloudWatchAgentScript.Options(group, group, group, group, "WebFleet/" + new string('n', 60), null), SendsSignal: true);
        var bytes = System.Text.Encoding.UTF8.GetByteCount("#!/bin/bash\n" + FleetBootstrapScript.Render(biggest));
        bytes.Should().BeLessThan(16384 - 1024, "user data over 16 KB fails at launch, after the deploy began");
    }

    [Fact]
    public void EveryPartTheScriptInstallsIsOneInstallShKnows()
    {
        var parts = System.Text.RegularExpressions.Regex.Matches(FleetBootstrapScript.Render(Options with { SendsSignal = true, CloudWatchAgent = Agent }), @"^install_part (\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        parts.Should().Equal("signal-tool", "cloudwatch-agent", "web", "codedeploy-agent");
        foreach (var part in parts) ServerFiles.InstallScript.Should().Contain($"\ninstall_{part.Replace('-', '_')}() {{");
    }

    [Fact]
    public void AGoldenImageOfThisInstallShInstallsNothingAndSaysSo()
    {
        var run = RunGoldenCheck($"source=pipeline/web-x86 1.0.4\nbuilt=2026-12-06T01:02:03Z\ninstall_sha256={ServerFiles.InstallScriptSha256}\n");
        run.Log.Should().Contain("bootstrap: golden image (pipeline/web-x86 1.0.4, built 2026-12-06T01:02:03Z): installing nothing");
        run.Calls.Should().BeEmpty();
    }

    [Fact]
    public void WithoutAMarkerEveryPartIsInstalled()
    {
        var run = RunGoldenCheck(null);
        run.Log.Should().MatchRegex(@"bootstrap: no golden image marker \(/\S+/golden-image\): running install.sh").And.NotContain("installing nothing");
        run.Calls.Should().Equal("signal-tool", "web", "codedeploy-agent");
    }

    [Fact]
    public void AMarkerOfAnotherInstallShWarnsAndInstallsAnyway()
    {
        var other = new string('0', 64);
        var run = RunGoldenCheck($"source=pipeline/web-x86 0.9.0\nbuilt=2026-11-01T00:00:00Z\ninstall_sha256={other}\n");
        run.Log.Should().Contain($"bootstrap: WARNING: golden image (pipeline/web-x86 0.9.0, built 2026-11-01T00:00:00Z) was made by another install.sh (sha256 {other}")
            .And.Contain("running install.sh (idempotent)").And.NotContain("installing nothing");
        run.Calls.Should().Equal("signal-tool", "web", "codedeploy-agent");
    }

    private static readonly CloudWatchAgentScript.Options Agent = new("a", "b", "c", "d", "WebFleet/x", null);

    /// <summary>
    /// Runs the script's first part (up to the metadata reads) with the marker, the log and install.sh moved into a
    /// temporary directory, then calls install_part three times; install.sh is replaced by a recorder of its arguments.
    /// </summary>
    private static (string Log, IReadOnlyList<string> Calls) RunGoldenCheck(string? marker)
    {
        var dir = Directory.CreateTempSubdirectory("golden-").FullName;
        try
        {
            var script = FleetBootstrapScript.Render(Options with { SendsSignal = true });
            var prelude = script[..script.IndexOf("# IMDSv2 only", StringComparison.Ordinal)]
                .Replace("/etc/infra/golden-image", $"{dir}/golden-image", StringComparison.Ordinal)
                .Replace("/var/log/web-fleet-bootstrap.log", $"{dir}/bootstrap.log", StringComparison.Ordinal)
                .Replace("/usr/local/lib/infra", $"{dir}/lib", StringComparison.Ordinal);
            prelude.Should().Contain("install_part signal-tool", "the options send a signal");
            if (marker is not null) File.WriteAllText(Path.Combine(dir, "golden-image"), marker);
            var path = Path.Combine(dir, "boot.sh");
            File.WriteAllText(path, "#!/bin/bash\n" + prelude.Replace("install_part signal-tool\n", "", StringComparison.Ordinal) + $$"""
                printf '#!/bin/sh\necho "$*" >> {{dir}}/calls\n' > {{dir}}/lib/install.sh
                install_part signal-tool
                install_part web
                install_part codedeploy-agent

                """);
            using var bash = Process.Start(new ProcessStartInfo("bash", [path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = bash.StandardOutput.ReadToEnd() + bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            bash.ExitCode.Should().Be(0, output);
            var calls = File.Exists(Path.Combine(dir, "calls")) ? File.ReadAllLines(Path.Combine(dir, "calls")) : [];
            // tee writes the log asynchronously: wait for its line.
            var log = "";
            for (var i = 0; i < 50 && !log.Contains("bootstrap: start", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(50);
                log = File.ReadAllText(Path.Combine(dir, "bootstrap.log"));
            }
            return (log + output, calls);
        }
        finally { Directory.Delete(dir, true); }
    }
}
