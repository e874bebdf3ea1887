using Amazon.CDK;
using Infra.Constructs.Startup;

namespace Infra.Constructs.Tests.Startup;

public class JsiiStartupTests
{
    [Fact]
    public void TheNodeOptionIsOneTokenThatSetsTheV8Flags()
    {
        // NODE_OPTIONS splits on spaces and treats double quotes specially: the option must have neither.
        JsiiStartup.NodeOption.Should().StartWith("--import=data:text/javascript,").And.Contain(JsiiStartup.V8Flags);
        JsiiStartup.NodeOption.Should().NotContain(" ").And.NotContain("\"");
    }

    private static bool TuningOff => string.Equals(System.Environment.GetEnvironmentVariable("INFRA_JSII_TUNING"), "off", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void TheModuleInitializerAppliedItOnce()
    {
        if (TuningOff) return; // turned off for this run: nothing to check
        JsiiStartup.Tune().Should().BeFalse("the test assembly's module initializer already applied it");
        // Other tests run CdkProgram.Run, which restores NODE_OPTIONS: the entry is there once or not at all.
        var options = System.Environment.GetEnvironmentVariable("NODE_OPTIONS") ?? "";
        options.Split(' ').Count(o => o == JsiiStartup.NodeOption).Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void TheJsiiNodeProcessKeepsTheSettingWhileThisProcessGetsItsNodeOptionsBack()
    {
        if (TuningOff || !OperatingSystem.IsLinux()) return; // /proc shows another process's environment on Linux only
        var outdir = Path.Combine(Path.GetTempPath(), "tune-" + Guid.NewGuid().ToString("N"));
        try { _ = CdkProgram.Run(app => _ = new Stack(app, "Empty"), new AppProps { Outdir = outdir, AnalyticsReporting = false }, TextWriter.Null); }
        finally { if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true); }
        JsiiStartup.RestoreNodeOptions().Should().BeFalse("CdkProgram.Run restored it already");
        (System.Environment.GetEnvironmentVariable("NODE_OPTIONS") ?? "").Should().NotContain(JsiiStartup.NodeOption);
        NodeChildEnvironments().Should().Contain(env => env.Contains("NODE_OPTIONS=") && env.Contains(JsiiStartup.NodeOption),
            "the jsii runtime's Node process started while the setting was in NODE_OPTIONS");
    }

    // The environments of this process's child Node processes (the jsii runtime's), from /proc.
    private static List<string> NodeChildEnvironments()
    {
        var self = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // after "pid (comm) ": state, ppid, ...
                if (fields[1] != self || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "node") continue;
                found.Add(File.ReadAllText(Path.Combine(dir, "environ")).Replace('\0', '\n'));
            }
            catch (IOException) { /* the process ended meanwhile */ }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
