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
        foreach (var marker in new[] { "APPENV", "APP", "UNIT", "NGINX" })
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
        script.Should().Contain("/opt/app/current/start").And.Contain("EnvironmentFile=/etc/app/app.env").And.Contain("User=app");
    }

    [Fact]
    public void PlaceholderAnswers503OnEveryPath()
    {
        FleetBootstrapScript.PlaceholderApp.Should().Contain("send_response(503)").And.Contain("X-App-Revision").And.NotContain("send_response(200)");
    }

    [Fact]
    public void RevisionsLiveInReleasesBehindTheCurrentLink()
    {
        var script = FleetBootstrapScript.Render(Options);
        script.Should().Contain("ln -sfn releases/placeholder /opt/app/current").And.Contain("if [ -e /opt/app/current ]; then");
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
}
