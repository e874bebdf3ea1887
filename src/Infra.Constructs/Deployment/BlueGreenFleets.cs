using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.Defaults;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Releases;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Deployment;

/// <summary>
/// Blue/green and canary on EC2, the source notes' manual procedure as code: two fleets (each with
/// its own launch template, Auto Scaling group and target group) behind one weighted forward.
/// Changing <see cref="TrafficPlan"/> moves traffic and changes only the listener rule's weights
/// and the idle fleet's capacity; nothing on the traffic path is replaced.
/// (CloudFormation cannot drive CodeDeploy blue/green for EC2, so the switch is the template.)
/// With <see cref="BlueGreenFleetsProps.Release"/> the same two values, weights and capacity, are stack
/// parameters that <c>tools/release</c> moves step by step; CloudFormation still owns every resource.
/// </summary>
public sealed class BlueGreenFleets : Construct
{
    /// <summary>The blue fleet.</summary>
    public WebFleet Blue { get; }

    /// <summary>The green fleet.</summary>
    public WebFleet Green { get; }

    /// <summary>The plan in force (with a release: the declared final state).</summary>
    public TrafficPlan Traffic { get; }

    /// <summary>The release that reaches <see cref="Traffic"/>, resolved; null without one.</summary>
    public ReleaseSettings? Release { get; }

    /// <summary>The stack parameters a release moves; null without a release.</summary>
    public ReleaseParameters? Parameters { get; }

    /// <summary>The fleet of <paramref name="color"/>.</summary>
    public WebFleet FleetOf(TrafficColor color) => color == TrafficColor.Blue ? Blue : Green;

    /// <summary>The fleet serving production traffic.</summary>
    public WebFleet Active => FleetOf(Traffic.ActiveColor);

    /// <summary>Creates both fleets and routes traffic by the plan.</summary>
    public BlueGreenFleets(Construct scope, string id, BlueGreenFleetsProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(BlueGreenFleetsProps));
        var lb = check.Required(nameof(props.LoadBalancer), props.LoadBalancer);
        var shared = check.Required(nameof(props.Fleet), props.Fleet);
        Traffic = props.Traffic ?? new TrafficPlan();
        Traffic.Validate(Node.Path);
        if (shared.Color is not null)
            throw check.Fail($"{nameof(props.Fleet)}.{nameof(WebFleetProps.Color)}", shared.Color, "unset (each fleet is named by its color)");
        Release = ReleaseSettings.Resolve(props.Release, check, nameof(props.Release),
            new ReleaseSettings.StepRules(ReleaseDefaults.FleetSteps, WholePercents: true, EndsAtAll: true));
        if (Release is not null && Traffic.CanaryPercent != 0)
            check.Reject($"{nameof(props.Traffic)}.{nameof(TrafficPlan.CanaryPercent)}", Traffic.CanaryPercent, "0 with a Release (its steps set the new color's share)");
        check.ThrowIfAny();

        Blue = CreateFleet(TrafficColor.Blue, shared, props.Blue);
        Green = CreateFleet(TrafficColor.Green, shared, props.Green);

