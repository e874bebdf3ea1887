using System.Text.Json.Nodes;
using Amazon.CDK.CXAPI;
using Infra.App.Config;

namespace Infra.App.Tests;

/// <summary>
/// Synthesizes the reference app (every environment) once for the whole test run, with the
/// built-in CloudFormation validation on: the one place it runs in the test suite.
/// </summary>
public sealed class ReferenceAppFixture
{
    public CloudAssembly Assembly { get; }
    public IReadOnlyDictionary<string, JsonObject> Templates { get; }
    public string OutDir { get; }

    public ReferenceAppFixture()
    {
        OutDir = Path.Combine(Path.GetTempPath(), "infra-app-tests-" + Guid.NewGuid().ToString("N"));
        var app = AppFactory.Create(validation: true, outdir: OutDir);
        Program.Build(app, AppConfig.Select(_ => null));
        Assembly = app.Synth();
        // Read the written files: fetching each stack's Template through jsii copies it over the pipe.
        Templates = Assembly.Stacks.ToDictionary(
            s => s.StackName,
            s => JsonNode.Parse(File.ReadAllText(s.TemplateFullPath))!.AsObject());
    }
}

[CollectionDefinition(Name)]
public sealed class ReferenceAppCollection : ICollectionFixture<ReferenceAppFixture>
{
    public const string Name = "reference app";
}
