using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Security;
using Infra.Constructs.Validation;
using LambdaFunction = Amazon.CDK.AWS.Lambda.Function;

namespace Infra.Constructs.Serverless;

/// <summary>
/// A Node.js Lambda function that callers reach through an alias on a published version: the
/// function (newest Node.js runtime, arm64, JSON logs), its own log group (kept a year, encrypted
/// with a customer-managed KMS key of its own), X-Ray tracing, a role that may write to that log
/// group only (plus X-Ray), reserved concurrency (10 by default), a version published whenever code
/// or configuration changes (old versions are kept so an alias can go back to them) and the alias
/// on the newest version.
/// <para>
/// No dead-letter queue and no VPC: a DLQ receives only failed <em>asynchronous</em> invocations
/// (callers such as API Gateway invoke synchronously and get the error), and a function that reaches
/// no resource inside a VPC gains nothing from running in one.
/// </para>
/// </summary>
public sealed partial class VersionedFunction : Construct
{
    /// <summary>Runtime of every function: the newest Node.js that CDK 2.276 knows and validators accept.</summary>
    public static readonly Runtime NodeRuntime = Runtime.NODEJS_24_X;

    /// <summary>The function.</summary>
    public LambdaFunction Function { get; }

    /// <summary>The version published from the current code and configuration.</summary>
    public IVersion Version { get; }

    /// <summary>The alias on <see cref="Version"/>; give this to callers.</summary>
    public Alias Alias { get; }

    /// <summary>The function's log group.</summary>
    public ILogGroup LogGroup { get; }

    /// <summary>The KMS key that encrypts <see cref="LogGroup"/>.</summary>
    public Amazon.CDK.AWS.KMS.IKey LogKey { get; }

    /// <summary>The function's execution role.</summary>
    public IRole Role { get; }

    /// <summary>Creates the function, its version and alias.</summary>
    public VersionedFunction(Construct scope, string id, VersionedFunctionProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(VersionedFunctionProps));
        if (props.CodePath is null && props.InlineCode is null)
            throw check.Fail(nameof(props.CodePath), null, "a folder with the function's code, or InlineCode");
        if (props.CodePath is not null && props.InlineCode is not null)
            throw check.Fail(nameof(props.InlineCode), "(set)", "unset when CodePath is given (give one source of code, not both)");
        check.NotBlank(nameof(props.CodePath), props.CodePath);
        if (props.CodePath is { } folder && !string.IsNullOrWhiteSpace(folder) && !Directory.Exists(folder))
            check.Reject(nameof(props.CodePath), folder, $"an existing folder (resolved against {Directory.GetCurrentDirectory()})");
        check.NotBlank(nameof(props.InlineCode), props.InlineCode);
        if (props.InlineCode is { Length: > 4096 } inline)
            check.Reject(nameof(props.InlineCode), $"({inline.Length} characters)", "at most 4096 characters; use CodePath for larger code");
        var handler = props.Handler ?? LambdaDefaults.Handler;
        check.Matches(nameof(props.Handler), handler, HandlerPattern(), "file.export such as index.handler (letters, digits, _ - / .)");
        var memory = props.MemoryMiB ?? LambdaDefaults.MemoryMiB;
        check.InRange(nameof(props.MemoryMiB), memory, 128, 10240);
        var timeout = check.Seconds(nameof(props.Timeout), props.Timeout, 1, 900) ?? LambdaDefaults.TimeoutSeconds;
        var reserved = props.ReservedConcurrency ?? LambdaDefaults.ReservedConcurrency;
        if (reserved is { } r)
            check.InRange(nameof(props.ReservedConcurrency), r, 1, 10000);
        var retention = props.LogRetention ?? LambdaDefaults.LogRetention;
        if (!Enum.IsDefined(retention) || retention == RetentionDays.INFINITE)
            check.Reject(nameof(props.LogRetention), retention, "a RetentionDays value other than INFINITE (logs must expire)");
        var aliasName = props.AliasName ?? LambdaDefaults.AliasName;
        check.Matches(nameof(props.AliasName), aliasName, AliasPattern(), "1-128 letters, digits, - or _, not only digits and not $LATEST");
        var environment = props.Environment ?? new Dictionary<string, string>();
        foreach (var name in environment.Keys)
        {
            check.Matches($"{nameof(props.Environment)}[{name}]", name, EnvNamePattern(), "a name starting with a letter, of letters, digits and _");
            if (name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase))
                check.Reject($"{nameof(props.Environment)}[{name}]", name, "a name not starting with AWS_ (reserved by Lambda)");
        }
        check.ThrowIfAny();

        LogKey = EncryptionKeys.ForLogs(this, "LogsKey", "logs of the Lambda function " + Node.Path);
        var logGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            Retention = retention,
            EncryptionKey = LogKey,
        });
        LogGroup = logGroup;

        // Least privilege: no AWSLambdaBasicExecutionRole (it may write to every log group);
        // this role may write to the function's own log group, and X-Ray when tracing is on.
        var role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = $"Execution role of {Node.Path}",
        });
        logGroup.GrantWrite(role);
        Role = role;

        var tracing = props.Tracing ?? true;
        Function = new LambdaFunction(this, "Function", new FunctionProps
        {
            Runtime = NodeRuntime,
            Architecture = Architecture.ARM_64,
            Handler = handler,
            Code = props.CodePath is { } path ? Code.FromAsset(path) : Code.FromInline(props.InlineCode!),
            Description = props.Description,
            MemorySize = memory,
            Timeout = Durations.Seconds(timeout),
            ReservedConcurrentExecutions = reserved is { } n ? n : null,
            Role = role,
            LogGroup = logGroup,
            LoggingFormat = LoggingFormat.JSON,
            Tracing = tracing ? Amazon.CDK.AWS.Lambda.Tracing.ACTIVE : Amazon.CDK.AWS.Lambda.Tracing.DISABLED,
            Environment = environment.Count == 0 ? null : environment.ToDictionary(kv => kv.Key, kv => kv.Value),
            // Versions stay when a newer one is published: an alias (or a CodeDeploy rollback) can point back at them.
            CurrentVersionOptions = new VersionOptions { RemovalPolicy = RemovalPolicy.RETAIN, Description = props.Description },
        });
        Version = Function.CurrentVersion;

        Alias = new Alias(this, "Alias", new AliasProps
        {
            AliasName = aliasName,
            Version = Version,
            Description = $"What callers of {Node.Path} reach",
        });
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-/.]+\.[A-Za-z0-9_$]+$")]
    private static partial Regex HandlerPattern();

    [GeneratedRegex(@"^(?!^[0-9]+$)(?!^\$LATEST$)[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
