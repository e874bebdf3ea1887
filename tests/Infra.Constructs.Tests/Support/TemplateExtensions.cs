using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;

namespace Infra.Constructs.Tests.Support;

/// <summary>Reads a CDK assertion template as JSON, for checks the Match API cannot express.</summary>
public static class TemplateExtensions
{
    /// <summary>The template as a JSON tree (one jsii round trip).</summary>
    public static JsonObject Json(this Template template) =>
        JsonNode.Parse(JsonSerializer.Serialize(template.ToJSON()))!.AsObject();

    /// <summary>All resources of a type: logical id and properties.</summary>
    public static IReadOnlyList<(string Id, JsonObject Props)> ResourcesOf(this JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!["Properties"] as JsonObject ?? new JsonObject()))
            .ToList();

    /// <summary>The whole resource (with Type, Properties, UpdatePolicy...).</summary>
    public static IReadOnlyList<(string Id, JsonObject Resource)> FullResourcesOf(this JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!.AsObject()))
            .ToList();

    /// <summary>
    /// Renders a user-data value (a string or an Fn::Join of strings and tokens) as text; tokens
    /// become <c>${Ref:X}</c> / <c>${Fn::...}</c> markers.
    /// </summary>
    public static string RenderText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o.ContainsKey("Fn::Base64") => RenderText(o["Fn::Base64"]),
        JsonObject o when o.ContainsKey("Fn::Join") =>
            string.Join(o["Fn::Join"]![0]!.GetValue<string>(), o["Fn::Join"]![1]!.AsArray().Select(RenderText)),
        JsonObject o when o.ContainsKey("Ref") => "${Ref:" + o["Ref"]!.GetValue<string>() + "}",
        JsonObject o => "${" + o.First().Key + "}",
        _ => node.ToJsonString(),
    };
}
