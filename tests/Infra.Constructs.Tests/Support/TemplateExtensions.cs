using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;

namespace Infra.Constructs.Tests.Support;

/// <summary>Reads a CDK assertion template as JSON, for checks the Match API cannot express.</summary>
public static class TemplateExtensions
{
    /// <summary>
    /// A fleet's user data without the install.sh it carries (the here-document written to
    /// <c>FleetBootstrapScript.InstallPath</c>): the lines this fleet's settings decide. install.sh names every
    /// agent and package, so a check that something is absent from a fleet must look here.
    /// </summary>
    public static string WithoutInstallScript(this string userData)
    {
        const string open = "<<'INFRA_INSTALL_SH'", close = "\nINFRA_INSTALL_SH\n";
        var start = userData.IndexOf(open, StringComparison.Ordinal);
        var end = userData.IndexOf(close, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException("the user data carries no install.sh here-document");
        var lineEnd = userData.IndexOf('\n', start);
        return userData[..(lineEnd + 1)] + userData[(end + 1)..];
    }

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
