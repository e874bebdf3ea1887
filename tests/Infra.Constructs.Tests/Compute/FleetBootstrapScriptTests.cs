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
    public void AppConfigHoldsTheContractTheRevisionBundleReads()
    {
        var script = FleetBootstrapScript.Render(Options);
        foreach (var line in new[] { "APP_PROCESS_COUNT=3", "APP_BASE_PORT=8001", "APP_HEALTH_PATH=/health", "APP_ENVIRONMENT=dev", "APP_COLOR=blue", "APP_SECRET_ARN=arn:aws:secretsmanager:" })
            script.Should().Contain(line);
        script.Should().Contain("/opt/app/current/start").And.Contain("EnvironmentFile=/etc/app/app.env").And.Contain("User=app");
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
