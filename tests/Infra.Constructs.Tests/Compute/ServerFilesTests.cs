using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Tests.Compute;

public class ServerFilesTests
{
    private static readonly string[] Names =
    [
        ServerFiles.NginxConfigTemplate, ServerFiles.AppUnit, ServerFiles.PlaceholderApp,
        ServerFiles.JournalExportUnit, ServerFiles.LogRotate, ServerFiles.CloudWatchAgentConfigTemplate,
        ServerFiles.InstallScriptName,
    ];

    private static string Dir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Infra.sln"))) dir = dir.Parent;
            return Path.Combine(dir!.FullName, "src", "Infra.Constructs", "Compute", "ServerFiles");
        }
    }

    [Fact]
    public void EveryFileInTheFolderIsEmbeddedAsItIs()
    {
        // One source: what the servers get is what deploy/test/run, the twin and a reader see in the repository.
        Directory.GetFiles(Dir).Select(Path.GetFileName).Where(n => n != "README.md").Should().BeEquivalentTo(Names);
        foreach (var name in Names)
        {
            var onDisk = File.ReadAllText(Path.Combine(Dir, name));
            onDisk.Should().EndWith("\n", $"{name} ends with a newline").And.NotContain("\r", $"{name} has LF line ends (.gitattributes)");
            ServerFiles.Read(name).Should().Be(onDisk[..^1], name);
        }
    }

    [Fact]
    public void TheReadmeNamesEveryFileAndPlaceholder()
    {
        var readme = File.ReadAllText(Path.Combine(Dir, "README.md"));
        foreach (var name in Names)
        {
            readme.Should().Contain($"`{name}`");
            foreach (Match m in Regex.Matches(ServerFiles.Read(name), @"\{\{([A-Z][A-Z0-9_]*)\}\}"))
                readme.Should().Contain($"`{{{{{m.Groups[1].Value}}}}}`", $"{name} uses it");
        }
    }

    [Fact]
    public void ALineHoldingAppPortIsWrittenOncePerPort()
    {
        var conf = ServerFiles.Render(ServerFiles.NginxConfigTemplate, new Dictionary<string, string> { ["INSTANCE_PORT"] = "80", ["HEALTH_PATH"] = "/health" }, [8001, 8002, 8003]);
        conf.Split('\n').Where(l => l.TrimStart().StartsWith("server 127.0.0.1:", StringComparison.Ordinal)).Should().Equal(
            "        server 127.0.0.1:8001 max_fails=3 fail_timeout=5s;",
            "        server 127.0.0.1:8002 max_fails=3 fail_timeout=5s;",
            "        server 127.0.0.1:8003 max_fails=3 fail_timeout=5s;");
        conf.Should().NotContain("{{");
    }

    [Fact]
    public void APlaceholderWithoutAValueFails()
    {
        var act = () => ServerFiles.Render(ServerFiles.NginxConfigTemplate, new Dictionary<string, string> { ["INSTANCE_PORT"] = "80" }, [8001]);
        act.Should().Throw<InvalidOperationException>().WithMessage("*HEALTH_PATH*");
        var noPorts = () => ServerFiles.Render(ServerFiles.NginxConfigTemplate, new Dictionary<string, string> { ["INSTANCE_PORT"] = "80", ["HEALTH_PATH"] = "/h" });
        noPorts.Should().Throw<InvalidOperationException>().WithMessage("*APP_PORT*");
        var unknown = () => ServerFiles.Read("nginx.conf");
        unknown.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void JsonValuesAreEscaped()
    {
        var o = new CloudWatchAgentScript.Options("a\"b", "c\\d", "${Token[TOKEN.1]}", "e", "WebFleet/x", null);
        var config = JsonNode.Parse(CloudWatchAgentScript.Config(o))!;
        var files = config["logs"]!["logs_collected"]!["files"]!["collect_list"]!.AsArray();
        files[0]!["log_group_name"]!.GetValue<string>().Should().Be("a\"b");
        files[1]!["log_group_name"]!.GetValue<string>().Should().Be("c\\d");
        CloudWatchAgentScript.Config(o).Should().Contain("\"${Token[TOKEN.1]}\"", "tokens pass unescaped, so the CDK still resolves them");
    }

    [Fact]
    public void ThePythonRendererOfTheChecksOutsideDotNetRendersTheSameText()
    {
        // tools/server-files/render.py feeds deploy/test/run's nginx -t and the agent schema tests.
        var values = new Dictionary<string, string>
        {
            ["INSTANCE_PORT"] = "8080",
            ["HEALTH_PATH"] = "/healthz",
            ["NGINX_ACCESS_LOG_GROUP"] = "a\"b",
            ["NGINX_ERROR_LOG_GROUP"] = "${Token[TOKEN.7]}",
            ["APP_LOG_FILE"] = "/var/log/app/*.log",
            ["APP_LOG_GROUP"] = "c",
            ["DEPLOY_LOG_GROUP"] = "d",
            ["METRIC_NAMESPACE"] = "WebFleet/x",
        };
        int[] ports = [8001, 8002];
        foreach (var name in Names)
        {
            var args = new List<string> { Path.Combine(Dir, "..", "..", "..", "..", "tools", "server-files", "render.py"), name };
            args.AddRange(values.Select(kv => $"{kv.Key}={kv.Value}"));
            args.AddRange(["--ports", string.Join(',', ports)]);
            using var py = Process.Start(new ProcessStartInfo("python3", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = py.StandardOutput.ReadToEnd();
            var errors = py.StandardError.ReadToEnd();
            py.WaitForExit();
            py.ExitCode.Should().Be(0, errors);
            var expected = name == ServerFiles.InstallScriptName ? ServerFiles.InstallScript
                : name.EndsWith(".template", StringComparison.Ordinal) ? ServerFiles.Render(name, values, ports) : ServerFiles.Read(name);
            output.Should().Be(expected + "\n", name);
        }
    }

    [Fact]
    public void NginxFailTimeoutIsTheOneTheHooksWaitOut()
    {
        ServerFiles.Read(ServerFiles.NginxConfigTemplate).Should().Contain($"fail_timeout={FleetBootstrapScript.UpstreamFailTimeoutSeconds}s;");
    }

    [Fact]
    public void TheInstallScriptCarriesTheServerFilesItIncludes()
    {
        // One source: the unit, the placeholder app and the logrotate file are included, not copied.
        var script = ServerFiles.InstallScript;
        script.Split('\n').Should().NotContain(l => l.StartsWith("@include", StringComparison.Ordinal));
        foreach (var name in new[] { ServerFiles.AppUnit, ServerFiles.PlaceholderApp, ServerFiles.JournalExportUnit, ServerFiles.LogRotate })
        {
            script.Should().Contain(ServerFiles.Read(name), name);
            ServerFiles.Read(ServerFiles.InstallScriptName).Should().Contain($"\n@include {name}\n");
        }
        script.Should().StartWith("#!/bin/bash\n").And.Contain("\nset -euo pipefail\n");
    }

    [Fact]
    public void TheInstallScriptIsValidBashAndItsHashIsTheFilesHash()
    {
        var path = Path.Combine(Path.GetTempPath(), $"install-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, ServerFiles.InstallScript + "\n");
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
            var errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            bash.ExitCode.Should().Be(0, errors);
            // The marker holds sha256sum's answer on the server; the C# value must be the same string.
            using var sum = Process.Start(new ProcessStartInfo("sha256sum", [path]) { RedirectStandardOutput = true })!;
            var output = sum.StandardOutput.ReadToEnd();
            sum.WaitForExit();
            output.Split(' ')[0].Should().Be(ServerFiles.InstallScriptSha256).And.MatchRegex("^[0-9a-f]{64}$");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheInstallScriptRejectsUnknownPartsAndAGoldenRunOfSomeParts()
    {
        // Runs only the argument parsing: each case exits 2 before any package manager is looked for.
        var path = Path.Combine(Path.GetTempPath(), $"install-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, ServerFiles.InstallScript + "\n");
        try
        {
            foreach (var args in new[] { new[] { "nginx" }, ["--golden"], ["--golden", "p", "web"] })
            {
                using var bash = Process.Start(new ProcessStartInfo("bash", [path, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                var errors = bash.StandardError.ReadToEnd();
                bash.StandardOutput.ReadToEnd();
                bash.WaitForExit();
                bash.ExitCode.Should().Be(2, string.Join(' ', args));
                errors.Should().StartWith("install: ");
            }
        }
        finally { File.Delete(path); }
    }
}
