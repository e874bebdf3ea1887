using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Releases;

/// <summary>
/// A <see cref="ProgressiveRelease"/> resolved: defaults from <see cref="ReleaseDefaults"/>, every value checked
/// and every error collected. The constructs that run releases (blue/green fleets, an API stage canary) resolve
/// their release into this and write it into the template for <c>tools/release</c>.
/// </summary>
public sealed partial record ReleaseSettings
{
    /// <summary>The release's id.</summary>
    public required string Id { get; init; }

    /// <summary>Percent of the traffic on the new version at each step.</summary>
    public required IReadOnlyList<double> Steps { get; init; }

    /// <summary>Seconds each step runs.</summary>
    public required int BakeSeconds { get; init; }

    /// <summary>Seconds between two looks at the gates.</summary>
    public required int PollSeconds { get; init; }

    /// <summary>Seconds the new color may take to have healthy targets.</summary>
    public required int HealthyWaitSeconds { get; init; }

    /// <summary>The new side's alarms gate each step.</summary>
    public required bool Alarms { get; init; }

    /// <summary>Error share bound, percent.</summary>
    public required double MaxErrorPercent { get; init; }

    /// <summary>Error share increase bound over the baseline, points.</summary>
    public required double MaxErrorIncreasePoints { get; init; }

    /// <summary>Absolute p99 bound in seconds, or null.</summary>
    public double? MaxP99Seconds { get; init; }

    /// <summary>p99 bound relative to the baseline.</summary>
    public required double MaxP99Ratio { get; init; }

    /// <summary>Requests needed before a decision.</summary>
    public required int MinRequests { get; init; }

    /// <summary>The release-status parameter's value once this release is done (its default: the declared final state).</summary>
    public string DoneStatus => "done:" + Id;

    /// <summary>
    /// The release-status parameter of <paramref name="owner"/> (logical id <c>{prefix}ReleaseStatus</c>, default
    /// <see cref="DoneStatus"/>, written by tools/release: done:&lt;id&gt; or rolled-back:&lt;id&gt;) and its output.
    /// </summary>
    public CfnParameter AddStatusParameter(Construct owner)
    {
        var status = new CfnParameter(owner, "ReleaseStatus", new CfnParameterProps
        {
            Type = "String",
            AllowedPattern = "^(done|rolled-back):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            Default = DoneStatus,
            Description = $"Where the last release of {owner.Node.Path} ended: done:<id> or rolled-back:<id>. Written by tools/release.",
        });
        status.OverrideLogicalId(LogicalIdPrefix(owner) + "ReleaseStatus");
        _ = new CfnOutput(owner, "ReleaseStatusOutput", new CfnOutputProps { Value = status.ValueAsString, Description = "Where the last release ended (tools/release)" });
        return status;
    }

    /// <summary>
    /// The readable prefix of a release construct's parameter and condition logical ids (<c>Fleets</c> in
    /// <c>FleetsBlueWeight</c>): its id, letters and digits only, so a person can find them in the console.
    /// </summary>
    public static string LogicalIdPrefix(IConstruct owner) => AlphanumericOnly(owner.Node.Id);

    /// <summary><paramref name="text"/> without anything but letters and digits (logical ids allow nothing else).</summary>
    public static string AlphanumericOnly(string text) => NonAlphanumeric().Replace(text, "");

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();

    /// <summary>Key of the template metadata <c>tools/release</c> reads: a list with one entry per release in the stack.</summary>
    public const string MetadataKey = "Infra::Releases";

    /// <summary>How the steps are bounded by the construct that runs them.</summary>
    /// <param name="DefaultSteps">Steps when the release names none.</param>
    /// <param name="WholePercents">Steps must be whole numbers (load balancer weights are integers).</param>
    /// <param name="EndsAtAll">100 is appended when the last step is below it (the new side ends with all of the traffic).</param>
    public sealed record StepRules(IReadOnlyList<double> DefaultSteps, bool WholePercents, bool EndsAtAll);

