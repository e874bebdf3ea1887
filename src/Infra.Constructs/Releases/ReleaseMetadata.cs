using Amazon.CDK;
using Constructs;

namespace Infra.Constructs.Releases;

/// <summary>
/// The stack-level list under <see cref="ReleaseSettings.MetadataKey"/> that <c>tools/release</c> reads from the
/// deployed template: one entry per construct in the stack that runs a release. Entries are written when the app
/// is synthesized (an aspect), so alarms added after the construct (an <c>AddReleaseAlarm</c> call) are in them.
/// </summary>
public static class ReleaseMetadata
{
    private const string HolderId = "InfraReleaseMetadata";

    /// <summary>Adds the entry <paramref name="entry"/> produces to the metadata of <paramref name="scope"/>'s stack.</summary>
    public static void Add(IConstruct scope, Func<IDictionary<string, object>> entry)
    {
        var stack = Stack.Of(scope);
        if (stack.Node.TryFindChild(HolderId) is not Holder holder)
        {
            holder = new Holder(stack, HolderId);
            Aspects.Of(holder).Add(new Writer(stack, holder));
        }
        holder.Entries.Add(entry);
    }

    /// <summary>
    /// Checks that <paramref name="alarm"/> can gate a release of <paramref name="owner"/>: the metadata names alarms
    /// by logical id, so only an alarm created in the owner's stack can be one. Throws naming the owner and the alarm.
    /// </summary>
    public static void CheckAlarm(IConstruct owner, string ownerType, Amazon.CDK.AWS.CloudWatch.IAlarm alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (alarm.Node.DefaultChild is not CfnElement || Stack.Of(alarm) != Stack.Of(owner))
            throw new Validation.PropChecks(owner, ownerType).Fail("release alarm", alarm.Node.Path, "an alarm created in the same stack (the release reads it by its logical id)");
    }

    // A construct without resources: the one place per stack that holds the entries.
    private sealed class Holder(Construct scope, string id) : Construct(scope, id)
    {
        public List<Func<IDictionary<string, object>>> Entries { get; } = [];
    }

    // Plain values, not a Lazy: jsii cannot pass a token object as the untyped metadata value.
    private sealed class Writer(Stack stack, Holder holder) : Amazon.JSII.Runtime.Deputy.DeputyBase, IAspect
    {
        public void Visit(IConstruct node)
        {
            if (node.Node.Path == holder.Node.Path)
                stack.AddMetadata(ReleaseSettings.MetadataKey, holder.Entries.Select(e => (object)e()).ToArray());
        }
    }
}
