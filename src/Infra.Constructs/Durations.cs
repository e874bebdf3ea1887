using System.Collections.Concurrent;
using Amazon.CDK;

namespace Infra.Constructs;

/// <summary>
/// <see cref="Duration"/>s shared within a process. Each <c>Duration.Minutes(n)</c> is a jsii round
/// trip that creates a new Node object, and the monitoring constructs ask for the same few periods
/// over a hundred times per environment. A CDK Duration is immutable, so one object per value serves
/// every construct and app.
/// </summary>
internal static class Durations
{
    private static readonly ConcurrentDictionary<(char Unit, double Amount), Duration> Cache = new();

    /// <summary>Same as <see cref="Duration.Seconds"/>.</summary>
    public static Duration Seconds(double amount) => Cache.GetOrAdd(('s', amount), k => Duration.Seconds(k.Amount));

    /// <summary>Same as <see cref="Duration.Minutes"/>.</summary>
    public static Duration Minutes(double amount) => Cache.GetOrAdd(('m', amount), k => Duration.Minutes(k.Amount));

    /// <summary>Same as <see cref="Duration.Hours"/>.</summary>
    public static Duration Hours(double amount) => Cache.GetOrAdd(('h', amount), k => Duration.Hours(k.Amount));

    /// <summary>Same as <see cref="Duration.Days"/>.</summary>
    public static Duration Days(double amount) => Cache.GetOrAdd(('d', amount), k => Duration.Days(k.Amount));
}
