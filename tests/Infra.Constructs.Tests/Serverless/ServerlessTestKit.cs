using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra.Constructs.Serverless;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>Shared helpers of the Serverless tests: stacks, the sample's code folders, rejections, template JSON.</summary>
public static class ServerlessTestKit
{
    /// <summary>The repository root (the folder with Infra.sln), found from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Folder of a sample handler: <c>src/lambda/{name}</c>.</summary>
    public static string LambdaFolder(string name) => Path.Combine(RepoRoot, "src", "lambda", name);

    /// <summary>A fresh stack in a fresh app, with the slow built-in CloudFormation validation off.</summary>
    public static Stack NewStack(string id = "Test")
    {
        var app = new App(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false });
        return new Stack(app, id);
    }

    /// <summary>The two sample functions (original and canary) in <paramref name="stack"/>.</summary>
    public static (VersionedFunction Original, VersionedFunction Canary) SampleFunctions(Stack stack) =>
        (new VersionedFunction(stack, "Original", new VersionedFunctionProps { CodePath = LambdaFolder("original") }),
         new VersionedFunction(stack, "Canary", new VersionedFunctionProps { CodePath = LambdaFolder("canary") }));

    /// <summary>The template as a JSON tree (one jsii round trip).</summary>
    public static JsonObject Json(this Template template) =>
        JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!.AsObject();

    /// <summary>Resources of one type: logical id and properties.</summary>
    public static IReadOnlyList<(string Id, JsonObject Props)> Of(this JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!["Properties"] as JsonObject ?? new JsonObject()))
            .ToList();

    /// <summary>The properties of the only resource of <paramref name="type"/>.</summary>
    public static JsonObject Single(this JsonObject template, string type)
    {
        var all = template.Of(type);
        all.Should().ContainSingle($"one {type} is expected");
        return all[0].Props;
    }

    /// <summary>
    /// Runs <paramref name="build"/> and asserts an <see cref="InvalidPropException"/> whose message
    /// names the construct path and the property (never a jsii trace); returns it.
    /// </summary>
    public static InvalidPropException Rejects(Action build, string constructPath, string property)
    {
        var error = build.Should().Throw<InvalidPropException>().Which;
        error.ConstructPath.Should().Be(constructPath);
        error.Property.Should().Be(property);
        error.Message.Should().StartWith($"{constructPath}: invalid {property} = ").And.Contain("Allowed: ");
        error.Message.Should().NotContain("Amazon.JSII");
        return error;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Infra.sln not found above {AppContext.BaseDirectory}");
    }
}
