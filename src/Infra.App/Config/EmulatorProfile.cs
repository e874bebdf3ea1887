namespace Infra.App.Config;

/// <summary>
/// Test-only: what the reference app changes to deploy into a local CloudFormation emulator instead of
/// AWS, chosen with <c>-c e2e=moto</c> (tools/e2e/run, docs/e2e.md). Never use it for AWS. The one
/// change: no <c>Custom::VpcRestrictDefaultSG</c>, because moto can run its provider Lambda only in
/// Docker and the stack would wait for it forever; that leaves the VPC's default security group open
/// between its members. Every other resource stays as for AWS (ReferenceAppTests checks it).
/// </summary>
public sealed class EmulatorProfile
{
    /// <summary>The context key that selects a profile.</summary>
    public const string ContextKey = "e2e";

    /// <summary>moto_server on loopback (tools/e2e/run).</summary>
    public static EmulatorProfile Moto { get; } = new("moto");

    private EmulatorProfile(string name) => Name = name;

    /// <summary>The value of <c>-c e2e=...</c> that selects this profile.</summary>
    public string Name { get; }

    /// <summary>The profile <c>-c e2e=<paramref name="value"/></c> selects; null when unset (AWS).</summary>
    public static EmulatorProfile? Parse(string? value) => value switch
    {
        null => null,
        _ when string.Equals(value, Moto.Name, StringComparison.OrdinalIgnoreCase) => Moto,
        _ => throw new ConfigException($"Invalid -c {ContextKey}={value}. Valid: {Moto.Name} (test-only, for tools/e2e/run; leave unset for AWS)."),
    };

    /// <summary>An environment's settings as this emulator can deploy them.</summary>
    public EnvironmentSettings Apply(EnvironmentSettings settings) => settings with { RestrictDefaultSecurityGroup = false };
}
