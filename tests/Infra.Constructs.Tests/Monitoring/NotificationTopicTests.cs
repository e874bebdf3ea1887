using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

public class NotificationTopicTests(NotificationTopicTests.Fixture f) : IClassFixture<NotificationTopicTests.Fixture>
{
    public sealed class Fixture
    {
        public Template Subscribed { get; }
        public JsonObject SubscribedJson { get; }
        public Template Bare { get; }

        public Fixture()
        {
            Subscribed = TestStacks.Synth(s => new NotificationTopic(s, "Alerts", new NotificationTopicProps
            {
                DisplayName = "prod alarms",
                Subscriptions = [AlarmSubscription.Email("oncall@example.com"), AlarmSubscription.Https("https://alerts.example.com/hooks/prod")],
            }));
            SubscribedJson = Subscribed.Json();
            Bare = TestStacks.Synth(s => new NotificationTopic(s, "Alerts"));
        }
    }

    private static NotificationTopic Build(params AlarmSubscription[] subscriptions) =>
        new(TestStacks.NewStack(), "Alerts", new NotificationTopicProps { Subscriptions = subscriptions });

    [Fact]
    public void Topic_IsEncryptedWithARotatedCustomerManagedKey()
    {
        f.Subscribed.HasResourceProperties("AWS::SNS::Topic", new Dictionary<string, object>
        {
            ["KmsMasterKeyId"] = Match.ObjectLike(new Dictionary<string, object> { ["Fn::GetAtt"] = Match.ArrayWith([Match.StringLikeRegexp("^AlertsKey")]) }),
            ["DisplayName"] = "prod alarms",
        });
        f.Subscribed.HasResource("AWS::KMS::Key", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["EnableKeyRotation"] = true }),
            ["DeletionPolicy"] = "Retain",
        });
    }

    [Fact]
    public void TopicPolicy_DeniesPublishingWithoutTls()
    {
        var statements = f.SubscribedJson.ResourcesOf("AWS::SNS::TopicPolicy").Single().Props["PolicyDocument"]!["Statement"]!.AsArray();
        statements.Should().Contain(s => s!["Effect"]!.GetValue<string>() == "Deny"
            && s["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>() == "false"
            && s["Action"]!.GetValue<string>() == "sns:Publish");
    }

    [Fact]
    public void TopicPolicy_LetsOnlyCloudWatchAlarmsOfThisAccountPublish()
    {
        var allow = f.SubscribedJson.ResourcesOf("AWS::SNS::TopicPolicy").Single().Props["PolicyDocument"]!["Statement"]!.AsArray()
            .Single(s => s!["Effect"]!.GetValue<string>() == "Allow")!;
        allow["Principal"]!["Service"]!.GetValue<string>().Should().Be("cloudwatch.amazonaws.com");
        allow["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString().Should().Contain("AWS::AccountId");
        MonitoringTemplates.Render(allow["Condition"]!["ArnLike"]!["aws:SourceArn"]).Should().EndWith(":alarm:*");
    }

    [Fact]
    public void KeyPolicy_LetsAlarmsAutoScalingAndCloudWatchLogsUseTheKey()
    {
        var statements = f.SubscribedJson.ResourcesOf("AWS::KMS::Key").Single().Props["KeyPolicy"]!["Statement"]!.AsArray()
            .ToDictionary(s => s!["Sid"]?.GetValue<string>() ?? "root", s => s!);
        var alarms = statements["CloudWatchAlarmsPublishToEncryptedTopic"];
        alarms["Principal"]!["Service"]!.GetValue<string>().Should().Be("cloudwatch.amazonaws.com");
        // Confused deputy: CloudWatch may use the key only for alarms of this account and region.
        alarms["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString().Should().Be("{\"Ref\":\"AWS::AccountId\"}");
        MonitoringTemplates.Render(alarms["Condition"]!["ArnLike"]!["aws:SourceArn"]).Should().EndWith(":cloudwatch:Ref:AWS::Region:Ref:AWS::AccountId:alarm:*");
        var asg = statements["AutoScalingNotificationsToEncryptedTopic"];
        MonitoringTemplates.Render(asg["Condition"]!["ArnLike"]!["aws:PrincipalArn"]).Should()
            .EndWith(":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*", "the role is named by condition: valid before Auto Scaling creates it");
        var logs = statements["CloudWatchLogsOfThisAccountAndRegion"];
        MonitoringTemplates.Render(logs["Principal"]!["Service"]).Should().Be("logs.Ref:AWS::Region.amazonaws.com");
        MonitoringTemplates.Render(logs["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:logs:arn"]).Should().EndWith(":log-group:*");
    }

    [Fact]
    public void KeyPolicy_AllowsGrantsOnlyForAwsServices()
    {
        var deny = f.SubscribedJson.ResourcesOf("AWS::KMS::Key").Single().Props["KeyPolicy"]!["Statement"]!.AsArray()
            .Single(s => s!["Effect"]!.GetValue<string>() == "Deny")!;
        (deny["Action"]!.GetValue<string>(), deny["Principal"]!["AWS"]!.GetValue<string>()).Should().Be(("kms:CreateGrant", "*"));
        deny["Condition"]!["BoolIfExists"]!.ToJsonString().Should().Be("{\"kms:GrantIsForAWSResource\":\"false\",\"aws:PrincipalIsAWSService\":\"false\"}");
    }

    [Fact]
    public void EmailSubscription_IsCreated() =>
        f.Subscribed.HasResourceProperties("AWS::SNS::Subscription", new Dictionary<string, object> { ["Protocol"] = "email", ["Endpoint"] = "oncall@example.com" });

    [Fact]
    public void HttpsSubscription_IsCreated() =>
        f.Subscribed.HasResourceProperties("AWS::SNS::Subscription", new Dictionary<string, object> { ["Protocol"] = "https", ["Endpoint"] = "https://alerts.example.com/hooks/prod" });

    [Fact]
    public void NoSubscriptions_IsAllowedAndCreatesNone()
    {
        f.Bare.ResourceCountIs("AWS::SNS::Topic", 1);
        f.Bare.ResourceCountIs("AWS::SNS::Subscription", 0);
    }

    [Fact]
    public void Rejects_AnEmptyEmail() =>
        Rejections.Expect(() => Build(AlarmSubscription.Email("")), "Test/Alerts", "Subscriptions[0].Endpoint");

    [Fact]
    public void Rejects_AMalformedEmail() =>
        Rejections.Expect(() => Build(AlarmSubscription.Email("ok@example.com"), AlarmSubscription.Email("oncall at example.com")), "Test/Alerts", "Subscriptions[1].Endpoint")
            .Message.Should().Contain("'oncall at example.com'").And.Contain("e-mail address");

    [Fact]
    public void Rejects_AnHttpsEndpointThatIsNotHttps() =>
        Rejections.Expect(() => Build(AlarmSubscription.Https("http://alerts.example.com/hooks")), "Test/Alerts", "Subscriptions[0].Endpoint")
            .Message.Should().Contain("https://");

    [Fact]
    public void Rejects_AnHttpsEndpointCarryingUserInfo() =>
        Rejections.Expect(() => Build(AlarmSubscription.Https("https://user:pw@alerts.example.com/hooks")), "Test/Alerts", "Subscriptions[0].Endpoint");

    [Fact]
    public void Rejects_TheSameEndpointTwice() =>
        Rejections.Expect(() => Build(AlarmSubscription.Email("ops@example.com"), AlarmSubscription.Email("OPS@example.com")), "Test/Alerts", "Subscriptions");
}
