using System.Text.RegularExpressions;

namespace Infra.Constructs.Validation;

/// <summary>
/// Checks props before any resource is created. Each check throws <see cref="InvalidPropException"/>
/// naming the construct path and the property; constructs call these first, so bad input never
/// reaches the CDK (whose own errors surface as jsii traces).
/// </summary>
public sealed partial class PropChecks
{
    private readonly Func<string> _path;
    private readonly string _propsType;

    /// <summary>Creates checks for the construct at <paramref name="constructPath"/>.</summary>
    public PropChecks(string constructPath, string propsType)
    {
        _path = () => constructPath;
        _propsType = propsType;
    }

    /// <summary>
    /// Creates checks for <paramref name="construct"/>; its path (two jsii round trips) is read only
    /// when a check fails.
    /// </summary>
    public PropChecks(global::Constructs.IConstruct construct, string propsType)
    {
        _path = () => construct.Node.Path;
        _propsType = propsType;
    }

    /// <summary>
    /// Requires the props object itself: a null from a caller without nullable checks gets the usual
    /// message instead of a NullReferenceException.
    /// </summary>
    public static T RequireProps<T>(global::Constructs.IConstruct construct, T? props) where T : class =>
        props ?? throw new InvalidPropException(construct.Node.Path, typeof(T).Name, null,
            $"a {typeof(T).Name} (this construct's props are required; see the defaults in its XML docs)");

    /// <summary>Throws for <paramref name="property"/> with the given value and allowed description.</summary>
    public InvalidPropException Fail(string property, object? value, string allowed) =>
        new(_path(), $"{_propsType}.{property}", value, allowed);

    /// <summary>Requires a non-null value.</summary>
    public T Required<T>(string property, T? value) where T : class =>
        value ?? throw Fail(property, null, "a value (this property is required)");

    /// <summary>Requires an integer within [min, max] when set.</summary>
    public void InRange(string property, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
            throw Fail(property, v, $"a number from {min} to {max}");
    }

    /// <summary>Requires a whole number of seconds within [min, max] when set; returns it in seconds.</summary>
    public int? Seconds(string property, Amazon.CDK.Duration? value, int min, int max) => Whole(property, value, 1_000, "seconds", min, max);

    /// <summary>Requires a whole number of minutes within [min, max] when set; returns it in minutes.</summary>
    public int? Minutes(string property, Amazon.CDK.Duration? value, int min, int max) => Whole(property, value, 60_000, "minutes", min, max);

    /// <summary>Requires a whole number of days within [min, max] when set; returns it in days.</summary>
    public int? Days(string property, Amazon.CDK.Duration? value, int min, int max) => Whole(property, value, 86_400_000, "days", min, max);

    // A Duration in whole units of `unit` milliseconds: AWS takes these fields as integers of one unit, so
    // 90 seconds for a field in minutes is rejected here rather than rounded by the CDK or refused by AWS.
    private int? Whole(string property, Amazon.CDK.Duration? value, double unit, string unitName, int min, int max)
    {
        if (value is null) return null;
        var n = value.ToMilliseconds(new Amazon.CDK.TimeConversionOptions { Integral = false }) / unit;
        if (double.IsNaN(n) || n != Math.Floor(n) || n < min || n > max)
            throw Fail(property, value.ToHumanString(), $"a Duration of whole {unitName} from {min} to {max}, e.g. Duration.{char.ToUpperInvariant(unitName[0])}{unitName[1..]}({Math.Max(min, 1)})");
        return (int)n;
    }

    /// <summary>Requires a TCP port (1-65535) when set.</summary>
    public void Port(string property, int? value) => InRange(property, value, 1, 65535);

    /// <summary>Requires a non-blank string when set.</summary>
    public void NotBlank(string property, string? value)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
            throw Fail(property, value, "a non-empty string");
    }

    /// <summary>Requires the string to match <paramref name="pattern"/> when set.</summary>
    public void Matches(string property, string? value, Regex pattern, string allowed)
    {
        if (value is not null && !pattern.IsMatch(value))
            throw Fail(property, value, allowed);
    }

    /// <summary>Requires a valid IPv4 or IPv6 CIDR block when set; returns it parsed.</summary>
    public Cidr? CidrBlock(string property, string? value)
    {
        if (value is null) return null;
        return Cidr.TryParse(value, out var cidr)
            ? cidr
            : throw Fail(property, value, "a CIDR block such as 10.0.0.0/16 or 2001:db8::/32, with no host bits set");
    }

    /// <summary>Requires a DNS name (labels of letters, digits and hyphens, at least one dot).</summary>
    public void DomainName(string property, string? value)
    {
        if (value is null) return;
        if (value.Length > 253 || !DomainPattern().IsMatch(value))
            throw Fail(property, value, "a fully qualified domain name such as app.example.com (letters, digits, hyphens; no trailing dot; at most 253 characters)");
    }

    /// <summary>Requires a five-field cron expression (minute hour day-of-month month day-of-week).</summary>
    public void Cron(string property, string? value)
    {
        if (value is null) return;
        var fields = value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5 || !fields.All(f => CronFieldPattern().IsMatch(f)))
            throw Fail(property, value, "a five-field cron expression 'minute hour day-of-month month day-of-week' in UTC or the schedule's time zone, e.g. '0 8 * * MON-FRI'");
        int[] max = [59, 23, 31, 12, 7];
        for (var i = 0; i < 5; i++)
        {
            foreach (Match n in Regex.Matches(fields[i], "[0-9]+"))
            {
                if (int.Parse(n.Value, System.Globalization.CultureInfo.InvariantCulture) > max[i])
                    throw Fail(property, value, $"field {i + 1} of the cron expression must not exceed {max[i]}");
            }
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^(\*|\?|[0-9A-Za-z]+([-/,][0-9A-Za-z]+)*(/[0-9]+)?|\*/[0-9]+)$")]
    private static partial Regex CronFieldPattern();
}
