namespace Infra.Constructs.Dns;

/// <summary>Props for <see cref="ServiceZone"/>.</summary>
public sealed record ServiceZoneProps
{
    /// <summary>The zone's name, e.g. <c>example.com</c> or <c>app.example.com</c>. Required.</summary>
    public required string ZoneName { get; init; }
}
