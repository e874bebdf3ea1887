using Amazon.CDK;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.Dns;

namespace Infra.App.Stacks;

/// <summary>
/// The public hosted zone of an environment whose domain the app creates (<c>{Env}-Dns</c>): deployed and
/// delegated before the web stack, whose certificate ACM validates through it (docs/domain.md). Long-lived:
/// always termination-protected, and the zone is retained if the stack goes.
/// </summary>
public sealed class DnsStack : Stack
{
    /// <summary>The zone.</summary>
    public ServiceZone Zone { get; }

    /// <summary>Creates the stack.</summary>
    public DnsStack(Construct scope, string id, DomainSettings domain, IStackProps props) : base(scope, id, props)
    {
        TerminationProtection = true;
        Zone = new ServiceZone(this, "Zone", new ServiceZoneProps { ZoneName = domain.ZoneName });
    }
}