        var rule = lb.Route(
            [new WeightedTarget(Blue.TargetGroup, Traffic.WeightOf(TrafficColor.Blue)),
             new WeightedTarget(Green.TargetGroup, Traffic.WeightOf(TrafficColor.Green))],
            Traffic.Stickiness);
        Blue.ScaleOnRequests();
        Green.ScaleOnRequests();
        if (Release is not null) Parameters = ParameterizeTraffic(Release, lb, rule);
    }

    /// <summary>
    /// Adds an alarm that fails a release step when it fires while <paramref name="color"/> is the new color
    /// (the fleet's own alarms, such as <see cref="Monitoring.FleetAlarms"/>). Only alarms of this stack; an alarm
    /// added twice counts once. Does nothing to the template without a release.
    /// </summary>
    public void AddReleaseAlarm(TrafficColor color, IAlarm alarm)
    {
        ReleaseMetadata.CheckAlarm(this, nameof(BlueGreenFleets), alarm);
        var list = _releaseAlarms[color];
        if (!list.Contains(alarm)) list.Add(alarm);
    }

    private readonly Dictionary<TrafficColor, List<IAlarm>> _releaseAlarms = new() { [TrafficColor.Blue] = [], [TrafficColor.Green] = [] };
    private readonly Dictionary<TrafficColor, (int Min, int? Desired)> _idleSizes = [];

    private WebFleet CreateFleet(TrafficColor color, WebFleetProps shared, Func<WebFleetProps, WebFleetProps>? overrides)
    {
        var name = color.ToString().ToLowerInvariant();
        var props = (overrides?.Invoke(shared) ?? shared) with { Color = name };
        if (Release is not null)
        {
            // A release moves capacity by a parameter: both fleets are built at production size (schedules, update
            // policy, scaling all present) and their sizes are switched between production and idle by a condition.
            if (Traffic.IdleCapacity != IdleCapacity.Ready)
                _idleSizes[color] = Traffic.IdleCapacity == IdleCapacity.ScaleToZero ? (0, 0) : (Traffic.WarmCapacity, null);
        }
        else if (!Traffic.IsRunning(color))
            // Idle and scaled to zero: no servers, no scheduled actions that would wake it, and no
            // shared RollingMinInService (CloudFormation rejects one at or above MaxSize on update).
            props = props with { MinCapacity = 0, DesiredCapacity = null, MaxCapacity = 0, Schedules = [], RollingMinInService = null };
        else if (!Traffic.IsAtProductionCapacity(color))
            // Idle and warm: the stated small size, none of the live color's schedules (they would raise a
            // fleet without traffic to business-hours capacity), and the rolling policy recomputed for it.
            props = props with
            {
                MinCapacity = Traffic.WarmCapacity,
                DesiredCapacity = null,
                MaxCapacity = props.MaxCapacity is { } max ? Math.Max(max, Traffic.WarmCapacity) : null,
                Schedules = [],
                RollingMinInService = null,
            };
        var fleet = new WebFleet(this, color.ToString(), props);
        Tags.Of(fleet).Add("deployment-color", name);
        return fleet;
    }

    /// <summary>
    /// The weights, the colors at production capacity and the release's status as parameters whose defaults are
    /// the declared final state, and the template metadata tools/release reads.
    /// </summary>
    private ReleaseParameters ParameterizeTraffic(ReleaseSettings release, WebLoadBalancer lb, ApplicationListenerRule rule)
    {
        var prefix = ReleaseSettings.LogicalIdPrefix(this);
        var final = Traffic.ActiveColor.ToString().ToLowerInvariant();
        CfnParameter Parameter(string name, CfnParameterProps p)
        {
            var parameter = new CfnParameter(this, name, p);
            parameter.OverrideLogicalId(prefix + name);
            return parameter;
        }
        CfnParameter Weight(TrafficColor color) => Parameter($"{color}Weight", new CfnParameterProps
        {
            Type = "Number",
            MinValue = 0,
            MaxValue = 100,
            Default = Traffic.WeightOf(color),
            Description = $"Percent of {Node.Path}'s requests sent to the {color.ToString().ToLowerInvariant()} fleet. Moved by tools/release; the default is the declared final state.",
        });
        var parameters = new ReleaseParameters(
            Weight(TrafficColor.Blue),
            Weight(TrafficColor.Green),
            Parameter("Serving", new CfnParameterProps
            {
                Type = "String",
                AllowedValues = ["blue", "green", "both"],
                Default = final,
                Description = $"Colors of {Node.Path} at production capacity (the other runs at its idle capacity). Moved by tools/release.",
            }),
            release.AddStatusParameter(this));

        // Weights: the rule's forward action keeps its shape; only the two numbers become references.
        var cfnRule = (CfnListenerRule)rule.Node.DefaultChild!;
        cfnRule.AddPropertyOverride("Actions.0.ForwardConfig.TargetGroups.0.Weight", parameters.BlueWeight.ValueAsNumber);
        cfnRule.AddPropertyOverride("Actions.0.ForwardConfig.TargetGroups.1.Weight", parameters.GreenWeight.ValueAsNumber);

        foreach (var color in new[] { TrafficColor.Blue, TrafficColor.Green })
        {
            if (!_idleSizes.TryGetValue(color, out var idle)) continue;
            var name = color.ToString().ToLowerInvariant();
            var serving = Fn.ConditionOr(Fn.ConditionEquals(parameters.Serving.ValueAsString, name), Fn.ConditionEquals(parameters.Serving.ValueAsString, "both"));
            var condition = new CfnCondition(this, $"{color}Serves", new CfnConditionProps { Expression = serving });
            condition.OverrideLogicalId($"{prefix}{color}Serves");
            SwitchCapacity(FleetOf(color), condition, $"{prefix}{color}Serves", idle, atProductionByDefault: color == Traffic.ActiveColor);
        }

        var stack = Stack.Of(this);
        string LogicalId(IConstruct c) => stack.GetLogicalId((CfnElement)c.Node.DefaultChild!);
        ReleaseMetadata.Add(this, () =>
        {
            var entry = release.ToMetadata("blue-green", Node.Path);
            entry["parameters"] = new Dictionary<string, object>
            {
                ["blueWeight"] = parameters.BlueWeight.LogicalId,
                ["greenWeight"] = parameters.GreenWeight.LogicalId,
                ["serving"] = parameters.Serving.LogicalId,
                ["status"] = parameters.Status.LogicalId,
            };
            entry["final"] = new Dictionary<string, object>
            {
                ["blueWeight"] = Traffic.WeightOf(TrafficColor.Blue),
                ["greenWeight"] = Traffic.WeightOf(TrafficColor.Green),
                ["serving"] = final,
                ["status"] = release.DoneStatus,
            };
            entry["loadBalancer"] = LogicalId(lb.LoadBalancer);
            entry["colors"] = new[] { TrafficColor.Blue, TrafficColor.Green }.ToDictionary(
                c => c.ToString().ToLowerInvariant(),
                c => (object)new Dictionary<string, object>
                {
                    ["targetGroup"] = LogicalId(FleetOf(c).TargetGroup),
                    ["autoScalingGroup"] = LogicalId(FleetOf(c).AutoScalingGroup),
                    ["minHealthy"] = Math.Max(1, FleetOf(c).MinCapacity),
                    ["alarms"] = _releaseAlarms[c].Select(a => (object)LogicalId(a)).ToArray(),
                });
            return entry;
        });
        return parameters;
    }

    /// <summary>
    /// Sizes the fleet by <paramref name="condition"/>: production when its color serves, else idle. A fleet scaled
    /// to zero keeps its production maximum (MaxSize 0 would invalidate the update policy built for production);
    /// nothing raises it meanwhile: no traffic for request scaling, no CPU without servers, schedules off.
    /// </summary>
    private static void SwitchCapacity(WebFleet fleet, CfnCondition condition, string conditionId, (int Min, int? Desired) idle, bool atProductionByDefault)
    {
        var group = (CfnAutoScalingGroup)fleet.AutoScalingGroup.Node.DefaultChild!;
        var (min, max, desired) = (fleet.MinCapacity, fleet.MaxCapacity, fleet.Settings.DesiredCapacity);
        var idleMax = Math.Max(max, idle.Min);
        // Plain Fn::If JSON (the condition's logical id is fixed above): jsii cannot pass an intrinsic as a string property.
        object Size(int? n) => n is { } v ? v.ToString(Invariant) : new Dictionary<string, object> { ["Ref"] = "AWS::NoValue" };
        void If(string property, int? whenServing, int? whenIdle) =>
            group.AddPropertyOverride(property, whenServing == whenIdle ? Size(whenServing)
                : new Dictionary<string, object> { ["Fn::If"] = new[] { conditionId, Size(whenServing), Size(whenIdle) } });
        If("MinSize", min, idle.Min);
        If("MaxSize", max, idleMax);
        if (desired is not null || idle.Desired is not null) If("DesiredCapacity", desired, idle.Desired);
        foreach (var child in fleet.AutoScalingGroup.Node.FindAll())
        {
            if (child is CfnResource { CfnResourceType: "AWS::AutoScaling::ScheduledAction" } action)
                action.CfnOptions.Condition = condition;
        }
        // The creation policy counts signals at creation only, when the parameters take their defaults.
        if (!atProductionByDefault && group.CfnOptions.CreationPolicy is { ResourceSignal: { } signal })
        {
            group.CfnOptions.CreationPolicy = idle.Min == 0 ? null
                : new CfnCreationPolicy { ResourceSignal = new CfnResourceSignal { Count = idle.Min, Timeout = signal.Timeout } };
        }
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
}