    /// <summary>Resolves <paramref name="release"/> (null: no release), recording every invalid value on <paramref name="check"/> under <paramref name="property"/>.</summary>
    public static ReleaseSettings? Resolve(ProgressiveRelease? release, PropChecks check, string property, StepRules rules)
    {
        if (release is null) return null;
        if (release.Id is null) check.Reject($"{property}.{nameof(release.Id)}", null, "an id naming this release, e.g. \"2026-12-07-orders\"");
        check.Matches($"{property}.{nameof(release.Id)}", release.Id, IdPattern(), "1-64 of letters, digits, '.', '_' and '-', starting with a letter or digit");

        var steps = (release.Steps ?? rules.DefaultSteps).ToList();
        var stepsProperty = $"{property}.{nameof(release.Steps)}";
        var shown = string.Join(", ", steps.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        if (steps.Count is 0 or > 10)
            check.Reject(stepsProperty, shown, "1 to 10 steps");
        else if (steps.Any(s => !(s > 0 && s <= 100)))
            check.Reject(stepsProperty, shown, "percents above 0 and at most 100");
        else if (steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First))
            check.Reject(stepsProperty, shown, "strictly ascending percents");
        else if (rules.WholePercents && steps.Any(s => s != Math.Floor(s)))
            check.Reject(stepsProperty, shown, "whole percents (load balancer weights are integers)");
        if (rules.EndsAtAll && steps.Count is > 0 and <= 10 && steps[^1] < 100) steps.Add(100);

        var gates = release.Gates ?? new ReleaseGates();
        var gatesProperty = $"{property}.{nameof(release.Gates)}";
        var maxError = gates.MaxErrorPercent ?? ReleaseDefaults.MaxErrorPercent;
        if (!(maxError > 0 && maxError <= 100)) check.Reject($"{gatesProperty}.{nameof(gates.MaxErrorPercent)}", maxError, "above 0 and at most 100");
        var increase = gates.MaxErrorIncreasePoints ?? ReleaseDefaults.MaxErrorIncreasePoints;
        check.InRange($"{gatesProperty}.{nameof(gates.MaxErrorIncreasePoints)}", increase, 0, 100);
        var ratio = gates.MaxP99Ratio ?? ReleaseDefaults.MaxP99Ratio;
        check.InRange($"{gatesProperty}.{nameof(gates.MaxP99Ratio)}", ratio, 1, 10);
        var minRequests = gates.MinRequests ?? ReleaseDefaults.MinRequests;
        check.InRange($"{gatesProperty}.{nameof(gates.MinRequests)}", minRequests, 1, 1_000_000);
        double? maxP99 = null;
        if (gates.MaxP99 is { } p99)
        {
            var ms = p99.ToMilliseconds();
            if (ms is < 1 or > 60_000) check.Reject($"{gatesProperty}.{nameof(gates.MaxP99)}", p99.ToHumanString(), "1 ms to 60 seconds");
            maxP99 = ms / 1000.0;
        }

        return new ReleaseSettings
        {
            Id = release.Id ?? "",
            Steps = steps,
            BakeSeconds = check.Seconds($"{property}.{nameof(release.BakeTime)}", release.BakeTime, 60, 86_400) ?? ReleaseDefaults.BakeMinutes * 60,
            PollSeconds = check.Seconds($"{property}.{nameof(release.PollInterval)}", release.PollInterval, 5, 60) ?? ReleaseDefaults.PollSeconds,
            HealthyWaitSeconds = (check.Minutes($"{property}.{nameof(release.HealthyWait)}", release.HealthyWait, 1, 60) ?? ReleaseDefaults.HealthyWaitMinutes) * 60,
            Alarms = gates.Alarms ?? true,
            MaxErrorPercent = maxError,
            MaxErrorIncreasePoints = increase,
            MaxP99Seconds = maxP99,
            MaxP99Ratio = ratio,
            MinRequests = minRequests,
        };
    }

    /// <summary>The fields every release entry of the template metadata has; the construct adds its own (kind, parameters, resources).</summary>
    public Dictionary<string, object> ToMetadata(string kind, string constructPath)
    {
        var gates = new Dictionary<string, object>
        {
            ["alarms"] = Alarms,
            ["maxErrorPercent"] = Number(MaxErrorPercent),
            ["maxErrorIncreasePoints"] = Number(MaxErrorIncreasePoints),
            ["maxP99Ratio"] = Number(MaxP99Ratio),
            ["minRequests"] = MinRequests,
        };
        if (MaxP99Seconds is { } p99) gates["maxP99Seconds"] = Number(p99);
        return new Dictionary<string, object>
        {
            ["kind"] = kind,
            ["id"] = Id,
            ["construct"] = constructPath,
            ["steps"] = Steps.Select(Number).ToArray(),
            ["bakeSeconds"] = BakeSeconds,
            ["pollSeconds"] = PollSeconds,
            ["healthyWaitSeconds"] = HealthyWaitSeconds,
            ["gates"] = gates,
        };
    }

    /// <summary>
    /// A number for the template's Metadata section, which takes whole JSON numbers but no fractions (cfn-lint
    /// E4002): a whole value as an integer, a fraction as its invariant text ("0.5"); tools/release reads both.
    /// </summary>
    public static object Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? (long)value : value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();
}
