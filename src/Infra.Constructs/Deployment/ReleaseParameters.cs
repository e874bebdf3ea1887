using Amazon.CDK;

namespace Infra.Constructs.Deployment;

/// <summary>The stack parameters of a <see cref="BlueGreenFleets"/> release; each default is the declared final state.</summary>
/// <param name="BlueWeight">Percent of requests to blue (0-100).</param>
/// <param name="GreenWeight">Percent of requests to green (0-100).</param>
/// <param name="Serving">Colors at production capacity: blue, green or both.</param>
/// <param name="Status">Where the last release ended: done:&lt;id&gt; or rolled-back:&lt;id&gt;.</param>
public sealed record ReleaseParameters(CfnParameter BlueWeight, CfnParameter GreenWeight, CfnParameter Serving, CfnParameter Status);
