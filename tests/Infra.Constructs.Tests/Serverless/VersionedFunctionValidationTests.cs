using Amazon.CDK.AWS.Logs;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

public sealed class VersionedFunctionValidationTests
{
    private const string Path = "Test/Fn";

    private static void Rejected(VersionedFunctionProps props, string property, string? allowedPart = null)
    {
        var stack = ServerlessTestKit.NewStack();
        var error = ServerlessTestKit.Rejects(() => _ = new VersionedFunction(stack, "Fn", props), Path, $"VersionedFunctionProps.{property}");
        if (allowedPart is not null) error.Allowed.Should().Contain(allowedPart);
    }

    private static VersionedFunctionProps Valid => new() { InlineCode = "exports.handler = async () => ({});" };

    [Fact]
    public void No_code_is_rejected() => Rejected(new VersionedFunctionProps(), "CodePath", "InlineCode");

    [Fact]
    public void Two_sources_of_code_are_rejected() =>
        Rejected(Valid with { CodePath = ServerlessTestKit.LambdaFolder("original") }, "InlineCode", "not both");

    [Fact]
    public void Missing_code_folder_is_rejected() =>
        Rejected(new VersionedFunctionProps { CodePath = ServerlessTestKit.LambdaFolder("no-such-function") }, "CodePath", "an existing folder");

    [Fact]
    public void Too_long_inline_code_is_rejected() =>
        Rejected(new VersionedFunctionProps { InlineCode = new string('x', 4097) }, "InlineCode", "at most 4096");

    [Theory]
    [InlineData(64)]
    [InlineData(10241)]
    public void Bad_memory_is_rejected(int mib) => Rejected(Valid with { MemoryMiB = mib }, "MemoryMiB", "from 128 to 10240");

    [Theory]
    [InlineData(0)]
    [InlineData(901)]
    public void Bad_timeout_is_rejected(int seconds) => Rejected(Valid with { Timeout = Amazon.CDK.Duration.Seconds(seconds) }, "Timeout", "from 1 to 900");

    [Fact]
    public void Zero_reserved_concurrency_is_rejected() => Rejected(Valid with { ReservedConcurrency = 0 }, "ReservedConcurrency", "from 1 to 10000");

    [Fact]
    public void Logs_that_never_expire_are_rejected() => Rejected(Valid with { LogRetention = RetentionDays.INFINITE }, "LogRetention");

    [Theory]
    [InlineData("42")]
    [InlineData("$LATEST")]
    [InlineData("has space")]
    public void Bad_alias_name_is_rejected(string name) => Rejected(Valid with { AliasName = name }, "AliasName");

    [Fact]
    public void Bad_handler_is_rejected() => Rejected(Valid with { Handler = "index" }, "Handler", "file.export");

    [Fact]
    public void Reserved_environment_name_is_rejected() =>
        Rejected(Valid with { Environment = new Dictionary<string, string> { ["AWS_REGION"] = "x" } }, "Environment[AWS_REGION]", "AWS_");

    [Fact]
    public void Bad_environment_name_is_rejected() =>
        Rejected(Valid with { Environment = new Dictionary<string, string> { ["1st"] = "x" } }, "Environment[1st]");
}
