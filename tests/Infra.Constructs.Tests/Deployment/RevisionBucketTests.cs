using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.S3;
using Infra.Constructs.Deployment;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Deployment;

public class RevisionBucketTests(RevisionBucketTests.Fixture f) : IClassFixture<RevisionBucketTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>No props at all.</summary>
        public Template Default { get; }
        /// <summary>Server access logs to a bucket without ACLs (like the load balancer's), old versions kept 30 days.</summary>
        public Template Logged { get; }

        public Fixture()
        {
            Default = TestStacks.Synth(s => new RevisionBucket(s, "Revisions"));
            Logged = TestStacks.Synth(s => new RevisionBucket(s, "Revisions", new RevisionBucketProps
            {
                ServerAccessLogsBucket = LogBucket(s),
                NoncurrentRetention = Amazon.CDK.Duration.Days(30),
            }), context: LogsPolicyFlagOn);
        }
    }

    private static readonly Dictionary<string, object> LogsPolicyFlagOn = new() { [RevisionBucket.LogsPolicyFlag] = true };

    private static Bucket LogBucket(Amazon.CDK.Stack s) => new(s, "Logs", new BucketProps { ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED });

    [Fact]
    public void IsVersionedKmsEncryptedPrivateAndSendsEventsToEventBridge() =>
        f.Default.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["VersioningConfiguration"] = new Dictionary<string, object> { ["Status"] = "Enabled" },
            ["BucketEncryption"] = new Dictionary<string, object>
            {
                ["ServerSideEncryptionConfiguration"] = new object[] { new Dictionary<string, object>
                {
                    ["BucketKeyEnabled"] = true,
                    ["ServerSideEncryptionByDefault"] = new Dictionary<string, object>
                    {
                        ["SSEAlgorithm"] = "aws:kms",
                        ["KMSMasterKeyID"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("^RevisionsKey"), "Arn" } },
                    },
                } },
            },
            ["NotificationConfiguration"] = new Dictionary<string, object> { ["EventBridgeConfiguration"] = new Dictionary<string, object> { ["EventBridgeEnabled"] = true } },
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object> { ["BlockPublicAcls"] = true, ["BlockPublicPolicy"] = true, ["IgnorePublicAcls"] = true, ["RestrictPublicBuckets"] = true },
            ["OwnershipControls"] = new Dictionary<string, object> { ["Rules"] = new object[] { new Dictionary<string, object> { ["ObjectOwnership"] = "BucketOwnerEnforced" } } },
        });

    [Fact]
    public void DeniesEveryRequestWithoutSsl() =>
        f.Default.HasResourceProperties("AWS::S3::BucketPolicy", new Dictionary<string, object>
        {
            ["Bucket"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^RevisionsBucket") },
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Effect"] = "Deny", ["Action"] = "s3:*", ["Principal"] = new Dictionary<string, object> { ["AWS"] = "*" },
                    ["Condition"] = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
                })]),
            }),
        });

    [Fact]
    public void Default_ExpiresOldVersionsAfter90DaysAndAbortsStaleUploadsAfter7() =>
        f.Default.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["LifecycleConfiguration"] = new Dictionary<string, object>
            {
                ["Rules"] = new object[]
                {
                    new Dictionary<string, object> { ["Id"] = "expire-old-revisions", ["NoncurrentVersionExpiration"] = new Dictionary<string, object> { ["NoncurrentDays"] = 90 }, ["Status"] = "Enabled" },
                    new Dictionary<string, object> { ["Id"] = "abort-incomplete-uploads", ["AbortIncompleteMultipartUpload"] = new Dictionary<string, object> { ["DaysAfterInitiation"] = 7 }, ["Status"] = "Enabled" },
                },
            },
        });

    [Fact]
    public void Custom_KeepsOldVersionsForTheConfiguredDays() =>
        f.Logged.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["LifecycleConfiguration"] = new Dictionary<string, object>
            {
                ["Rules"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["Id"] = "expire-old-revisions", ["NoncurrentVersionExpiration"] = new Dictionary<string, object> { ["NoncurrentDays"] = 30 } })]),
            },
        });

    [Fact]
    public void IsRetainedWhenTheStackIsDeletedOrTheBucketReplaced() =>
        f.Default.HasResource("AWS::S3::Bucket", new Dictionary<string, object> { ["DeletionPolicy"] = "Retain", ["UpdateReplacePolicy"] = "Retain" });

    [Fact]
    public void ServerAccessLogsGoToTheGivenBucketUnderTheirOwnPrefix()
    {
        f.Logged.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["LoggingConfiguration"] = new Dictionary<string, object>
            {
                ["DestinationBucketName"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Logs") },
                ["LogFilePrefix"] = "revision-bucket/",
            },
        });
        f.Logged.HasResourceProperties("AWS::S3::BucketPolicy", new Dictionary<string, object>
        {
            ["Bucket"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Logs") },
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Effect"] = "Allow", ["Action"] = "s3:PutObject",
                    ["Principal"] = new Dictionary<string, object> { ["Service"] = "logging.s3.amazonaws.com" },
                    ["Resource"] = Match.ObjectLike(new Dictionary<string, object> { ["Fn::Join"] = Match.ArrayWith([Match.ArrayWith(["/revision-bucket/*"])]) }),
                    ["Condition"] = Match.ObjectLike(new Dictionary<string, object>
                    {
                        ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = new Dictionary<string, object> { ["Fn::GetAtt"] = Match.ArrayWith([Match.StringLikeRegexp("^RevisionsBucket")]) } },
                    }),
                })]),
            }),
        });
        // The log bucket keeps ACLs off.
        f.Logged.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["LoggingConfiguration"] = Match.Absent(),
            ["AccessControl"] = Match.Absent(),
            ["OwnershipControls"] = new Dictionary<string, object> { ["Rules"] = new object[] { new Dictionary<string, object> { ["ObjectOwnership"] = "BucketOwnerEnforced" } } },
        });
        f.Default.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object> { ["LoggingConfiguration"] = Match.Absent() });
    }

    [Fact]
    public void RejectsALogBucketOfAnAppWithoutTheBucketPolicyFlag()
    {
        // Without the flag the CDK would switch the log bucket to ACLs (and fail with a jsii trace on this one).
        var stack = TestStacks.NewStack();
        var error = Rejections.Expect(() => new RevisionBucket(stack, "Revisions", new RevisionBucketProps { ServerAccessLogsBucket = LogBucket(stack) }), "Test/Revisions", "ServerAccessLogsBucket");
        error.Message.Should().Contain(RevisionBucket.LogsPolicyFlag);
    }

    [Fact]
    public void AcceptsAnImportedLogBucketInAnyApp()
    {
        var stack = TestStacks.NewStack();
        var act = () => new RevisionBucket(stack, "Revisions", new RevisionBucketProps { ServerAccessLogsBucket = Bucket.FromBucketName(stack, "Logs", "central-access-logs") });
        act.Should().NotThrow();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void RejectsARetentionOutOfRange(int days) =>
        Rejections.Expect(() => new RevisionBucket(TestStacks.NewStack(), "Revisions", new RevisionBucketProps { NoncurrentRetention = Amazon.CDK.Duration.Days(days) }), "Test/Revisions", "NoncurrentRetention");
}
