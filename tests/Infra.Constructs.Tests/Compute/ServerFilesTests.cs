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
            var expected = name.EndsWith(".template", StringComparison.Ordinal) ? ServerFiles.Render(name, values, ports) : ServerFiles.Read(name);
            output.Should().Be(expected + "\n", name);
        }
    }

    [Fact]
    public void NginxFailTimeoutIsTheOneTheHooksWaitOut()
    {
        ServerFiles.Read(ServerFiles.NginxConfigTemplate).Should().Contain($"fail_timeout={FleetBootstrapScript.UpstreamFailTimeoutSeconds}s;");
    }
}
