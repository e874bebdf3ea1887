using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>Runs the sample handlers under Node with a fake API Gateway (Lambda proxy) event.</summary>
public sealed class SampleHandlerTests
{
    /// <summary>A trimmed REST API proxy event for <c>GET /</c> on stage <c>live</c>.</summary>
    private const string Event = """
        {"resource":"/","path":"/","httpMethod":"GET","headers":{"Accept":"*/*"},"queryStringParameters":null,
         "pathParameters":null,"stageVariables":{"lambdaFunction":"arn:aws:lambda:eu-west-1:123456789012:function:sample:live"},
         "requestContext":{"resourcePath":"/","httpMethod":"GET","stage":"live","requestId":"test-request"},
         "body":null,"isBase64Encoded":false}
        """;

    [Theory]
    [InlineData("original", "this is the original function (Math.ceil) = 1000")]
    [InlineData("canary", "this is the canary function (Math.floor) = 999")]
    public void Handler_answers_the_proxy_event_with_its_body(string name, string body)
    {
        var response = Invoke(Path.Combine(ServerlessTestKit.LambdaFolder(name), "index.mjs"));
        response["statusCode"]!.GetValue<int>().Should().Be(200);
        response["body"]!.GetValue<string>().Should().Be(body);
        response["headers"]!["content-type"]!.GetValue<string>().Should().StartWith("text/plain");
    }

    private static JsonObject Invoke(string file)
    {
        // The handler module is imported by URL, called once, and its result printed as JSON.
        const string script = """
            const [file, event] = process.argv.slice(1);
            const { handler } = await import(new URL('file://' + file).href);
            process.stdout.write(JSON.stringify(await handler(JSON.parse(event), {})));
            """;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--input-type=module", "-e", script, file, Event }) start.ArgumentList.Add(a);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        node.WaitForExit(30_000).Should().BeTrue("node should finish within 30 s");
        node.ExitCode.Should().Be(0, stderr.Result);
        return JsonNode.Parse(stdout.Result)!.AsObject();
    }
}
