namespace Infra.Constructs.Validation;

/// <summary>
/// Thrown at synth time when construct props are invalid. The message names the construct path,
/// the property, the rejected value and what is allowed, so a user never has to read a jsii trace.
/// When several props are wrong, one exception lists them all (<see cref="Errors"/>): its first line,
/// <see cref="ConstructPath"/>, <see cref="Property"/> and <see cref="Allowed"/> are the first error's.
/// </summary>
public sealed class InvalidPropException : ArgumentException
{
    /// <summary>Creates the exception for one rejected prop.</summary>
    /// <param name="constructPath">Path of the construct in the tree, e.g. <c>Prod-Web/Fleet</c>.</param>
    /// <param name="property">Property name including the props type, e.g. <c>WebFleetProps.MinCapacity</c>.</param>
    /// <param name="value">The rejected value as the user gave it.</param>
    /// <param name="allowed">What would have been accepted.</param>
    public InvalidPropException(string constructPath, string property, object? value, string allowed)
        : base(Line(constructPath, property, value, allowed), property)
    {
        _message = Line(constructPath, property, value, allowed);
        ConstructPath = constructPath;
        Property = property;
        Allowed = allowed;
        Errors = [this];
    }

    private InvalidPropException(IReadOnlyList<InvalidPropException> errors)
        : base(Join(errors), errors[0].Property)
    {
        _message = Join(errors);
        ConstructPath = errors[0].ConstructPath;
        Property = errors[0].Property;
        Allowed = errors[0].Allowed;
        Errors = [.. errors];
    }

    /// <summary>One exception for <paramref name="errors"/> (at least one): the error itself when there is one.</summary>
    public static InvalidPropException Of(IReadOnlyList<InvalidPropException> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("at least one error", nameof(errors));
        var flat = errors.SelectMany(e => e.Errors).ToList();
        return flat.Count == 1 ? flat[0] : new InvalidPropException(flat);
    }

    private readonly string _message;

    /// <inheritdoc />
    public override string Message => _message;

    /// <summary>Path of the construct that rejected the (first) prop.</summary>
    public string ConstructPath { get; }

    /// <summary>The (first) rejected property, qualified by its props type.</summary>
    public string Property { get; }

    /// <summary>Description of the accepted values of the (first) rejected property.</summary>
    public string Allowed { get; }

    /// <summary>Every rejected prop, in the order the checks ran (this one alone when there is one).</summary>
    public IReadOnlyList<InvalidPropException> Errors { get; }

    private static string Line(string constructPath, string property, object? value, string allowed) =>
        $"{constructPath}: invalid {property} = {Render(value)}. Allowed: {allowed}";

    // The first error keeps the one-line form (what a single mistake always printed); the others follow,
    // one per line, so a user fixes every prop in one go instead of one per synth.
    private static string Join(IReadOnlyList<InvalidPropException> errors) =>
        errors[0].Message + $"\n... and {errors.Count - 1} more invalid prop{(errors.Count > 2 ? "s" : "")}:\n"
        + string.Join("\n", errors.Skip(1).Select(e => "  " + e.Message));

    private static string Render(object? value) => value switch
    {
        null => "(not set)",
        string s => $"'{s}'",
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Render)) + "]",
        _ => value.ToString() ?? "(null)",
    };
}
