using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.Images;

namespace Infra.App.Stacks;

/// <summary>
/// The golden image pipeline of one environment (<c>{Env}-Images</c>): builds in the environment's private
/// subnets, encrypted with a key of the environment's account. Nothing in the web stack refers to it: an
/// image reaches a fleet only when its id is recorded in <c>Config/images.json</c> by a reviewed change.
/// </summary>
public sealed class ImageStack : Stack
{
    /// <summary>The pipeline.</summary>
    public GoldenImagePipeline Pipeline { get; }

    /// <summary>Creates the stack.</summary>
    public ImageStack(Construct scope, string id, EnvironmentSettings settings, string pipelineName, IVpc vpc, IStackProps props)
        : base(scope, id, props)
    {
        Pipeline = new GoldenImagePipeline(this, "GoldenImages", new GoldenImagePipelineProps
        {
            Name = pipelineName,
            Vpc = vpc,
            // The environment's fleets run x86_64 instance types (t3): an arm64 image would be built and paid for unused.
            Architectures = [ImageArchitecture.X86_64],
        });
        foreach (var (arch, pipeline) in Pipeline.Pipelines)
        {
            var a = GoldenImagePipeline.ArchName(arch).Replace("_", "", StringComparison.Ordinal);
            _ = new CfnOutput(this, "PipelineArn" + a, new CfnOutputProps
            {
                Value = pipeline.AttrArn,
                Description = $"Start a build: aws imagebuilder start-image-pipeline-execution --image-pipeline-arn <this> ({settings.Name}, {GoldenImagePipeline.ArchName(arch)})",
            });
            _ = new CfnOutput(this, "ImageParameter" + a, new CfnOutputProps
            {
                Value = Pipeline.ParameterNames[arch],
                Description = $"The SSM parameter holding the newest image id of {pipelineName} ({GoldenImagePipeline.ArchName(arch)})",
            });
        }
    }
}
