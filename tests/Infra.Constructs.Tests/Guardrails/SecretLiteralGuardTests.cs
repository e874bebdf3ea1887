using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.Lambda;
using Infra.Constructs.Guardrails;
using Infra.Constructs.Secrets;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Guardrails;

public partial class SecretLiteralGuardTests
{
    /// <summary>Synthesizes a stack with the guard on and returns the violations of its report (empty when synthesis passed).</summary>
    private static List<JsonNode> Violations(Action<Stack> build)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "guard-" + Guid.NewGuid().ToString("N"));
        var app = new App(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false, Outdir = outdir });
        var stack = new Stack(app, "Planted");
        SecretLiteralGuard.ApplyTo(app);
        build(stack);
        try
        {
            app.Synth();
            return [];
        }
        catch (Exception e) when (e.Message.Contains("Validation failed", StringComparison.Ordinal))
        {
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(outdir, "validation-report.json")))!;
            return report["pluginReports"]!.AsArray()
                .Where(p => p!["pluginName"]!.GetValue<string>() == "infra-constructs-secret-literal-guard")
                .SelectMany(p => p!["violations"]!.AsArray()).Select(v => v!).ToList();
        }
        finally { Directory.Delete(outdir, recursive: true); }
    }

    private static IEnumerable<string> Where(List<JsonNode> violations) =>
        violations.SelectMany(v => v["violatingConstructs"]!.AsArray().Select(c =>
            $"{c!["constructPath"]?.GetValue<string>()} {string.Join(",", c["cloudFormationResource"]?["propertyPaths"]?.AsArray().Select(l => l!.GetValue<string>()) ?? [])}"));

    private static Function Lambda(Stack stack, IDictionary<string, string> env) => new(stack, "Fn", new FunctionProps
    {
        Runtime = Runtime.NODEJS_22_X,
        Handler = "index.handler",
        Code = Code.FromInline("exports.handler=async()=>1"),
        Environment = env,
    });

    [Fact]
    public void AnAccessKeyPairInLambdaEnvironmentFailsSynthesisNamingTheConstructAndProperty()
    {
        var keyId = FakeSecrets.AccessKeyId();
        var violations = Violations(s => Lambda(s, new Dictionary<string, string> { ["DEPLOY_ACCESS_KEY_ID"] = keyId, ["DEPLOY_SECRET_ACCESS_KEY"] = FakeSecrets.SecretAccessKey() }));
        violations.Should().NotBeEmpty();
        Where(violations).Should().Contain(w => w.Contains("Planted/Fn/Resource") && w.Contains("Environment/Variables/DEPLOY_ACCESS_KEY_ID"));
        Where(violations).Should().Contain(w => w.Contains("Environment/Variables/DEPLOY_SECRET_ACCESS_KEY"));
        violations.Select(v => v.ToJsonString()).Should().NotContain(t => t.Contains(keyId), "reports redact the secret");
    }

    [Fact]
    public void ASecretAccessKeyThatStartsWithASlashIsNotTakenForAPath()
    {
        // One real key in 64 starts with '/': it looked like a path and escaped the name rule (a flaky test found it).
        var violations = Violations(s => Lambda(s, new Dictionary<string, string> { ["DEPLOY_SECRET_ACCESS_KEY"] = "/" + FakeSecrets.SecretAccessKey()[1..] }));
        Where(violations).Should().Contain(w => w.Contains("Environment/Variables/DEPLOY_SECRET_ACCESS_KEY"));
    }

    [Fact]
    public void APasswordInATagWhoseKeyIsPasswordLikeFailsSynthesis()
    {
        var violations = Violations(s =>
        {
            _ = new Vpc(s, "Vpc", new VpcProps { MaxAzs = 1, NatGateways = 0 });
            Tags.Of(s).Add("DB_PASSWORD", FakeSecrets.Password());
        });
        violations.Should().ContainSingle("one tag is one finding, however many resources carry it");
        violations[0]["description"]!.GetValue<string>().Should().Contain("password-like value of the tag DB_PASSWORD").And.Contain("in a tag on");
    }

    [Fact]
    public void OneAccessKeyInOneTagIsOneFindingNamingEveryResourceThatCarriesIt()
    {
        var violations = Violations(s =>
        {
            _ = new Vpc(s, "Vpc", new VpcProps { MaxAzs = 2, NatGateways = 0 });
            Tags.Of(s).Add("owner-key", FakeSecrets.AccessKeyId());
        });
        violations.Should().ContainSingle();
        var description = violations[0]["description"]!.GetValue<string>();
        description.Should().Contain("AWS access key id").And.Contain("of Planted, the first shown");
        int.Parse(System.Text.RegularExpressions.Regex.Match(description, "in a tag on ([0-9]+) resource").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeGreaterThan(3, "the count names how far the tag reaches");
        Where(violations).Should().ContainSingle("one block in the CDK's report, not one per tagged resource");
    }

    [Fact]
    public void AnOrdinaryTagPasses() =>
        Violations(s =>
        {
            _ = new Vpc(s, "Vpc", new VpcProps { MaxAzs = 1, NatGateways = 0 });
            Tags.Of(s).Add("cost-center", "Platform-42");
            Tags.Of(s).Add("DB_PASSWORD_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf");
        }).Should().BeEmpty();

    [Fact]
    public void APrivateKeyInUserDataFailsSynthesis()
    {
        var violations = Violations(s =>
        {
            var vpc = TestStacks.Vpc(s);
            var ud = UserData.ForLinux();
            ud.AddCommands("cat > /root/.ssh/id_rsa <<'EOF'", FakeSecrets.PrivateKeyBlock(), "EOF");
            _ = new LaunchTemplate(s, "Lt", new LaunchTemplateProps { UserData = ud, MachineImage = MachineImage.LatestAmazonLinux2023() });
        });
        violations.Should().ContainSingle().Which["description"]!.GetValue<string>().Should().Contain("private key block");
        Where(violations).Should().Contain(w => w.Contains("Planted/Lt/Resource") && w.Contains("LaunchTemplateData/UserData"));
    }

    [Fact]
    public void APasswordAssignedInUserDataFailsSynthesisButAnArnDoesNot()
    {
        var violations = Violations(s =>
        {
            var ud = UserData.ForLinux();
            ud.AddCommands($"echo DB_PASSWORD={FakeSecrets.Password()} >> /etc/app/app.env");
            ud.AddCommands($"echo APP_SECRET_ARN={new AppSecret(s, "Secret").Secret.SecretArn} >> /etc/app/app.env");
            _ = new LaunchTemplate(s, "Lt", new LaunchTemplateProps { UserData = ud, MachineImage = MachineImage.LatestAmazonLinux2023() });
        });
        violations.Should().ContainSingle().Which["description"]!.GetValue<string>().Should().Contain("DB_PASSWORD");
    }

    [Fact]
    public void ASecretInAnOutputOrAParameterDefaultFailsSynthesis()
    {
        var violations = Violations(s =>
        {
            _ = new CfnOutput(s, "Leak", new CfnOutputProps { Value = FakeSecrets.AccessKeyId() });
            _ = new CfnParameter(s, "DbPassword", new CfnParameterProps { Default = FakeSecrets.Password() });
        });
        Where(violations).Should().Contain(w => w.Contains("Outputs/Leak"));
        Where(violations).Should().Contain(w => w.Contains("Parameters/DbPassword/Default"));
    }

    [Fact]
    public void EveryKindIsCaughtByThePatternsWithRandomValues()
    {
        SecretPatterns.Scan($"key {FakeSecrets.AccessKeyId()}").Should().ContainSingle(m => m.Kind == "AWS access key id");
        SecretPatterns.Scan($"aws_secret_access_key = {FakeSecrets.SecretAccessKey()}").Should().Contain(m => m.Kind == "AWS secret access key");
        SecretPatterns.Scan(FakeSecrets.PrivateKeyBlock()).Should().ContainSingle(m => m.Kind == "private key block");
        SecretPatterns.Scan($"export API_TOKEN={FakeSecrets.Password()}").Should().ContainSingle(m => m.Kind.Contains("API_TOKEN"));
    }

    [Theory]
    [InlineData("secretsmanager:GetSecretValue")]
    [InlineData("HttpTokens: required")]
    [InlineData("APP_SECRET_ARN=${ref}")]
    [InlineData("IMDS_TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token)")]
    [InlineData("PASSWORD_FILE=/run/secrets/db")]
    [InlineData("password: {{resolve:secretsmanager:prod/db}}")]
    public void ReferencesAndPlainWordsAreNotSecrets(string text) => SecretPatterns.Scan(text).Should().BeEmpty();

    [Fact]
    public void IamConditionKeysNamedLikeTokensAreNotSecretNames()
    {
        // GitHub OIDC trust: the claim keys contain "token"; their values are compared, never secret.
        var violations = Violations(s => _ = new Amazon.CDK.AWS.IAM.Role(s, "Role", new Amazon.CDK.AWS.IAM.RoleProps
        {
            AssumedBy = new Amazon.CDK.AWS.IAM.FederatedPrincipal("arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com", new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object>
                {
                    ["token.actions.githubusercontent.com:aud"] = "sts.amazonaws.com",
                    ["token.actions.githubusercontent.com:sub"] = "repo:example-org/app:ref:refs/heads/main",
                },
            }, "sts:AssumeRoleWithWebIdentity"),
        }));
        violations.Should().BeEmpty();
        SecretPatterns.IsSecretName("token.actions.githubusercontent.com:sub").Should().BeFalse();
        SecretPatterns.IsSecretName("API_TOKEN").Should().BeTrue();
    }

    [Fact]
    public void TheLibrarysOwnConstructsLeaveTheAppRootAlone()
    {
        // Until issue 14 each construct added an "InfraSecretLiteralGuard" marker here; the app now turns the guard on.
        var stack = TestStacks.NewStack();
        _ = new AppSecret(stack, "A");
        _ = new AppSecret(stack, "B");
        stack.Node.Root.Node.Children.Should().ContainSingle().Which.Should().BeSameAs(stack);
    }
}
