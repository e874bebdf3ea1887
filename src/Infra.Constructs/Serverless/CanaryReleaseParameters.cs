using Amazon.CDK;

namespace Infra.Constructs.Serverless;

/// <summary>The stack parameters of a <see cref="CanaryRestApi"/> release; each default is the promoted state.</summary>
/// <param name="Percent">Percent of the stage's requests the canary gets (0-100).</param>
/// <param name="StageBackend">The backend key the stage serves; the canary's once promoted.</param>
/// <param name="Status">done:&lt;id&gt; (the canary promoted) or rolled-back:&lt;id&gt; or an older release's value.</param>
public sealed record CanaryReleaseParameters(CfnParameter Percent, CfnParameter StageBackend, CfnParameter Status);
