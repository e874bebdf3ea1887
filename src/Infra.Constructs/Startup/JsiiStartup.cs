using System.Reflection;

namespace Infra.Constructs.Startup;

/// <summary>
/// Makes a C# CDK process start and synthesize faster. Call <see cref="Tune"/> once, first thing in
/// <c>Main</c> (or in a test assembly's module initializer), before any CDK type is used. It does two
/// things, measured in docs/performance.md:
/// <list type="number">
/// <item>Loads the type metadata of Amazon.CDK.Lib (about 59,000 types) on a background thread. The
/// jsii runtime scans every type of it on its first call; done here, that work overlaps with the
/// start of the jsii Node process instead of following it.</item>
/// <item>Adds one V8 setting to <c>NODE_OPTIONS</c> for the jsii Node process: a higher WebAssembly
/// tiering budget (<see cref="V8Flags"/>). The CDK's built-in CloudFormation validation runs a 10 MB
/// WebAssembly module; by default V8 recompiles much of it with its optimizing compiler on the second
/// core while the synthesis runs, and waits for that work at exit. With the higher budget only the
/// functions that run long are optimized: a small app synthesizes faster and with less memory, a large
/// one still gets optimized code. It changes no template.</item>
/// </list>
/// What it changes outside its own process: only <c>NODE_OPTIONS</c>, appended to (never replaced),
/// and only until <see cref="RestoreNodeOptions"/> puts back the previous value once the jsii Node
/// process has started with it (<see cref="CdkProgram.Run"/> does, right after it creates the app).
/// Until then a child process the program starts inherits the entry: a Node one runs the same flag
/// (WebAssembly compilation budget only), any other ignores it.
/// Set <c>INFRA_JSII_TUNING=off</c> to turn both off (bench/run measures with and without).
/// </summary>
public static class JsiiStartup
{
    /// <summary>The V8 flags set in the jsii Node process.</summary>
    public const string V8Flags = "--wasm-tiering-budget=1000000000";

    /// <summary>
    /// The <c>NODE_OPTIONS</c> entry that applies <see cref="V8Flags"/>: an inline module that calls
    /// <c>v8.setFlagsFromString</c> (V8 flags cannot be given in <c>NODE_OPTIONS</c> directly; a Node
    /// whose V8 lacks the flag prints "unrecognized flag" to stderr and carries on instead of failing).
    /// </summary>
    public const string NodeOption = "--import=data:text/javascript,import{setFlagsFromString}from'node:v8';setFlagsFromString('" + V8Flags + "')";

    private static int _started;

    // NODE_OPTIONS before Tune changed it (null: unset) and the value Tune set; null _applied: nothing to restore.
    private static string? _previous;
    private static string? _applied;

    /// <summary>
    /// Applies the tuning once per process; later calls do nothing. Returns false when it is turned
    /// off (<c>INFRA_JSII_TUNING=off</c>) or was already applied.
    /// </summary>
    public static bool Tune()
    {
        if (string.Equals(System.Environment.GetEnvironmentVariable("INFRA_JSII_TUNING"), "off", StringComparison.OrdinalIgnoreCase))
            return false;
        if (Interlocked.Exchange(ref _started, 1) == 1)
            return false;

        var options = System.Environment.GetEnvironmentVariable("NODE_OPTIONS");
        if (options is null || !options.Contains("wasm-tiering-budget", StringComparison.Ordinal))
        {
            var applied = string.IsNullOrWhiteSpace(options) ? NodeOption : options + " " + NodeOption;
            (_previous, _applied) = (options, applied);
            System.Environment.SetEnvironmentVariable("NODE_OPTIONS", applied);
        }

        // Type loading is thread-safe and touches nothing of jsii: no attribute is created here.
        var warm = new Thread(() =>
        {
            try { _ = typeof(Amazon.CDK.App).Assembly.GetTypes(); }
            catch (ReflectionTypeLoadException) { /* the jsii runtime reports these itself */ }
        })
        { IsBackground = true, Name = "Amazon.CDK.Lib type warm-up" };
        warm.Start();
        return true;
    }

    /// <summary>
    /// Puts <c>NODE_OPTIONS</c> back to its value before <see cref="Tune"/>. Call it once the jsii
    /// runtime has started, that is after the first CDK object is created (<c>new App()</c>): its Node
    /// process read the setting when it started and keeps it; a call before that only loses the
    /// speed-up. Does nothing (returns false) when <see cref="Tune"/> changed nothing, when it was
    /// already restored, or when something else has changed <c>NODE_OPTIONS</c> since.
    /// </summary>
    public static bool RestoreNodeOptions()
    {
        var applied = Interlocked.Exchange(ref _applied, null);
        if (applied is null || System.Environment.GetEnvironmentVariable("NODE_OPTIONS") != applied) return false;
        System.Environment.SetEnvironmentVariable("NODE_OPTIONS", _previous);
        return true;
    }
}
