using Amazon.CDK.AWS.ElasticLoadBalancingV2;

namespace Infra.Constructs.LoadBalancing;

/// <summary>A target group and the share of requests it receives (relative weight 0-999).</summary>
public sealed record WeightedTarget(IApplicationTargetGroup TargetGroup, int Weight);
