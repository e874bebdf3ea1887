using System.Text.RegularExpressions;

namespace Infra.Constructs.Validation;

/// <summary>
/// Checks props before any resource is created. Each failed check is collected as an
/// <see cref="InvalidPropException"/> naming the construct path and the property; the construct calls
/// <see cref="ThrowIfAny"/> before its first resource, so a user sees every mistake at once and bad input
/// never reaches the CDK (whose own errors surface as jsii traces). <see cref="Fail"/> is for a mistake
/// that leaves nothing sensible to check next: it returns the exception to throw, with everything
/// collected so far.
/// </summary>
public sealed partial class PropChecks
{
    private readonly Func<string> _path;
    private readonly string _propsType;
    private readonly List<InvalidPropException> _errors = [];

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

    /// <summary>Records a rejected <paramref name="property"/>; checking goes on.</summary>
    public void Reject(string property, object? value, string allowed) =>
        _errors.Add(new InvalidPropException(_path(), $"{_propsType}.{property}", value, allowed));

    /// <summary>
    /// Records a rejected <paramref name="property"/> and returns the exception to throw now, carrying every
    /// error collected so far: for a mistake after which the other checks would make no sense.
    /// </summary>
    public InvalidPropException Fail(string property, object? value, string allowed)
    {
        Reject(property, value, allowed);
        return InvalidPropException.Of(_errors);
    }

    /// <summary>True when a check has failed.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>The failed checks so far, in the order they ran.</summary>
    public IReadOnlyList<InvalidPropException> Errors => _errors;

    /// <summary>
    /// The exception to throw now for what has been collected (at least one error): after a check whose
    /// failure leaves no value to go on with, e.g. <c>check.CidrBlock(...) ?? throw check.Collected()</c>.
    /// </summary>
    public InvalidPropException Collected() => InvalidPropException.Of(_errors);

    /// <summary>Throws one <see cref="InvalidPropException"/> listing every failed check, if any failed.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw InvalidPropException.Of(_errors);
    }

    /// <summary>Requires a non-null value.</summary>
    public T Required<T>(string property, T? value) where T : class =>
        value ?? throw Fail(property, null, "a value (this property is required)");

    /// <summary>Requires an integer within [min, max] when set.</summary>
    public void InRange(string property, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
            Reject(property, v, $"a number from {min} to {max}");
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
        {
            Reject(property, value.ToHumanString(), $"a Duration of whole {unitName} from {min} to {max}, e.g. Duration.{char.ToUpperInvariant(unitName[0])}{unitName[1..]}({Math.Max(min, 1)})");
            return null;
        }
        return (int)n;
    }

    /// <summary>Requires a TCP port (1-65535) when set.</summary>
    public void Port(string property, int? value) => InRange(property, value, 1, 65535);

    /// <summary>Requires a non-blank string when set.</summary>
    public void NotBlank(string property, string? value)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
            Reject(property, value, "a non-empty string");
    }

    /// <summary>Requires the string to match <paramref name="pattern"/> when set.</summary>
    public void Matches(string property, string? value, Regex pattern, string allowed)
    {
        if (value is not null && !pattern.IsMatch(value))
            Reject(property, value, allowed);
    }

    /// <summary>Requires a valid IPv4 or IPv6 CIDR block when set; returns it parsed, or null when it is not one.</summary>
    public Cidr? CidrBlock(string property, string? value)
    {
        if (value is null) return null;
        if (Cidr.TryParse(value, out var cidr)) return cidr;
        Reject(property, value, "a CIDR block such as 10.0.0.0/16 or 2001:db8::/32, with no host bits set");
        return null;
    }

    /// <summary>Requires a DNS name (labels of letters, digits and hyphens, at least one dot).</summary>
    public void DomainName(string property, string? value)
    {
        if (value is null) return;
        if (value.Length > 253 || !DomainPattern().IsMatch(value))
            Reject(property, value, "a fully qualified domain name such as app.example.com (letters, digits, hyphens; no trailing dot; at most 253 characters)");
    }

    /// <summary>Requires a five-field cron expression (minute hour day-of-month month day-of-week).</summary>
    public void Cron(string property, string? value)
    {
        if (value is null) return;
        var fields = value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5 || !fields.All(f => CronFieldPattern().IsMatch(f)))
        {
            Reject(property, value, "a five-field cron expression 'minute hour day-of-month month day-of-week' in UTC or the schedule's time zone, e.g. '0 8 * * MON-FRI'");
            return;
        }
        int[] max = [59, 23, 31, 12, 7];
        for (var i = 0; i < 5; i++)
        {
            foreach (Match n in Regex.Matches(fields[i], "[0-9]+"))
            {
                if (int.Parse(n.Value, System.Globalization.CultureInfo.InvariantCulture) > max[i])
                {
                    Reject(property, value, $"field {i + 1} of the cron expression must not exceed {max[i]}");
                    return;
                }
            }
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^(\*|\?|[0-9A-Za-z]+([-/,][0-9A-Za-z]+)*(/[0-9]+)?|\*/[0-9]+)$")]
    private static partial Regex CronFieldPattern();
}
