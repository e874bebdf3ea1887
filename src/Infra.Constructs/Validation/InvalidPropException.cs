namespace Infra.Constructs.Validation;

/// <summary>
/// Thrown at synth time when a construct prop is invalid. The message names the construct path,
/// the property, the rejected value and what is allowed, so a user never has to read a jsii trace.
/// </summary>
public sealed class InvalidPropException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="constructPath">Path of the construct in the tree, e.g. <c>Prod-Web/Fleet</c>.</param>
    /// <param name="property">Property name including the props type, e.g. <c>WebFleetProps.MinCapacity</c>.</param>
    /// <param name="value">The rejected value as the user gave it.</param>
    /// <param name="allowed">What would have been accepted.</param>
    public InvalidPropException(string constructPath, string property, object? value, string allowed)
        : base($"{constructPath}: invalid {property} = {Render(value)}. Allowed: {allowed}", property)
    {
        _message = $"{constructPath}: invalid {property} = {Render(value)}. Allowed: {allowed}";
        ConstructPath = constructPath;
        Property = property;
        Allowed = allowed;
    }

    private readonly string _message;

    /// <inheritdoc />
    public override string Message => _message;

    /// <summary>Path of the construct that rejected the prop.</summary>
    public string ConstructPath { get; }

    /// <summary>The rejected property, qualified by its props type.</summary>
    public string Property { get; }

    /// <summary>Description of the accepted values.</summary>
    public string Allowed { get; }

    private static string Render(object? value) => value switch
    {
        null => "(not set)",
        string s => $"'{s}'",
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Render)) + "]",
        _ => value.ToString() ?? "(null)",
    };
}
