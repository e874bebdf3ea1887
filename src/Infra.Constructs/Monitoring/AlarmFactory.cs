using System.Globalization;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;

namespace Infra.Constructs.Monitoring;

/// <summary>How the monitoring constructs make an alarm: missing data is not breaching, descriptions in invariant culture.</summary>
internal static class AlarmFactory
{
    /// <summary>An alarm on <paramref name="metric"/>: <paramref name="datapoints"/> of <paramref name="periods"/> periods beyond the threshold.</summary>
    public static Alarm New(Construct scope, string id, IMetric metric, double threshold, ComparisonOperator op, int periods, int datapoints, string description) =>
        new(scope, id, new AlarmProps
        {
            Metric = metric,
            Threshold = threshold,
            ComparisonOperator = op,
            EvaluationPeriods = periods,
            DatapointsToAlarm = datapoints,
            // No requests or no servers is not a failure: an idle color must not alarm.
            TreatMissingData = TreatMissingData.NOT_BREACHING,
            AlarmDescription = description,
        });

    /// <summary>A threshold as written in a description: at most two decimals, whatever the machine's culture.</summary>
    public static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
