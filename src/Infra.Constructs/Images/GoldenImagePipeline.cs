using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.ImageBuilder;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Images;

/// <summary>
/// An EC2 Image Builder pipeline per architecture that bakes the servers' software into an Amazon Linux 2023
/// image (the library's install script with <c>--golden</c>), tests it through nginx, encrypts it with a
/// customer key, records each new image id in an SSM parameter, and retires old images that nothing launches.
/// The image reaches a fleet only by a reviewed change of the recorded image (docs/golden-images.md).
/// </summary>
public sealed partial class GoldenImagePipeline : Construct
{
    /// <summary>The public parameter the recipes start from, per architecture (Image Builder resolves <c>ssm:</c> at build time).</summary>
    public static string ParentImage(ImageArchitecture arch) =>
        "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + ArchName(arch);

    /// <summary>The SSM parameter that holds the newest image id of pipeline <paramref name="name"/> for <paramref name="arch"/>.</summary>
    public static string ParameterName(string name, ImageArchitecture arch) => $"{ImageDefaults.ParameterPrefix}/{name}/{ArchName(arch)}";

    /// <summary>The architecture as AWS names it in parameter names: <c>x86_64</c> or <c>arm64</c>.</summary>
    public static string ArchName(ImageArchitecture arch) => arch switch
    {
        ImageArchitecture.X86_64 => "x86_64",
        ImageArchitecture.Arm64 => "arm64",
        _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, null),
    };

    /// <summary>The key that encrypts the images, build volumes and logs.</summary>
    public IKey EncryptionKey { get; }

    /// <summary>The build and test instances' role.</summary>
    public IRole InstanceRole { get; }

    /// <summary>The build logs' bucket.</summary>
    public IBucket LogBucket { get; }

    /// <summary>The build and test instances' security group (no ingress).</summary>
    public ISecurityGroup SecurityGroup { get; }

    /// <summary>The pipelines by architecture.</summary>
    public IReadOnlyDictionary<ImageArchitecture, CfnImagePipeline> Pipelines { get; }

    /// <summary>The SSM parameter names by architecture (see <see cref="ParameterName"/>).</summary>
    public IReadOnlyDictionary<ImageArchitecture, string> ParameterNames { get; }

    /// <summary>The Image Builder cron expression the schedule renders to (six fields, <c>cron(...)</c>).</summary>
    public string ScheduleExpression { get; }

    /// <summary>Creates the pipelines.</summary>
    public GoldenImagePipeline(Construct scope, string id, GoldenImagePipelineProps props) : base(scope, id)
    {
        props = PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(GoldenImagePipelineProps));
        var name = check.Required(nameof(props.Name), props.Name);
        check.Matches(nameof(props.Name), name, NamePattern(), "lower-case letters, digits and hyphens, starting with a letter, at most 40 characters, e.g. prod-web");
        var vpc = check.Required(nameof(props.Vpc), props.Vpc);
        var archs = props.Architectures ?? [ImageArchitecture.X86_64, ImageArchitecture.Arm64];
        if (archs.Count == 0 || archs.Distinct().Count() != archs.Count || archs.Any(a => !Enum.IsDefined(a)))
            check.Reject(nameof(props.Architectures), string.Join(",", archs), "one or both of X86_64 and Arm64, each once");
        ScheduleExpression = ImageBuilderCron(check, props.Schedule ?? ImageDefaults.Schedule);
        check.Port(nameof(props.InstancePort), props.InstancePort);
        var port = props.InstancePort ?? ImageDefaults.InstancePort;
        var retireDays = check.Days(nameof(props.RetireAfter), props.RetireAfter, 7, 3650) ?? ImageDefaults.RetireAfterDays;
        check.InRange(nameof(props.KeepAtLeast), props.KeepAtLeast, 1, 50);
        if (props.KeepAtLeast is { } k && k != Math.Floor((double)k)) check.Reject(nameof(props.KeepAtLeast), k, "a whole number from 1 to 50");
        var keep = props.KeepAtLeast ?? ImageDefaults.KeepAtLeast;
        // The VPC's private subnets with egress (SelectSubnets would throw a jsii error when there are none).
        var subnets = vpc.PrivateSubnets.Select(s => s.SubnetId).ToArray();
        if (subnets.Length == 0)
            check.Reject(nameof(props.Vpc), vpc.Node.Path, "a VPC with private subnets with egress (the build installs packages over HTTPS)");
        check.ThrowIfAny();

        EncryptionKey = props.EncryptionKey ?? Security.EncryptionKeys.Create(this, "Key", $"Encrypts the golden images and build logs of {Node.Path}");
        AllowServiceLinkedRoles(EncryptionKey);
        LogBucket = NewLogBucket(EncryptionKey);
        SecurityGroup = new SecurityGroup(this, "BuildGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = $"Image Builder build and test instances of {name}: no ingress, HTTPS out only",
            AllowAllOutbound = false,
        });
        // Packages (dnf over HTTPS), the agents' downloads and the Systems Manager endpoints are all HTTPS.
        SecurityGroup.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(443), "HTTPS to package repositories and AWS APIs");
        InstanceRole = NewInstanceRole(name);

        var profile = new CfnInstanceProfile(this, "InstanceProfile", new CfnInstanceProfileProps { Roles = [InstanceRole.RoleName] });
        var buildData = GoldenImageComponents.Build($"{name}-install", InstallScript(), $"image-builder:{name}");
        var build = Component("InstallComponent", $"{name}-install", buildData,
            "The library's install script with --golden: nginx, the app unit, CodeDeploy and CloudWatch agents");
        // The fleet's nginx configuration with its default app processes: the test runs what the first boot runs.
        var fleet = new Compute.FleetBootstrapScript.Options(ComputeDefaults.AppProcessCount, ComputeDefaults.AppBasePort, port,
            ComputeDefaults.HealthCheckPath, name, null, null, InstallCodeDeployAgent: true);
        var testData = GoldenImageComponents.Test($"{name}-test", port, Compute.FleetBootstrapScript.AppPorts(fleet).ToList(), Compute.FleetBootstrapScript.NginxConfig(fleet));
        var test = Component("TestComponent", $"{name}-test", testData,
            "nginx answers 503 with X-App-Revision: none on every path before the first revision");

        var pipelines = new Dictionary<ImageArchitecture, CfnImagePipeline>();
        var parameters = new Dictionary<ImageArchitecture, string>();
        foreach (var arch in archs)
        {
            var a = ArchName(arch);
            var suffix = arch == ImageArchitecture.X86_64 ? "X86" : "Arm64";
            var recipeName = $"{name}-{a.Replace('_', '-')}";
            var recipeVersion = GoldenImageComponents.VersionOf(string.Join("|", ParentImage(arch), build.Version, test.Version, ImageDefaults.RootVolumeGiB));
            var recipe = new CfnImageRecipe(this, "Recipe" + suffix, new CfnImageRecipeProps
            {
                Name = recipeName,
                Version = recipeVersion,
                ParentImage = ParentImage(arch),
                Components = new object[]
                {
                    new CfnImageRecipe.ComponentConfigurationProperty { ComponentArn = build.AttrArn },
                    new CfnImageRecipe.ComponentConfigurationProperty { ComponentArn = test.AttrArn },
                },
                BlockDeviceMappings = new object[]
                {
                    new CfnImageRecipe.InstanceBlockDeviceMappingProperty
                    {
                        DeviceName = ComputeDefaults.RootDeviceName,
                        Ebs = new CfnImageRecipe.EbsInstanceBlockDeviceSpecificationProperty
                        {
                            Encrypted = true,
                            KmsKeyId = EncryptionKey.KeyArn,
                            VolumeSize = ImageDefaults.RootVolumeGiB,
                            VolumeType = "gp3",
                            DeleteOnTermination = true,
                        },
                    },
                },
                Description = $"Amazon Linux 2023 ({a}) with the servers' software baked in",
            });
            var infrastructure = new CfnInfrastructureConfiguration(this, "Infrastructure" + suffix, new CfnInfrastructureConfigurationProps
            {
                Name = recipeName,
                InstanceProfileName = profile.Ref,
                InstanceTypes = [arch == ImageArchitecture.X86_64 ? ImageDefaults.X86InstanceType : ImageDefaults.Arm64InstanceType],
                SubnetId = subnets[0],
                SecurityGroupIds = [SecurityGroup.SecurityGroupId],
                TerminateInstanceOnFailure = true,
                InstanceMetadataOptions = new CfnInfrastructureConfiguration.InstanceMetadataOptionsProperty { HttpTokens = "required", HttpPutResponseHopLimit = 1 },
                Logging = new CfnInfrastructureConfiguration.LoggingProperty
                {
                    S3Logs = new CfnInfrastructureConfiguration.S3LogsProperty { S3BucketName = LogBucket.BucketName, S3KeyPrefix = LogPrefix(name) },
                },
                Description = $"Builds {recipeName} in a private subnet with no ingress",
            });
            var parameter = ParameterName(name, arch);
            var distribution = new CfnDistributionConfiguration(this, "Distribution" + suffix, new CfnDistributionConfigurationProps
            {
                Name = recipeName,
                Description = $"Encrypts the image with the pipeline's key and records its id in {parameter}",
                Distributions = new object[]
                {
                    new CfnDistributionConfiguration.DistributionProperty
                    {
                        Region = Aws.REGION,
                        AmiDistributionConfiguration = new Dictionary<string, object>
                        {
                            ["Name"] = recipeName + "-{{ imagebuilder:buildDate }}",
                            ["KmsKeyId"] = EncryptionKey.KeyArn,
                            ["AmiTags"] = new Dictionary<string, object> { ["infra:golden-pipeline"] = name, ["infra:arch"] = a },
                        },
                        SsmParameterConfigurations = new object[]
                        {
                            new CfnDistributionConfiguration.SsmParameterConfigurationProperty { ParameterName = parameter, DataType = "aws:ec2:image" },
                        },
                    },
                },
            });
            pipelines[arch] = new CfnImagePipeline(this, "Pipeline" + suffix, new CfnImagePipelineProps
            {
                Name = recipeName,
                Description = $"Golden image {recipeName}: build, test through nginx, encrypt, record in {parameter}",
                ImageRecipeArn = recipe.AttrArn,
                InfrastructureConfigurationArn = infrastructure.AttrArn,
                DistributionConfigurationArn = distribution.AttrArn,
                Status = "ENABLED",
                EnhancedImageMetadataEnabled = true,
                ImageTestsConfiguration = new CfnImagePipeline.ImageTestsConfigurationProperty { ImageTestsEnabled = true, TimeoutMinutes = ImageDefaults.TestTimeoutMinutes },
                // The parent is an ssm: parameter, not a semantic-version filter, so "dependency updates" would
                // never see a new Amazon Linux release: build on every match of the expression instead.
                Schedule = new CfnImagePipeline.ScheduleProperty { ScheduleExpression = ScheduleExpression, PipelineExecutionStartCondition = "EXPRESSION_MATCH_ONLY" },
            });
            parameters[arch] = parameter;
            NewLifecyclePolicy(recipeName, recipe, retireDays, keep);
        }
        Pipelines = pipelines;
        ParameterNames = parameters;
    }

    /// <summary>The install script the build component runs (<c>Compute/ServerFiles/install.sh</c>).</summary>
    private static string InstallScript() => Compute.ServerFiles.InstallScript;

    private static string LogPrefix(string name) => $"image-builder/{name}/";

    private Bucket NewLogBucket(IKey key)
    {
        var bucket = new Bucket(this, "Logs", new BucketProps
        {
            Encryption = BucketEncryption.KMS,
            EncryptionKey = key,
            BucketKeyEnabled = true,
            EnforceSSL = true,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            Versioned = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
            LifecycleRules =
            [
                new LifecycleRule { Id = "expire-build-logs", Expiration = Durations.Days(ImageDefaults.LogRetentionDays), NoncurrentVersionExpiration = Durations.Days(1) },
                new LifecycleRule { Id = "abort-incomplete-uploads", AbortIncompleteMultipartUploadAfter = Durations.Days(7) },
            ],
        });
        // Object events go to EventBridge like the library's other buckets (e.g. to alert on a failed build's log).
        Storage.BucketEvents.SendToEventBridge(bucket);
        return bucket;
    }

    private Role NewInstanceRole(string name)
    {
        // What AWS documents for Image Builder instances: its instance profile policy and Systems Manager's core.
        var role = new Role(this, "InstanceRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"Image Builder build and test instances of {name}",
            ManagedPolicies =
            [
                ManagedPolicy.FromAwsManagedPolicyName("EC2InstanceProfileForImageBuilder"),
                ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"),
            ],
        });
        // Wider than the two managed policies, and only this: the logs go to this pipeline's prefix of its
        // own encrypted bucket (the managed policy has no S3 write), so the instance writes there and nowhere else.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WriteBuildLogs",
            Actions = ["s3:PutObject"],
            Resources = [LogBucket.ArnForObjects(LogPrefix(name) + "*")],
        }));
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EncryptBuildLogs",
            Actions = ["kms:GenerateDataKey", "kms:Decrypt"],
            Resources = [EncryptionKey.KeyArn],
        }));
        return role;
    }

    // Image Builder launches the build instances and copies the AMI with its service-linked role; Auto Scaling
    // launches the fleet's servers from the image with its own. Neither can be given an IAM policy, so the key
    // policy names them, by aws:PrincipalArn: a key policy naming a role that does not exist yet fails to create.
    private static void AllowServiceLinkedRoles(IKey key)
    {
        string[] roles =
        [
            $"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder",
            $"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        ];
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ImageBuilderAndAutoScalingUseTheImageKey",
            Principals = [new AnyPrincipal()],
            Actions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["kms:CallerAccount"] = Aws.ACCOUNT_ID },
                ["ArnEquals"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = roles },
            },
        }));
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ImageBuilderAndAutoScalingGrantForVolumes",
            Principals = [new AnyPrincipal()],
            Actions = ["kms:CreateGrant"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["kms:CallerAccount"] = Aws.ACCOUNT_ID },
                ["ArnEquals"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = roles },
                ["Bool"] = new Dictionary<string, object> { ["kms:GrantIsForAWSResource"] = "true" },
            },
        }));
    }

    private void NewLifecyclePolicy(string recipeName, CfnImageRecipe recipe, int retireDays, int keep)
    {
        var role = new Role(this, "LifecycleRole" + recipe.Node.Id, new RoleProps
        {
            AssumedBy = new ServicePrincipal("imagebuilder.amazonaws.com"),
            Description = $"Image Builder retires old images of {recipeName}",
            // Acts only on images and snapshots tagged CreatedBy = EC2 Image Builder (the managed policy's condition).
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("service-role/EC2ImageBuilderLifecycleExecutionPolicy")],
        });
        _ = new CfnLifecyclePolicy(this, "Lifecycle" + recipe.Node.Id, new CfnLifecyclePolicyProps
        {
            Name = recipeName + "-retire",
            Description = $"Retires images of {recipeName} older than {retireDays} days, except the newest {keep}, those launched within {retireDays} days and those tagged {ImageDefaults.InUseTagKey}={ImageDefaults.InUseTagValue}",
            ExecutionRole = role.RoleArn,
            ResourceType = "AMI_IMAGE",
            Status = "ENABLED",
            ResourceSelection = new CfnLifecyclePolicy.ResourceSelectionProperty
            {
                Recipes = new object[] { new CfnLifecyclePolicy.RecipeSelectionProperty { Name = recipeName, SemanticVersion = recipe.Version } },
            },
            PolicyDetails = new object[]
            {
                new CfnLifecyclePolicy.PolicyDetailProperty
                {
                    Action = new CfnLifecyclePolicy.ActionProperty
                    {
                        Type = "DELETE",
                        IncludeResources = new CfnLifecyclePolicy.IncludeResourcesProperty { Amis = true, Snapshots = true },
                    },
                    Filter = new CfnLifecyclePolicy.FilterProperty { Type = "AGE", Value = retireDays, Unit = "DAYS", RetainAtLeast = keep },
                    ExclusionRules = new CfnLifecyclePolicy.ExclusionRulesProperty
                    {
                        Amis = new CfnLifecyclePolicy.AmiExclusionRulesProperty
                        {
                            // An image a launch template uses is launched by every scale-out and refresh; one
                            // tagged in use is kept even when its fleet has not launched in the period.
                            LastLaunched = new CfnLifecyclePolicy.LastLaunchedProperty { Unit = "DAYS", Value = retireDays },
                            TagMap = new Dictionary<string, string> { [ImageDefaults.InUseTagKey] = ImageDefaults.InUseTagValue },
                        },
                    },
                },
            },
        });
    }

    // A Linux component encrypted with the pipeline's key; its version is a hash of its document, so a changed
    // document never collides with the old name and version during replacement.
    private CfnComponent Component(string id, string name, string data, string description) => new(this, id, new CfnComponentProps
    {
        Name = name,
        Platform = "Linux",
        Version = GoldenImageComponents.VersionOf(data),
        Data = data,
        KmsKeyId = EncryptionKey.KeyArn,
        Description = description,
    });

    // Five-field cron (what PropChecks.Cron and the fleets' schedules take) to Image Builder's six fields:
    // day-of-month or day-of-week must be '?', and a year field is required.
    private static string ImageBuilderCron(PropChecks check, string value)
    {
        check.Cron(nameof(GoldenImagePipelineProps.Schedule), value);
        var f = value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Not five fields: Cron has recorded why, and there is nothing to convert.
        if (f.Length != 5) throw check.Collected();
        string dom = f[2], dow = f[4];
        var domSet = dom is not ("*" or "?");
        var dowSet = dow is not ("*" or "?");
        if (domSet && dowSet)
            check.Reject(nameof(GoldenImagePipelineProps.Schedule), value, "a day of the month or a day of the week, not both (Image Builder takes one)");
        // Cron numbers days from 0 = Sunday, Image Builder from 1 = Sunday: names mean the same in both.
        else if (dowSet && Regex.IsMatch(dow, "[0-9]"))
            check.Reject(nameof(GoldenImagePipelineProps.Schedule), value, "days of the week by name (MON, MON-FRI, SAT,SUN): cron numbers them from 0 = Sunday, Image Builder from 1 = Sunday");
        (dom, dow) = dowSet ? ("?", dow) : (dom == "?" ? "*" : dom, "?");
        return string.Create(CultureInfo.InvariantCulture, $"cron({f[0]} {f[1]} {dom} {f[3]} {dow} *)");
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex NamePattern();
}
