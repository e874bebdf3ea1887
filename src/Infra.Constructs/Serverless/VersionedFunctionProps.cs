using Amazon.CDK;
using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Serverless;

/// <summary>Props for <see cref="VersionedFunction"/>.</summary>
public sealed record VersionedFunctionProps
{
    /// <summary>
    /// Folder with the function's code (an <c>index.mjs</c> for the default handler), absolute or
    /// relative to the working directory. Give this or <see cref="InlineCode"/>, not both.
    /// </summary>
    public string? CodePath { get; init; }

    /// <summary>
    /// The function's code as text (CommonJS, at most 4 KiB; Lambda stores it as <c>index.js</c>).
    /// Give this or <see cref="CodePath"/>, not both.
    /// </summary>
    public string? InlineCode { get; init; }

    /// <summary>Handler as <c>file.export</c>. Default: <c>index.handler</c>.</summary>
    public string? Handler { get; init; }

    /// <summary>Description of the function; also given to each published version. Default: none.</summary>
    public string? Description { get; init; }

    /// <summary>Memory in MiB (128-10240). Default: 256.</summary>
    public int? MemoryMiB { get; init; }

    /// <summary>Timeout (whole seconds, 1-900). Default: 10 seconds.</summary>
    public Duration? Timeout { get; init; }

    /// <summary>
    /// Concurrent executions reserved for (and capping) this function (1-10000). Opt in: Lambda refuses a
    /// reservation that leaves the account fewer than 100 unreserved executions ("decreases account's
    /// UnreservedConcurrentExecution below its minimum value"), so the sum over all functions of the
    /// account and region must stay at least 100 below its concurrency quota — and new accounts may have
    /// a quota of 10, where no reservation is possible until the quota is raised. A reservation
    /// guarantees this function its share and caps a spike or a loop. Default: none (the function uses
    /// the account's unreserved pool).
    /// </summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>
    /// How long the function's log group keeps logs (not INFINITE). The group is encrypted with a
    /// customer-managed KMS key of this construct. Default: one year.
    /// </summary>
    public RetentionDays? LogRetention { get; init; }

    /// <summary>X-Ray active tracing. Default: true.</summary>
    public bool? Tracing { get; init; }

    /// <summary>Name of the alias on the published version (letters, digits, - and _, 1-128, not only digits). Default: <c>live</c>.</summary>
    public string? AliasName { get; init; }

    /// <summary>Environment variables (names: a letter, then letters, digits and _; not <c>AWS_</c>-prefixed). Never put secrets here. Default: none.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
