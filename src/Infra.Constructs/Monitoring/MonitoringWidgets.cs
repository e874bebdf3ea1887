using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;

namespace Infra.Constructs.Monitoring;

/// <summary>Widgets sized and labelled like the rest of the dashboard, for <see cref="MonitoringSection"/>s.</summary>
public static class MonitoringWidgets
{
    /// <summary>Height of a graph row.</summary>
    public const int GraphHeight = 6;

    /// <summary>A time-series graph; <paramref name="right"/> goes on the right axis.</summary>
    public static GraphWidget Graph(string title, IEnumerable<IMetric> left, IEnumerable<IMetric>? right = null, int width = 8, double? leftThreshold = null, string? thresholdLabel = null) =>
        new(new GraphWidgetProps
        {
            Title = title,
            Left = left.ToArray(),
            Right = right?.ToArray(),
            Width = width,
            Height = GraphHeight,
            LeftYAxis = new YAxisProps { Min = 0, ShowUnits = false },
            RightYAxis = right is null ? null : new YAxisProps { Min = 0, ShowUnits = false },
            LeftAnnotations = leftThreshold is { } t ? [new HorizontalAnnotation { Value = t, Label = thresholdLabel ?? "alarm", Color = Color.RED }] : null,
        });

    /// <summary>A markdown heading across the dashboard.</summary>
    public static TextWidget Heading(string markdown, int height = 1) =>
        new(new TextWidgetProps { Markdown = markdown, Width = 24, Height = height });

    /// <summary>The state of <paramref name="alarms"/>, four per line.</summary>
    public static AlarmStatusWidget Status(string title, IReadOnlyList<IAlarm> alarms) =>
        new(new AlarmStatusWidgetProps
        {
            Title = title,
            Alarms = alarms.ToArray(),
            Width = 24,
            Height = Math.Min(12, 2 + (alarms.Count + 3) / 4),
        });

    /// <summary>A metric with a label and a colour, for graphs that compare things (e.g. canary and base).</summary>
    public static IMetric Labelled(IMetric metric, string label, string? color = null) =>
        metric is Metric m ? m.With(new MetricOptions { Label = label, Color = color })
        : metric is MathExpression e ? e.With(new MathExpressionOptions { Label = label, Color = color })
        : metric;

    /// <summary>One minute.</summary>
    internal static Duration Minute => Durations.Minutes(1);
}
