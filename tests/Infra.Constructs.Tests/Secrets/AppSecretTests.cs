using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.IAM;
using Infra.Constructs.Secrets;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Secrets;

public class AppSecretTests(AppSecretTests.Fixture f) : IClassFixture<AppSecretTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Template { get; } = TestStacks.Synth(s =>
        {
            var secret = new AppSecret(s, "Secret", new AppSecretProps { SecretName = "prod/web/app", GenerateKey = "password", Length = 64 });
            var reader = new Role(s, "Reader", new RoleProps { AssumedBy = new ServicePrincipal("ec2.amazonaws.com") });
            _ = new Role(s, "Bystander", new RoleProps { AssumedBy = new ServicePrincipal("ec2.amazonaws.com") });
            secret.GrantRead(reader);
        });
    }

    [Fact]
    public void ValueIsGeneratedInsideAwsAndRetained()
    {
        f.Template.HasResource("AWS::SecretsManager::Secret", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Name"] = "prod/web/app",
                ["GenerateSecretString"] = new Dictionary<string, object> { ["PasswordLength"] = 64, ["ExcludePunctuation"] = true, ["GenerateStringKey"] = "password", ["SecretStringTemplate"] = "{}" },
            }),
        });
        f.Template.Json().ToJsonString().Should().NotContain("\"SecretString\"");
    }

    [Fact]
    public void ValueIsEncryptedWithACustomerManagedRotatedKey()
    {
        f.Template.HasResourceProperties("AWS::SecretsManager::Secret", new Dictionary<string, object>
        {
            ["KmsKeyId"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("^SecretKey"), "Arn" } },
        });
        f.Template.HasResourceProperties("AWS::KMS::Key", new Dictionary<string, object> { ["EnableKeyRotation"] = true });
    }

    [Fact]
    public void OnlyTheGrantedRoleMayRead()
    {
        f.Template.ResourceCountIs("AWS::IAM::Policy", 1);
        f.Template.HasResourceProperties("AWS::IAM::Policy", new Dictionary<string, object>
        {
            ["Roles"] = new object[] { new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Reader") } },
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Action"] = new[] { "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret" },
                    ["Resource"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Secret") },
                })]),
            }),
        });
    }

    private System.Text.Json.Nodes.JsonObject ResourcePolicy() =>
        f.Template.Json().ResourcesOf("AWS::SecretsManager::ResourcePolicy").Single().Props;

    [Fact]
    public void ResourcePolicyDeniesEveryActionToOtherAccounts()
    {
        var deny = ResourcePolicy()["ResourcePolicy"]!["Statement"]!.AsArray().Single(st => st!["Sid"]!.GetValue<string>() == "NoOtherAccounts")!;
        deny["Effect"]!.GetValue<string>().Should().Be("Deny");
        deny["Principal"]!.ToJsonString().Should().Be("{\"AWS\":\"*\"}");
        deny["Action"]!.GetValue<string>().Should().Be("secretsmanager:*");
        deny["Condition"]!.ToJsonString().Should().Be("{\"StringNotEquals\":{\"aws:PrincipalAccount\":{\"Ref\":\"AWS::AccountId\"}}}");
        ResourcePolicy()["BlockPublicPolicy"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void ResourcePolicyDeniesTheValueToEveryPrincipalNotGrantedRead()
    {
        var deny = ResourcePolicy()["ResourcePolicy"]!["Statement"]!.AsArray().Single(st => st!["Sid"]!.GetValue<string>() == "OnlyGrantedReaders")!;
        deny["Effect"]!.GetValue<string>().Should().Be("Deny");
        deny["Action"]!.GetValue<string>().Should().Be("secretsmanager:GetSecretValue");
        var readers = deny["Condition"]!["ArnNotEquals"]!["aws:PrincipalArn"]!;
        readers.ToJsonString().Should().Contain("\"Fn::GetAtt\":[\"Reader").And.NotContain("Bystander", "only the granted role is exempt");
    }

    [Fact]
    public void WithoutGrantsOnlyOtherAccountsAreDenied()
    {
        var template = TestStacks.Synth(s => _ = new AppSecret(s, "Secret"));
        var statements = template.Json().ResourcesOf("AWS::SecretsManager::ResourcePolicy").Single().Props["ResourcePolicy"]!["Statement"]!.AsArray();
        statements.Select(st => st!["Sid"]!.GetValue<string>()).Should().Equal("NoOtherAccounts");
    }

    [Fact]
    public void RejectsAGrantToAPrincipalThatHasNoArn()
    {
        var stack = TestStacks.NewStack();
        var secret = new AppSecret(stack, "Secret");
        Rejections.Expect(() => secret.GrantRead(new ServicePrincipal("ec2.amazonaws.com")), "Test/Secret", "AppSecret.GrantRead(grantee)")
            .Allowed.Should().Contain("an IAM role or user");
    }

    [Theory]
    [InlineData("SecretName", "bad name!")]
    [InlineData("Length", "8")]
    [InlineData("GenerateKey", "my-key")]
    public void RejectsBadProps(string property, string value)
    {
        var props = property switch
        {
            "SecretName" => new AppSecretProps { SecretName = value },
            "Length" => new AppSecretProps { Length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => new AppSecretProps { GenerateKey = value },
        };
        Rejections.Expect(() => new AppSecret(TestStacks.NewStack(), "Secret", props), "Test/Secret", property);
    }
}
