using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.KMS;
using Infra.Constructs.Compute;
using Infra.Constructs.Images;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Images;

public class GoldenImagePipelineTests(GoldenImagePipelineTests.Fixture f) : IClassFixture<GoldenImagePipelineTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Only the required props: both architectures, weekly, a new key.</summary>
        public JsonObject Default { get; }
        public GoldenImagePipeline DefaultPipeline { get; private set; } = null!;
        /// <summary>Every option set: arm64 only, monthly, a given key, port 8080, retire after 30 days, keep 5.</summary>
        public JsonObject Custom { get; }
        public GoldenImagePipeline CustomPipeline { get; private set; } = null!;

        public Fixture()
        {
            Default = TestStacks.Synth(s => DefaultPipeline = new GoldenImagePipeline(s, "Images", new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s) })).Json();
            Custom = TestStacks.Synth(s => CustomPipeline = new GoldenImagePipeline(s, "Images", new GoldenImagePipelineProps
            {
                Name = "prod-web",
                Vpc = TestStacks.Vpc(s),
                Architectures = [ImageArchitecture.Arm64],
                Schedule = "30 2 1 * *",
                EncryptionKey = new Key(s, "GivenKey"),
                InstancePort = 8080,
                RetireAfter = Duration.Days(30),
                KeepAtLeast = 5,
            })).Json();
        }
    }

    private static JsonObject Only(JsonObject t, string type) => t.ResourcesOf(type).Should().ContainSingle().Which.Props;

    private static JsonObject Named(JsonObject t, string type, string name) =>
        t.ResourcesOf(type).Single(r => r.Props["Name"]!.GetValue<string>() == name).Props;

    private static string Text(JsonNode? n) => n!.GetValue<string>();

    // The commands of a component's single ExecuteBash step, with the YAML block's indentation removed.
    private static string Commands(string data)
    {
        var lines = data.Split('\n');
        var start = Array.IndexOf(lines, "            - |") + 1;
        return string.Join('\n', lines[start..].Select(l => l.Length >= 14 ? l[14..] : l)).TrimEnd('\n') + "\n";
    }

    [Fact]
    public void Default_BuildsX86AndArm64_EachWithItsOwnPipeline()
    {
        f.Default.ResourcesOf("AWS::ImageBuilder::ImagePipeline").Select(p => Text(p.Props["Name"]))
            .Should().BeEquivalentTo("web-x86-64", "web-arm64");
        f.DefaultPipeline.Pipelines.Keys.Should().BeEquivalentTo([ImageArchitecture.X86_64, ImageArchitecture.Arm64]);
    }

    [Fact]
    public void RecipesStartFromTheAmazonLinux2023ParameterOfTheirArchitecture()
    {
        Text(Named(f.Default, "AWS::ImageBuilder::ImageRecipe", "web-x86-64")["ParentImage"])
            .Should().Be("ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        Text(Named(f.Default, "AWS::ImageBuilder::ImageRecipe", "web-arm64")["ParentImage"])
            .Should().Be("ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
    }

    [Fact]
    public void Default_IsWeekly_MondayAt0400Utc_AndTestsEveryImage()
    {
        f.DefaultPipeline.ScheduleExpression.Should().Be("cron(0 4 ? * MON *)");
        foreach (var (_, p) in f.Default.ResourcesOf("AWS::ImageBuilder::ImagePipeline"))
        {
            Text(p["Schedule"]!["ScheduleExpression"]).Should().Be("cron(0 4 ? * MON *)");
            Text(p["Schedule"]!["PipelineExecutionStartCondition"]).Should().Be("EXPRESSION_MATCH_ONLY");
            p["ImageTestsConfiguration"]!["ImageTestsEnabled"]!.GetValue<bool>().Should().BeTrue();
            Text(p["Status"]).Should().Be("ENABLED");
        }
    }

    [Fact]
    public void Custom_BuildsOnlyArm64_OnTheFirstOfTheMonth()
    {
        Text(Only(f.Custom, "AWS::ImageBuilder::ImagePipeline")["Name"]).Should().Be("prod-web-arm64");
        Text(Only(f.Custom, "AWS::ImageBuilder::ImagePipeline")["Schedule"]!["ScheduleExpression"]).Should().Be("cron(30 2 1 * ? *)");
        Text(Only(f.Custom, "AWS::ImageBuilder::ImageRecipe")["ParentImage"]).Should().EndWith("-arm64");
    }

    [Fact]
    public void RecordsEachNewImageIdInOneParameterPerPipelineAndArchitecture()
    {
        var parameters = f.Default.ResourcesOf("AWS::ImageBuilder::DistributionConfiguration")
            .Select(d => d.Props["Distributions"]![0]!["SsmParameterConfigurations"]!.AsArray().Should().ContainSingle().Which!)
            .ToList();
        parameters.Select(p => Text(p["ParameterName"])).Should().BeEquivalentTo("/infra/golden-image/web/x86_64", "/infra/golden-image/web/arm64");
        parameters.Should().OnlyContain(p => Text(p["DataType"]) == "aws:ec2:image");
        f.DefaultPipeline.ParameterNames[ImageArchitecture.Arm64].Should().Be("/infra/golden-image/web/arm64");
        GoldenImagePipeline.ParameterName("prod-web", ImageArchitecture.X86_64).Should().Be("/infra/golden-image/prod-web/x86_64");
        Text(Only(f.Custom, "AWS::ImageBuilder::DistributionConfiguration")["Distributions"]![0]!["SsmParameterConfigurations"]![0]!["ParameterName"])
            .Should().Be("/infra/golden-image/prod-web/arm64");
    }

    [Fact]
    public void ImagesAndBuildVolumesAreEncryptedWithTheCustomerKey()
    {
        var key = f.Default.ResourcesOf("AWS::KMS::Key").Should().ContainSingle().Which;
        key.Props["EnableKeyRotation"]!.GetValue<bool>().Should().BeTrue();
        var keyArn = new JsonObject { ["Fn::GetAtt"] = new JsonArray(key.Id, "Arn") };
        foreach (var (_, d) in f.Default.ResourcesOf("AWS::ImageBuilder::DistributionConfiguration"))
        {
            var ami = d["Distributions"]![0]!["AmiDistributionConfiguration"]!;
            JsonNode.DeepEquals(ami["KmsKeyId"], keyArn).Should().BeTrue();
            d["Distributions"]![0]!["Region"]!["Ref"]!.GetValue<string>().Should().Be("AWS::Region");
        }
        foreach (var (_, r) in f.Default.ResourcesOf("AWS::ImageBuilder::ImageRecipe"))
        {
            var ebs = r["BlockDeviceMappings"]![0]!["Ebs"]!;
            ebs["Encrypted"]!.GetValue<bool>().Should().BeTrue();
            JsonNode.DeepEquals(ebs["KmsKeyId"], keyArn).Should().BeTrue();
        }
        foreach (var (_, c) in f.Default.ResourcesOf("AWS::ImageBuilder::Component"))
            JsonNode.DeepEquals(c["KmsKeyId"], keyArn).Should().BeTrue();
    }

    [Fact]
    public void Custom_UsesTheGivenKeyAndCreatesNone()
    {
        var key = f.Custom.ResourcesOf("AWS::KMS::Key").Should().ContainSingle().Which;
        key.Id.Should().StartWith("GivenKey");
        f.CustomPipeline.EncryptionKey.Should().BeAssignableTo<Key>().Which.Node.Id.Should().Be("GivenKey");
    }

    [Fact]
    public void TheKeyLetsImageBuildersAndAutoScalingsServiceLinkedRolesUseIt_InThisAccountOnly()
    {
        var statements = Only(f.Default, "AWS::KMS::Key")["KeyPolicy"]!["Statement"]!.AsArray();
        var use = statements.Single(s => s!["Sid"]?.GetValue<string>() == "ImageBuilderAndAutoScalingUseTheImageKey")!;
        use["Action"]!.AsArray().Select(Text).Should().BeEquivalentTo("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey");
        var roles = use["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
        roles.Should().HaveCount(2);
        roles[0].Should().Contain("role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder");
        roles[1].Should().Contain("role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling");
        use["Condition"]!["StringEquals"]!["kms:CallerAccount"]!.ToJsonString().Should().Contain("AWS::AccountId");
        var grant = statements.Single(s => s!["Sid"]?.GetValue<string>() == "ImageBuilderAndAutoScalingGrantForVolumes")!;
        Text(grant["Action"]).Should().Be("kms:CreateGrant");
        Text(grant["Condition"]!["Bool"]!["kms:GrantIsForAWSResource"]).Should().Be("true");
        // The library's deny of grants for anything but AWS resources stays.
        statements.Should().Contain(s => s!["Sid"] != null && s["Sid"]!.GetValue<string>() == "GrantsOnlyForAwsResources");
    }

    [Fact]
    public void BuildsInAPrivateSubnet_WithIMDSv2_AndLogsToTheEncryptedBucket()
    {
        foreach (var (_, i) in f.Default.ResourcesOf("AWS::ImageBuilder::InfrastructureConfiguration"))
        {
            i["SubnetId"]!["Ref"]!.GetValue<string>().Should().StartWith("TestVpcPrivateSubnet1");
            Text(i["InstanceMetadataOptions"]!["HttpTokens"]).Should().Be("required");
            i["TerminateInstanceOnFailure"]!.GetValue<bool>().Should().BeTrue();
            i["Logging"]!["S3Logs"]!["S3BucketName"]!["Ref"]!.GetValue<string>().Should().StartWith("ImagesLogs");
            Text(i["Logging"]!["S3Logs"]!["S3KeyPrefix"]).Should().Be("image-builder/web/");
            i["SecurityGroupIds"]![0]!["Fn::GetAtt"]![0]!.GetValue<string>().Should().StartWith("ImagesBuildGroup");
        }
        f.Default.ResourcesOf("AWS::ImageBuilder::InfrastructureConfiguration")
            .Select(i => Text(i.Props["InstanceTypes"]![0])).Should().BeEquivalentTo("t3.medium", "t4g.medium");
    }

    [Fact]
    public void TheBuildGroupHasNoIngress_AndOnlyHttpsOut()
    {
        var group = f.Default.ResourcesOf("AWS::EC2::SecurityGroup").Single(g => g.Id.StartsWith("ImagesBuildGroup", StringComparison.Ordinal)).Props;
        group.ContainsKey("SecurityGroupIngress").Should().BeFalse();
        f.Default.ResourcesOf("AWS::EC2::SecurityGroupIngress").Should().BeEmpty();
        var egress = group["SecurityGroupEgress"]!.AsArray().Should().ContainSingle().Which!;
        (Text(egress["CidrIp"]), Text(egress["IpProtocol"]), egress["FromPort"]!.GetValue<int>(), egress["ToPort"]!.GetValue<int>())
            .Should().Be(("0.0.0.0/0", "tcp", 443, 443));
    }

    [Fact]
    public void TheInstanceRoleHasTheTwoDocumentedManagedPolicies_AndWritesOnlyItsLogPrefix()
    {
        var role = f.Default.ResourcesOf("AWS::IAM::Role").Single(r => r.Id.StartsWith("ImagesInstanceRole", StringComparison.Ordinal));
        Text(role.Props["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]).Should().Be("ec2.amazonaws.com");
        role.Props["ManagedPolicyArns"]!.AsArray().Select(a => a!.ToJsonString()).Should().SatisfyRespectively(
            a => a.Should().Contain(":iam::aws:policy/EC2InstanceProfileForImageBuilder\""),
            a => a.Should().Contain(":iam::aws:policy/AmazonSSMManagedInstanceCore\""));
        var policy = f.Default.ResourcesOf("AWS::IAM::Policy").Single(p => p.Props["Roles"]![0]!["Ref"]!.GetValue<string>() == role.Id).Props;
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray();
        statements.Select(s => (Text(s!["Sid"]), s["Action"] is JsonArray a ? string.Join(",", a.Select(Text)) : Text(s["Action"])))
            .Should().Equal(("WriteBuildLogs", "s3:PutObject"), ("EncryptBuildLogs", "kms:GenerateDataKey,kms:Decrypt"));
        statements[0]!["Resource"]!.ToJsonString().Should().Contain("/image-builder/web/*");
        statements.Should().OnlyContain(s => Text(s!["Effect"]) == "Allow" && s["Resource"]!.ToJsonString() != "\"*\"");
    }

    [Fact]
    public void TheLogBucketIsKmsEncryptedPrivateAndTlsOnly()
    {
        var bucket = Only(f.Default, "AWS::S3::Bucket");
        Text(bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]).Should().Be("aws:kms");
        bucket["PublicAccessBlockConfiguration"]!["RestrictPublicBuckets"]!.GetValue<bool>().Should().BeTrue();
        bucket["NotificationConfiguration"]!["EventBridgeConfiguration"]!["EventBridgeEnabled"]!.GetValue<bool>().Should().BeTrue();
        var deny = Only(f.Default, "AWS::S3::BucketPolicy")["PolicyDocument"]!["Statement"]!.AsArray()
            .Single(s => Text(s!["Effect"]) == "Deny")!;
        Text(deny["Condition"]!["Bool"]!["aws:SecureTransport"]).Should().Be("false");
        Text(deny["Action"]).Should().Be("s3:*");
    }

    [Fact]
    public void Lifecycle_RetiresImagesOlderThan90Days_KeepsTheNewest3_AndExcludesLaunchedOrInUseImages()
    {
        var recipes = f.Default.ResourcesOf("AWS::ImageBuilder::ImageRecipe").ToDictionary(r => Text(r.Props["Name"]), r => Text(r.Props["Version"]));
        var policies = f.Default.ResourcesOf("AWS::ImageBuilder::LifecyclePolicy");
        policies.Should().HaveCount(2);
        foreach (var (_, p) in policies)
        {
            Text(p["ResourceType"]).Should().Be("AMI_IMAGE");
            var recipe = p["ResourceSelection"]!["Recipes"]!.AsArray().Should().ContainSingle().Which!;
            Text(recipe["SemanticVersion"]).Should().Be(recipes[Text(recipe["Name"])]);
            var detail = p["PolicyDetails"]!.AsArray().Should().ContainSingle().Which!;
            Text(detail["Action"]!["Type"]).Should().Be("DELETE");
            detail["Action"]!["IncludeResources"]!["Amis"]!.GetValue<bool>().Should().BeTrue();
            detail["Action"]!["IncludeResources"]!["Snapshots"]!.GetValue<bool>().Should().BeTrue();
            (Text(detail["Filter"]!["Type"]), detail["Filter"]!["Value"]!.GetValue<int>(), Text(detail["Filter"]!["Unit"]), detail["Filter"]!["RetainAtLeast"]!.GetValue<int>())
                .Should().Be(("AGE", 90, "DAYS", 3));
            var amis = detail["ExclusionRules"]!["Amis"]!;
            (Text(amis["LastLaunched"]!["Unit"]), amis["LastLaunched"]!["Value"]!.GetValue<int>()).Should().Be(("DAYS", 90));
            JsonNode.DeepEquals(amis["TagMap"], new JsonObject { ["infra:in-use"] = "true" }).Should().BeTrue();
        }
    }

    [Fact]
    public void Custom_RetiresAfter30Days_AndKeeps5()
    {
        var detail = Only(f.Custom, "AWS::ImageBuilder::LifecyclePolicy")["PolicyDetails"]![0]!;
        (detail["Filter"]!["Value"]!.GetValue<int>(), detail["Filter"]!["RetainAtLeast"]!.GetValue<int>(), detail["ExclusionRules"]!["Amis"]!["LastLaunched"]!["Value"]!.GetValue<int>())
            .Should().Be((30, 5, 30));
    }

    [Fact]
    public void TheLifecycleRoleIsImageBuildersWithOnlyTheDocumentedExecutionPolicy()
    {
        var roles = f.Default.ResourcesOf("AWS::IAM::Role").Where(r => r.Id.StartsWith("ImagesLifecycleRole", StringComparison.Ordinal)).ToList();
        roles.Should().HaveCount(2);
        foreach (var (id, r) in roles)
        {
            Text(r["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]).Should().Be("imagebuilder.amazonaws.com");
            r["ManagedPolicyArns"]!.AsArray().Should().ContainSingle().Which!.ToJsonString().Should().Contain(":iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy\"");
            f.Default.ResourcesOf("AWS::IAM::Policy").Should().NotContain(p => p.Props["Roles"]![0]!["Ref"]!.GetValue<string>() == id);
        }
    }

    [Fact]
    public void TheBuildComponentRunsTheInstallScriptByteForByte_WithGolden()
    {
        var data = Text(Named(f.Default, "AWS::ImageBuilder::Component", "web-install")["Data"]);
        var commands = Commands(data);
        commands.Should().Contain("bash /tmp/infra-install.sh --golden 'image-builder:web'\n");
        var start = commands.IndexOf("<<'INFRA_INSTALL_EOF'\n", StringComparison.Ordinal) + "<<'INFRA_INSTALL_EOF'\n".Length;
        var end = commands.IndexOf("\nINFRA_INSTALL_EOF\n", start, StringComparison.Ordinal) + 1;
        var script = commands[start..end];
        // What lands on the build instance hashes as the first-boot script expects of a golden image.
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script))).Should().Be(ServerFiles.InstallScriptSha256);
        BashSyntaxError(commands).Should().BeEmpty();
    }

    [Fact]
    public void TheTestComponentChecksThroughNginx_503WithXAppRevisionNone_OnEveryPath()
    {
        var commands = Commands(Text(Named(f.Default, "AWS::ImageBuilder::Component", "web-test")["Data"]));
        commands.Should().Contain("http://127.0.0.1:80$path").And.Contain("[ \"$code\" = 503 ]")
            .And.Contain("grep -qi '^X-App-Revision: none'").And.Contain("grep -qi '^Server: nginx'")
            .And.Contain("for path in / /health /no/such/path; do").And.Contain("test -f /etc/infra/golden-image")
            .And.Contain("listen 80 default_server;").And.Contain("for p in 8001 8002; do");
        BashSyntaxError(commands).Should().BeEmpty();
        var custom = Commands(Text(Named(f.Custom, "AWS::ImageBuilder::Component", "prod-web-test")["Data"]));
        custom.Should().Contain("http://127.0.0.1:8080$path").And.Contain("listen 8080 default_server;").And.NotContain(":80$path");
    }

    [Fact]
    public void VersionsChangeWithContent_SoAReplacementNeverCollidesWithTheOldName()
    {
        var defaultTest = Text(Named(f.Default, "AWS::ImageBuilder::Component", "web-test")["Version"]);
        var customTest = Text(Named(f.Custom, "AWS::ImageBuilder::Component", "prod-web-test")["Version"]);
        defaultTest.Should().MatchRegex(@"^1\.0\.[0-9]{1,9}$").And.NotBe(customTest);
        var recipes = f.Default.ResourcesOf("AWS::ImageBuilder::ImageRecipe").Select(r => Text(r.Props["Version"])).ToList();
        recipes.Should().OnlyContain(v => System.Text.RegularExpressions.Regex.IsMatch(v, @"^1\.0\.[0-9]{1,9}$"));
        recipes.Distinct().Should().HaveCount(2, "the two recipes differ in their parent image");
    }

    public static TheoryData<string, Func<Stack, GoldenImagePipelineProps>> BadProps => new()
    {
        { "Name", s => new GoldenImagePipelineProps { Name = null!, Vpc = TestStacks.Vpc(s) } },
        { "Name", s => new GoldenImagePipelineProps { Name = "Prod_Web", Vpc = TestStacks.Vpc(s) } },
        { "Name", s => new GoldenImagePipelineProps { Name = "", Vpc = TestStacks.Vpc(s) } },
        { "Name", s => new GoldenImagePipelineProps { Name = new string('a', 41), Vpc = TestStacks.Vpc(s) } },
        { "Vpc", _ => new GoldenImagePipelineProps { Name = "web", Vpc = null! } },
        { "Vpc", s => new GoldenImagePipelineProps { Name = "web", Vpc = PublicOnlyVpc(s) } },
        { "Architectures", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Architectures = [] } },
        { "Architectures", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Architectures = [ImageArchitecture.Arm64, ImageArchitecture.Arm64] } },
        { "Architectures", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Architectures = [(ImageArchitecture)7] } },
        { "Schedule", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Schedule = "weekly" } },
        { "Schedule", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Schedule = "0 4 1 * MON" } },
        { "Schedule", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), Schedule = "0 4 * * 1" } },
        { "InstancePort", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), InstancePort = 0 } },
        { "InstancePort", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), InstancePort = 70000 } },
        { "RetireAfter", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), RetireAfter = Duration.Days(6) } },
        { "RetireAfter", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), RetireAfter = Duration.Hours(36) } },
        { "KeepAtLeast", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), KeepAtLeast = 0 } },
        { "KeepAtLeast", s => new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(s), KeepAtLeast = 51 } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<Stack, GoldenImagePipelineProps> props)
    {
        var stack = TestStacks.NewStack();
        var p = props(stack);
        var error = Rejections.Expect(() => new GoldenImagePipeline(stack, "Images", p), "Test/Images", property);
        error.Message.Should().Contain("GoldenImagePipelineProps." + property);
    }

    [Fact]
    public void RejectsNullProps() =>
        Rejections.Expect(() => new GoldenImagePipeline(TestStacks.NewStack(), "Images", null!), "Test/Images", nameof(GoldenImagePipelineProps));

    [Fact]
    public void ScheduleRejections_SayWhatImageBuilderTakes()
    {
        var both = Rejections.Expect(() => new GoldenImagePipeline(TestStacks.NewStack(), "Images", new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(TestStacks.NewStack("Other")), Schedule = "0 4 1 * MON" }), "Test/Images", "Schedule");
        both.Message.Should().Contain("not both");
        var numeric = Rejections.Expect(() => new GoldenImagePipeline(TestStacks.NewStack(), "Images", new GoldenImagePipelineProps { Name = "web", Vpc = TestStacks.Vpc(TestStacks.NewStack("Other")), Schedule = "0 4 * * 1-5" }), "Test/Images", "Schedule");
        numeric.Message.Should().Contain("by name");
    }

    private static IVpc PublicOnlyVpc(Stack s) => new Vpc(s, "PublicVpc", new VpcProps
    {
        MaxAzs = 2,
        NatGateways = 0,
        RestrictDefaultSecurityGroup = false,
        SubnetConfiguration = [new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC }],
    });

    // `bash -n` over a script: empty when it parses.
    private static string BashSyntaxError(string script)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, script);
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
            var error = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            return bash.ExitCode == 0 ? "" : error;
        }
        finally { File.Delete(path); }
    }
}
