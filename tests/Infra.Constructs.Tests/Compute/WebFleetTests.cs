using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.SecretsManager;
using Infra.Constructs.Compute;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Compute;

public class WebFleetTests(WebFleetTests.Fixture f) : IClassFixture<WebFleetTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Default { get; }
        public JsonObject DefaultJson { get; }
        public string DefaultUserData { get; }
        public Template Custom { get; }
        public JsonObject CustomJson { get; }
        public string CustomUserData { get; }
        public Template Graviton { get; }

        public Fixture()
        {
            Default = FleetFactory.DefaultFleetTemplate;
            DefaultJson = Default.Json();
            DefaultUserData = UserDataOf(DefaultJson);
            Custom = TestStacks.Synth(s =>
            {
                var secret = new Secret(s, "AppSecret");
                var fleet = new WebFleet(s, "Fleet", FleetFactory.Props(s) with
                {
                    AmiId = "ami-0123456789abcdef0",
                    InstanceType = "c7i.large",
                    MinCapacity = 3,
                    DesiredCapacity = 4,
                    MaxCapacity = 10,
                    AppProcessCount = 4,
                    AppBasePort = 9001,
                    InstancePort = 8080,
                    HealthCheckPath = "/healthz",
                    RootVolumeGiB = 40,
                    AppSecret = secret,
                    EnvironmentName = "prod",
                    Color = "green",
                    CpuTargetPercent = 0,
                    RequestsPerTargetPerMinute = 0,
                    HealthCheckGrace = Amazon.CDK.Duration.Seconds(120),
                    UpdateStrategy = FleetUpdateStrategy.RollingUpdate,
                    RollingMaxBatchSize = 2,
                    SignalTimeout = Amazon.CDK.Duration.Minutes(20),
                    InstallCodeDeployAgent = false,
                    DeregistrationDelay = Amazon.CDK.Duration.Seconds(60),
                    Schedules = [new FleetSchedule { Name = "morning", Cron = "0 7 * * MON-FRI", TimeZone = "Europe/Berlin", MinCapacity = 5 }],
                });
                fleet.ScaleOnRequests();
            });
            CustomJson = Custom.Json();
            CustomUserData = UserDataOf(CustomJson);
            Graviton = TestStacks.Synth(s => new WebFleet(s, "Fleet", FleetFactory.Props(s) with { InstanceType = "m7g.large", WaitForHealthySignal = false }));
        }

        private static string UserDataOf(JsonObject template) =>
            TemplateExtensions.RenderText(template.ResourcesOf("AWS::EC2::LaunchTemplate").Single().Props["LaunchTemplateData"]!["UserData"]);
    }

    [Fact]
    public void LaunchTemplate_RequiresImdsv2WithHopLimitOne() =>
        f.Default.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
        {
            ["LaunchTemplateData"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["MetadataOptions"] = Match.ObjectLike(new Dictionary<string, object> { ["HttpTokens"] = "required", ["HttpPutResponseHopLimit"] = 1 }),
            }),
        });

    [Fact]
    public void LaunchTemplate_HasAnEncryptedGp3RootVolumeAndDetailedMonitoring() =>
        f.Default.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
        {
            ["LaunchTemplateData"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["BlockDeviceMappings"] = new object[] { new Dictionary<string, object>
                {
                    ["DeviceName"] = "/dev/xvda",
                    ["Ebs"] = new Dictionary<string, object> { ["Encrypted"] = true, ["VolumeType"] = "gp3", ["VolumeSize"] = 16, ["DeleteOnTermination"] = true },
                } },
                ["Monitoring"] = new Dictionary<string, object> { ["Enabled"] = true },
                ["InstanceType"] = "t3.small",
                ["IamInstanceProfile"] = Match.AnyValue(),
            }),
        });

    [Fact]
    public void Default_ImageIsAmazonLinux2023FromThePublicSsmParameter() =>
        f.DefaultJson["Parameters"]!.AsObject().Select(p => p.Value!["Default"]?.GetValue<string>()).Should()
            .Contain(d => d != null && d.Contains("al2023-ami") && d.Contains("x86_64"));

    [Fact]
    public void Graviton_TypesGetAnArm64Image() =>
        f.Graviton.Json()["Parameters"]!.AsObject().Select(p => p.Value!["Default"]?.GetValue<string>()).Should()
            .Contain(d => d != null && d.Contains("al2023-ami") && d.Contains("arm64"));

    [Fact]
    public void Custom_PinnedAmiIsUsedAsIs() =>
        f.Custom.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
        {
            ["LaunchTemplateData"] = Match.ObjectLike(new Dictionary<string, object> { ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = "c7i.large" }),
        });

    [Fact]
    public void InstanceRole_UsesSessionManagerAndNothingBroader()
    {
        var role = f.DefaultJson.ResourcesOf("AWS::IAM::Role").Single().Props;
        role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Single()!["Principal"]!["Service"]!.GetValue<string>().Should().Be("ec2.amazonaws.com");
        role.ContainsKey("ManagedPolicyArns").Should().BeFalse("AmazonSSMManagedInstanceCore would let every server read every SSM parameter");
        f.Default.ResourceCountIs("AWS::IAM::InstanceProfile", 1);
        var statements = f.DefaultJson.ResourcesOf("AWS::IAM::Policy").Single().Props["PolicyDocument"]!["Statement"]!.AsArray();
        var session = statements.Single(st => st!["Sid"]?.GetValue<string>() == "SessionManagerAndRunCommand")!;
        session["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().OnlyContain(a => a.StartsWith("ssmmessages:") || a.StartsWith("ec2messages:") || a == "ssm:UpdateInstanceInformation");
        // Parameter Store: only the environment's own prefix, and no other statement grants any ssm action.
        var parameters = statements.Single(st => st!["Sid"]?.GetValue<string>() == "OwnParameters")!;
        parameters["Resource"]!.AsArray().Select(r => TemplateExtensions.RenderText(r)).Should().OnlyContain(r => r.EndsWith(":parameter/default/web") || r.EndsWith(":parameter/default/web/*"));
        statements.Where(st => st!["Sid"]?.GetValue<string>() is not ("SessionManagerAndRunCommand" or "OwnParameters"))
            .SelectMany(st => st!["Action"] is JsonArray many ? many.Select(a => a!.GetValue<string>()) : [st!["Action"]!.GetValue<string>()])
            .Should().NotContain(a => a.StartsWith("ssm:"));
    }

    [Fact]
    public void Group_RunsInPrivateSubnetsWithElbHealthChecks()
    {
        f.Default.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", new Dictionary<string, object>
        {
            ["MinSize"] = "2",
            ["MaxSize"] = "4",
            ["HealthCheckType"] = "ELB",
            ["HealthCheckGracePeriod"] = 300,
            ["VPCZoneIdentifier"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("PrivateSubnet") })]),
        });
        f.DefaultJson.ResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Props.ContainsKey("DesiredCapacity").Should().BeFalse("scaling owns the desired capacity");
    }

    [Fact]
    public void Group_ReplacesServersByInstanceRefresh_LaunchingBeforeTerminating()
    {
        var group = f.DefaultJson.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Resource;
        var policy = group["UpdatePolicy"]!.AsObject();
        policy.ContainsKey("AutoScalingRollingUpdate").Should().BeFalse("CloudFormation rejects both policies on one group");
        var refresh = policy["AutoScalingInstanceRefresh"]!;
        refresh["Strategy"]!.GetValue<string>().Should().Be("Rolling");
        var preferences = refresh["Preferences"]!.AsObject();
        preferences["MinHealthyPercentage"]!.GetValue<int>().Should().Be(100, "the whole desired capacity stays in service");
        preferences["MaxHealthyPercentage"]!.GetValue<int>().Should().Be(200, "new servers launch before old ones go, even for one server");
        preferences["SkipMatching"]!.GetValue<bool>().Should().BeTrue();
        preferences.ContainsKey("AlarmSpecification").Should().BeFalse("no alarms were added");
        preferences.ContainsKey("CheckpointPercentages").Should().BeFalse();
        policy["AutoScalingScheduledAction"]!["IgnoreUnmodifiedGroupSizeProperties"]!.GetValue<bool>().Should().BeTrue("a deploy keeps the capacity scheduled actions set");
        group["Properties"]!["DefaultInstanceWarmup"]!.GetValue<int>().Should().Be(60);
        // Creation still waits for every first server's healthy signal; a refresh counts servers by health instead.
        group["CreationPolicy"]!["ResourceSignal"]!["Count"]!.GetValue<int>().Should().Be(2);
        f.DefaultUserData.Should().Contain("cfn-signal");
        group["Metadata"]!["cfn-lint"]!["config"]!["ignore_checks"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("E3016");
    }

    [Fact]
    public void InstanceRefresh_CheckpointsBakeTimeAndAlarmsFollowTheProps()
    {
        var json = TestStacks.Synth(s =>
        {
            var fleet = new WebFleet(s, "Fleet", FleetFactory.Props(s) with
            {
                RefreshMinHealthyPercent = 50,
                RefreshMaxHealthyPercent = 150,
                RefreshCheckpointPercentages = [25, 100],
                RefreshCheckpointDelay = Amazon.CDK.Duration.Minutes(15),
                RefreshBake = Amazon.CDK.Duration.Minutes(5),
                InstanceWarmup = Amazon.CDK.Duration.Seconds(120),
            });
            fleet.AddRefreshAlarm(new Amazon.CDK.AWS.CloudWatch.Alarm(s, "Errors", new Amazon.CDK.AWS.CloudWatch.AlarmProps
            {
                Metric = new Amazon.CDK.AWS.CloudWatch.Metric(new Amazon.CDK.AWS.CloudWatch.MetricProps { Namespace = "App", MetricName = "Errors" }),
                Threshold = 1,
                EvaluationPeriods = 1,
            }));
            fleet.UpdateStrategy.Should().Be(FleetUpdateStrategy.InstanceRefresh);
        }).Json();
        var group = json.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Resource;
        var preferences = group["UpdatePolicy"]!["AutoScalingInstanceRefresh"]!["Preferences"]!;
        preferences["MinHealthyPercentage"]!.GetValue<int>().Should().Be(50);
        preferences["MaxHealthyPercentage"]!.GetValue<int>().Should().Be(150);
        preferences["CheckpointPercentages"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(25, 100);
        preferences["CheckpointDelay"]!.GetValue<int>().Should().Be(900);
        preferences["BakeTime"]!.GetValue<int>().Should().Be(300);
        preferences["AlarmSpecification"]!["Alarms"]!.AsArray().Should().ContainSingle()
            .Which!["Ref"]!.GetValue<string>().Should().StartWith("Errors");
        group["Properties"]!["DefaultInstanceWarmup"]!.GetValue<int>().Should().Be(120);
    }

    [Fact]
    public void AddRefreshAlarm_RejectsAnEleventhAlarm()
    {
        var stack = TestStacks.NewStack();
        var fleet = new WebFleet(stack, "Fleet", FleetFactory.Props(stack));
        var metric = new Amazon.CDK.AWS.CloudWatch.Metric(new Amazon.CDK.AWS.CloudWatch.MetricProps { Namespace = "App", MetricName = "Errors" });
        for (var i = 0; i < 10; i++)
            fleet.AddRefreshAlarm(metric.CreateAlarm(stack, $"A{i}", new Amazon.CDK.AWS.CloudWatch.CreateAlarmOptions { Threshold = 1, EvaluationPeriods = 1 }));
        var act = () => fleet.AddRefreshAlarm(metric.CreateAlarm(stack, "A10", new Amazon.CDK.AWS.CloudWatch.CreateAlarmOptions { Threshold = 1, EvaluationPeriods = 1 }));
        act.Should().Throw<Infra.Constructs.Validation.InvalidPropException>().WithMessage("*Test/Fleet*at most 10 alarms*");
    }

    [Fact]
    public void Custom_RollingUpdateFollowsTheProps()
    {
        var policy = f.CustomJson.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Resource["UpdatePolicy"]!.AsObject();
        policy.ContainsKey("AutoScalingInstanceRefresh").Should().BeFalse();
        var rolling = policy["AutoScalingRollingUpdate"]!;
        rolling["MaxBatchSize"]!.GetValue<int>().Should().Be(2);
        rolling["MinInstancesInService"]!.GetValue<int>().Should().Be(1, "3 servers minus a batch of 2");
        rolling["WaitOnResourceSignals"]!.GetValue<bool>().Should().BeTrue();
        rolling["PauseTime"]!.GetValue<string>().Should().Be("PT20M");
    }

    [Fact]
    public void Default_ScalesOnCpu()
    {
        f.Default.HasResourceProperties("AWS::AutoScaling::ScalingPolicy", new Dictionary<string, object>
        {
            ["PolicyType"] = "TargetTrackingScaling",
            ["TargetTrackingConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["PredefinedMetricSpecification"] = new Dictionary<string, object> { ["PredefinedMetricType"] = "ASGAverageCPUUtilization" },
                ["TargetValue"] = 50,
            }),
        });
    }

    [Fact]
    public void Custom_ScalingCanBeTurnedOffAndScheduledByTime()
    {
        f.Custom.ResourceCountIs("AWS::AutoScaling::ScalingPolicy", 0);
        f.Custom.HasResourceProperties("AWS::AutoScaling::ScheduledAction", new Dictionary<string, object>
        {
            ["Recurrence"] = "0 7 * * MON-FRI",
            ["TimeZone"] = "Europe/Berlin",
            ["MinSize"] = 5,
        });
        f.Custom.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", new Dictionary<string, object>
        {
            ["MinSize"] = "3",
            ["DesiredCapacity"] = "4",
            ["MaxSize"] = "10",
            ["HealthCheckGracePeriod"] = 120,
        });
    }

    [Fact]
    public void TargetGroup_ChecksTheHealthPathThroughNginx()
    {
        f.Default.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object>
        {
            ["Port"] = 80,
            ["Protocol"] = "HTTP",
            ["TargetType"] = "instance",
            ["HealthCheckPath"] = "/health",
            ["Matcher"] = new Dictionary<string, object> { ["HttpCode"] = "200" },
            ["HealthyThresholdCount"] = 2,
            ["UnhealthyThresholdCount"] = 3,
            ["HealthCheckIntervalSeconds"] = 15,
            ["TargetGroupAttributes"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = "deregistration_delay.timeout_seconds", ["Value"] = "30" }]),
        });
        f.Custom.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object> { ["Port"] = 8080, ["HealthCheckPath"] = "/healthz" });
    }

    [Fact]
    public void UserData_InstallsTheSignalBeforeAnythingCanFailAndGivesUpAfterAMinute()
    {
        var ud = f.DefaultUserData.WithoutInstallScript();
        ud.IndexOf("install_part signal-tool\n", StringComparison.Ordinal).Should().BePositive()
            .And.BeLessThan(ud.IndexOf("IMDS_TOKEN=", StringComparison.Ordinal), "the signal must be installed before the first step that can fail")
            .And.BeLessThan(ud.IndexOf("install_part cloudwatch-agent\n", StringComparison.Ordinal));
        ServerFiles.InstallScript.Should().Contain("pkg_install aws-cfn-bootstrap", "install.sh, which the user data carries, installs it");
        ud.Should().Contain("deadline=$((SECONDS + 60))").And.Contain("X-App-Revision: none".ToLowerInvariant());
    }

    [Fact]
    public void UserData_IsPortableBetweenAmazonLinuxAndDebian()
    {
        ServerFiles.InstallScript.Should().Contain("if command -v dnf").And.Contain("elif command -v apt-get");
        var ud = f.DefaultUserData;
        ud.Should().Contain("NGINX_USER=www-data").And.Contain("include /etc/nginx/modules-enabled/*.conf;")
            .And.Contain("IMDS=\"${IMDS_ENDPOINT:-http://169.254.169.254}\"");
    }

    [Fact]
    public void UserData_RunsNginxInFrontOfTheAppProcesses()
    {
        f.DefaultUserData.WithoutInstallScript().Should().Contain("install_part web\n");
        ServerFiles.InstallScript.Should().Contain("pkg_install nginx python3 curl").And.Contain("[Service]").And.Contain("Environment=PORT=%i");
        f.DefaultUserData.Should()
            .Contain("server 127.0.0.1:8001").And.Contain("server 127.0.0.1:8002").And.NotContain("127.0.0.1:8003")
            .And.Contain("listen 80 default_server;")
            .And.Contain("for port in 8001 8002; do systemctl enable \"app@${port}.service\"; systemctl restart \"app@${port}.service\"; done")
            .And.Contain("systemctl restart nginx", "an image with nginx already running must load the new configuration");
        f.CustomUserData.Should().Contain("server 127.0.0.1:9004").And.Contain("listen 8080 default_server;").And.Contain("location = /healthz");
    }

    [Fact]
    public void UserData_InstallsTheCodeDeployAgentUnlessTurnedOff()
    {
        ServerFiles.InstallScript.Should().Contain("aws-codedeploy-${r}.s3.${r}.amazonaws.com/latest/install", "install.sh, which the user data carries, installs it");
        f.DefaultUserData.WithoutInstallScript().Should().Contain("install_part codedeploy-agent\nsystemctl enable --now codedeploy-agent");
        f.CustomUserData.WithoutInstallScript().Should().NotContain("codedeploy-agent\n").And.Contain("InstallCodeDeployAgent = false");
    }

    [Fact]
    public void UserData_UsesImdsv2Tokens() =>
        f.DefaultUserData.Should().Contain("X-aws-ec2-metadata-token-ttl-seconds").And.Contain("X-aws-ec2-metadata-token: ${IMDS_TOKEN}");

    [Fact]
    public void UserData_CarriesTheSecretArnNeverItsValue()
    {
        f.CustomUserData.Should().Contain("APP_SECRET_ARN=${Ref:AppSecret").And.Contain("APP_ENVIRONMENT=prod").And.Contain("APP_COLOR=green");
        f.CustomJson.ToJsonString().Should().NotContain("\"SecretString\"");
        f.Custom.HasResourceProperties("AWS::IAM::Policy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Action"] = Match.ArrayWith(["secretsmanager:GetSecretValue"]),
                    ["Resource"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("AppSecret") },
                })]),
            }),
        });
    }

    [Theory]
    [InlineData(5, null, 4, "MinCapacity")]
    [InlineData(2, 1, 4, "DesiredCapacity")]
    [InlineData(2, 5, 4, "DesiredCapacity")]
    [InlineData(-1, null, 4, "MinCapacity")]
    [InlineData(0, null, 1001, "MaxCapacity")]
    public void RejectsCapacityOutOfOrder(int min, int? desired, int max, string property)
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { MinCapacity = min, DesiredCapacity = desired, MaxCapacity = max }), "Test/Fleet", property);
    }

    public static TheoryData<string, Func<WebFleetProps, WebFleetProps>> BadProps => new()
    {
        { "InstanceType", p => p with { InstanceType = "large" } },
        { "InstanceType", p => p with { InstanceType = "t3.mediun" } },
        { "InstanceType", p => p with { InstanceType = "m7g.larg" } },
        { "AmiId", p => p with { AmiId = "ami-xyz" } },
        { "AppProcessCount", p => p with { AppProcessCount = 0 } },
        { "AppProcessCount", p => p with { AppProcessCount = 33 } },
        { "AppBasePort", p => p with { AppBasePort = 80 } },
        { "InstancePort", p => p with { InstancePort = 8002 } },
        { "InstancePort", p => p with { InstancePort = 70000 } },
        { "HealthCheckPath", p => p with { HealthCheckPath = "health" } },
        { "HealthCheckPath", p => p with { HealthCheckPath = "/he alth" } },
        { "RootVolumeGiB", p => p with { RootVolumeGiB = 4 } },
        { "HealthCheckGrace", p => p with { HealthCheckGrace = Amazon.CDK.Duration.Seconds(7201) } },
        { "HealthCheckGrace", p => p with { HealthCheckGrace = Amazon.CDK.Duration.Millis(1500) } },
        { "CpuTargetPercent", p => p with { CpuTargetPercent = 101 } },
        { "RequestsPerTargetPerMinute", p => p with { RequestsPerTargetPerMinute = -5 } },
        { "RollingMaxBatchSize", p => p with { UpdateStrategy = FleetUpdateStrategy.RollingUpdate, RollingMaxBatchSize = 0 } },
        { "RollingMinInService", p => p with { UpdateStrategy = FleetUpdateStrategy.RollingUpdate, RollingMinInService = 4 } },
        { "RollingMaxBatchSize", p => p with { RollingMaxBatchSize = 2 } },
        { "RollingMinInService", p => p with { RollingMinInService = 1 } },
        { "UpdateStrategy", p => p with { UpdateStrategy = (FleetUpdateStrategy)7 } },
        { "RefreshMinHealthyPercent", p => p with { RefreshMinHealthyPercent = 101 } },
        { "RefreshMaxHealthyPercent", p => p with { RefreshMaxHealthyPercent = 99 } },
        { "RefreshMaxHealthyPercent", p => p with { RefreshMinHealthyPercent = 50, RefreshMaxHealthyPercent = 200 } },
        { "RefreshMaxHealthyPercent", p => p with { RefreshMaxHealthyPercent = 100 } },
        { "RefreshCheckpointPercentages", p => p with { RefreshCheckpointPercentages = [50, 25, 100] } },
        { "RefreshCheckpointPercentages", p => p with { RefreshCheckpointPercentages = [50] } },
        { "RefreshCheckpointPercentages", p => p with { RefreshCheckpointPercentages = [0, 100] } },
        { "RefreshCheckpointDelay", p => p with { RefreshCheckpointDelay = Amazon.CDK.Duration.Minutes(5) } },
        { "RefreshCheckpointDelay", p => p with { RefreshCheckpointPercentages = [100], RefreshCheckpointDelay = Amazon.CDK.Duration.Minutes(3000) } },
        { "RefreshCheckpointDelay", p => p with { RefreshCheckpointPercentages = [100], RefreshCheckpointDelay = Amazon.CDK.Duration.Seconds(90) } },
        { "RefreshBake", p => p with { RefreshBake = Amazon.CDK.Duration.Days(3) } },
        { "InstanceWarmup", p => p with { InstanceWarmup = Amazon.CDK.Duration.Seconds(3601) } },
        { "SignalTimeout", p => p with { SignalTimeout = Amazon.CDK.Duration.Minutes(61) } },
        { "SignalTimeout", p => p with { SignalTimeout = Amazon.CDK.Duration.Seconds(30) } },
        { "DeregistrationDelay", p => p with { DeregistrationDelay = Amazon.CDK.Duration.Seconds(3601) } },
        { "EnvironmentName", p => p with { EnvironmentName = "prod env" } },
        { "Color", p => p with { Color = "" } },
        { "Schedules[nightly].Cron", p => p with { Schedules = [new FleetSchedule { Name = "nightly", Cron = "0 25 * * *", MinCapacity = 1 }] } },
        { "Schedules[nightly]", p => p with { Schedules = [new FleetSchedule { Name = "nightly", Cron = "0 1 * * *" }] } },
        { "Schedules[nightly].MinCapacity", p => p with { Schedules = [new FleetSchedule { Name = "nightly", Cron = "0 1 * * *", MinCapacity = 3, MaxCapacity = 2 }] } },
        { "Schedules[nightly].TimeZone", p => p with { Schedules = [new FleetSchedule { Name = "nightly", Cron = "0 1 * * *", MinCapacity = 1, TimeZone = "Berlin time" }] } },
        { "Schedules", p => p with { Schedules = [new FleetSchedule { Name = "a", Cron = "0 1 * * *", MinCapacity = 1 }, new FleetSchedule { Name = "a", Cron = "0 2 * * *", MinCapacity = 1 }] } },
        { "Schedules[].Name", p => p with { Schedules = [new FleetSchedule { Name = "bad name", Cron = "0 1 * * *", MinCapacity = 1 }] } },
        { "AmiId", p => p with { AmiId = "ami-0123456789abcdef0", MachineImage = Amazon.CDK.AWS.EC2.MachineImage.LatestAmazonLinux2023() } },
        { "Vpc", p => p with { Vpc = null! } },
        { "SecurityGroup", p => p with { SecurityGroup = null! } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<WebFleetProps, WebFleetProps> change)
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", change(FleetFactory.Props(stack))), "Test/Fleet", property);
    }
}
