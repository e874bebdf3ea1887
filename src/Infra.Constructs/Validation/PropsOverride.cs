using System.Reflection;

namespace Infra.Constructs.Validation;

/// <summary>
/// The escape hatch, the AWS Solutions Constructs way: a construct takes the CDK's own props for a resource it
/// creates (e.g. <c>AutoScalingGroupProps</c>) as overrides. The rule: <b>every property set on the overrides wins</b>
/// over the library's value, except the <em>guarded</em> ones — those the construct derives from its own props (use
/// that prop) or that keep it secure (encryption, TLS, public access): setting one is an error at synth time naming
/// it and why. Unset (null) properties of the overrides change nothing.
/// </summary>
public static class PropsOverride
{
    /// <summary>
    /// Rejects each guarded property set on <paramref name="overrides"/>, in <paramref name="check"/>, as
    /// <c>{property}.{Name}</c> with the guard's reason as what is allowed.
    /// </summary>
    public static void Check<T>(T? overrides, PropChecks check, string property, IReadOnlyDictionary<string, string> guarded) where T : class
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(guarded);
        if (overrides is null) return;
        foreach (var p in Settable<T>())
        {
            if (p.GetValue(overrides) is { } value && guarded.TryGetValue(p.Name, out var why))
                check.Reject($"{property}.{p.Name}", Describe(value), why);
        }
    }

    /// <summary>Copies every property set on <paramref name="overrides"/> onto <paramref name="defaults"/> and returns it.</summary>
    public static T Apply<T>(T defaults, T? overrides) where T : class
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (overrides is null) return defaults;
        foreach (var p in Settable<T>())
        {
            if (p.GetValue(overrides) is { } value) p.SetValue(defaults, value);
        }
        return defaults;
    }

    /// <summary>The names of the properties set on <paramref name="overrides"/> (none when null).</summary>
    public static IReadOnlyList<string> SetProperties<T>(T? overrides) where T : class =>
        overrides is null ? [] : Settable<T>().Where(p => p.GetValue(overrides) is not null).Select(p => p.Name).ToList();

    private static IEnumerable<PropertyInfo> Settable<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0);

    // Values of the CDK's props are often jsii objects whose ToString is a type name: say "(set)" for those.
    private static object Describe(object value) => value switch
    {
        string or bool or int or long or double or Enum => value,
        _ => "(set)",
    };
}
