using Amazon.CDK.Assertions;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Security;

public class EncryptionKeysTests(EncryptionKeysTests.Fixture f) : IClassFixture<EncryptionKeysTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Template { get; } = TestStacks.Synth(s =>
        {
            EncryptionKeys.Create(s, "Plain", "test data");
            EncryptionKeys.ForLogs(s, "Logs", "test logs");
        });
    }

    [Fact]
    public void EveryKeyRotatesAndIsRetained()
    {
        f.Template.ResourceCountIs("AWS::KMS::Key", 2);
        f.Template.AllResources("AWS::KMS::Key", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain" });
        f.Template.AllResourcesProperties("AWS::KMS::Key", new Dictionary<string, object> { ["EnableKeyRotation"] = true });
    }

    [Fact]
    public void EveryKeyDeniesGrantsThatAreNotForAwsResources() =>
        f.Template.AllResourcesProperties("AWS::KMS::Key", new Dictionary<string, object>
        {
            ["KeyPolicy"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Sid"] = "GrantsOnlyForAwsResources",
                    ["Effect"] = "Deny",
                    ["Action"] = "kms:CreateGrant",
                    ["Principal"] = new Dictionary<string, object> { ["AWS"] = "*" },
                    ["Resource"] = "*",
                    ["Condition"] = new Dictionary<string, object>
                    {
                        ["BoolIfExists"] = new Dictionary<string, object> { ["kms:GrantIsForAWSResource"] = "false", ["aws:PrincipalIsAWSService"] = "false" },
                    },
                })]),
            }),
        });

    [Fact]
    public void LogsKeyServesCloudWatchLogsOfThisAccountAndRegionOnly() =>
        f.Template.HasResourceProperties("AWS::KMS::Key", new Dictionary<string, object>
        {
            ["Description"] = "Encrypts CloudWatch Logs: test logs",
            ["KeyPolicy"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Principal"] = new Dictionary<string, object> { ["Service"] = Match.AnyValue() },
                    ["Condition"] = new Dictionary<string, object> { ["ArnLike"] = new Dictionary<string, object> { ["kms:EncryptionContext:aws:logs:arn"] = Match.AnyValue() } },
                })]),
            }),
        });
}
