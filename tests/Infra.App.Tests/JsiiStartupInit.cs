using System.Runtime.CompilerServices;

namespace Infra.Tests;

internal static class JsiiStartupInit
{
    /// <summary>Before the first test: what Infra.App's Main does first (see docs/performance.md).</summary>
#pragma warning disable CA2255 // a test assembly is the entry point here, not a library
    [ModuleInitializer]
    internal static void Init() => Infra.Constructs.Startup.JsiiStartup.Tune();
#pragma warning restore CA2255
}
