using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Lambda;
using Constructs;
using Infra.Constructs.Releases;

namespace Infra.Constructs.Serverless;

public sealed partial class CanaryRestApi
{
    /// <summary>
    /// Adds an alarm that fails a release step when it fires (the canary function's own alarms, such as an
    /// <see cref="AliasDeployment"/>'s). Only alarms of this stack; an alarm added twice counts once. Does nothing to
    /// the template without <see cref="CanaryRestApiProps.Progressive"/>.
    /// </summary>
    public void AddReleaseAlarm(IAlarm alarm)
    {
        ReleaseMetadata.CheckAlarm(this, nameof(CanaryRestApi), alarm);
        if (!_releaseAlarms.Contains(alarm)) _releaseAlarms.Add(alarm);
    }

    private readonly List<IAlarm> _releaseAlarms = [];

    /// <summary>
    /// The canary's share, the backend the stage serves and the release's status as parameters whose defaults are
    /// the promoted state. The stage's backend is named by a parameter (not derived from the status) so that what
    /// is live stays live when the next release is declared: <c>cdk deploy</c> keeps its value, and only the driver's
    /// promote changes it. The canary keeps its own variables throughout; at 0 % no request reaches it.
    /// </summary>
    private CanaryReleaseParameters ParameterizeCanary(ReleaseSettings release, IReadOnlyDictionary<string, string> stableVars,
        IReadOnlyDictionary<string, string> canaryVars, bool useStageCache)
    {
        var prefix = ReleaseSettings.LogicalIdPrefix(this);
        var (stableKey, canaryKey, variable) = (Settings.StableBackend, Settings.CanaryBackend, Settings.BackendVariable);
        var percent = new CfnParameter(this, "CanaryPercent", new CfnParameterProps
        {
            Type = "Number",
            MinValue = 0,
            MaxValue = 100,
            Default = 0,
            Description = $"Percent of {Node.Path}'s requests its stage canary gets. Moved by tools/release; the default is the declared final state (promoted).",
        });
        percent.OverrideLogicalId(prefix + "CanaryPercent");
        var keys = _backends.Keys.Order(StringComparer.Ordinal).ToList();
        var stageBackend = new CfnParameter(this, "StageBackend", new CfnParameterProps
        {
            Type = "String",
            AllowedValues = [.. keys],
            Default = canaryKey,
            Description = $"The backend {Node.Path}'s stage serves (the canary's backend once promoted). Written by tools/release when it promotes.",
        });
        stageBackend.OverrideLogicalId(prefix + "StageBackend");
        var status = release.AddStatusParameter(this);

        // The stage's variables for each backend it may serve: the canary's own (with its overrides) for the canary's
        // backend, the stable ones with that backend otherwise. Plain Fn::If JSON over one condition per backend.
        object VariablesFor(string key) => key == canaryKey ? ToMap(canaryVars)
            : new Dictionary<string, string>(stableVars) { [variable] = _backends[key].FunctionArn };
        object? chosen = null;
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if (chosen is null) { chosen = VariablesFor(keys[i]); continue; }
            var id = $"{prefix}StageServes{ReleaseSettings.AlphanumericOnly(keys[i])}{i}";
            var condition = new CfnCondition(this, $"StageServes{i}", new CfnConditionProps { Expression = Fn.ConditionEquals(stageBackend.ValueAsString, keys[i]) });
            condition.OverrideLogicalId(id);
            chosen = new Dictionary<string, object> { ["Fn::If"] = new object[] { id, VariablesFor(keys[i]), chosen } };
        }
        CfnStage.AddPropertyOverride("Variables", chosen!);
        CfnStage.CanarySetting = new CfnStage.CanarySettingProperty
        {
            DeploymentId = Deployment.DeploymentId,
            PercentTraffic = percent.ValueAsNumber,
            StageVariableOverrides = ToMap(canaryVars),
            UseStageCache = useStageCache,
        };

        var stack = Stack.Of(this);
        IDictionary<string, object> Function(IFunction backend, IEnumerable<IAlarm> alarms)
        {
            // Lambda publishes per function name: an alias or a version is measured through its function.
            var function = backend switch { IAlias a => a.Version.Lambda, IVersion v => v.Lambda, _ => backend };
            var entry = new Dictionary<string, object> { ["alarms"] = alarms.Select(a => (object)stack.GetLogicalId((CfnElement)a.Node.DefaultChild!)).ToArray() };
            if (function.Node.DefaultChild is CfnElement element && Stack.Of(function) == stack)
                entry["function"] = stack.GetLogicalId(element);
            else
                entry["functionName"] = function.FunctionName;
            return entry;
        }
        ReleaseMetadata.Add(this, () =>
        {
            var entry = release.ToMetadata("api-canary", Node.Path);
            entry["parameters"] = new Dictionary<string, object> { ["percent"] = percent.LogicalId, ["stageBackend"] = stageBackend.LogicalId, ["status"] = status.LogicalId };
            entry["final"] = new Dictionary<string, object> { ["percent"] = 0, ["stageBackend"] = canaryKey, ["status"] = release.DoneStatus };
            entry["restApi"] = stack.GetLogicalId((CfnElement)Api.Node.DefaultChild!);
            entry["stage"] = StageName;
            entry["stable"] = Function(_backends[stableKey], []);
            entry["canary"] = Function(_backends[canaryKey], _releaseAlarms);
            return entry;
        });
        return new CanaryReleaseParameters(percent, stageBackend, status);
    }

    private static Dictionary<string, string> ToMap(IReadOnlyDictionary<string, string> variables) => variables.ToDictionary(kv => kv.Key, kv => kv.Value);
}
