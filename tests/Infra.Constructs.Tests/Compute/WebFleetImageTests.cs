using System.Text.Json.Nodes;
using Infra.Constructs.Compute;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Compute;

/// <summary>
/// A recorded image per region (<see cref="WebFleetProps.AmiIdsByRegion"/>): the servers change image only
/// when the record changes, never because AWS published one (which the default latest parameter follows).
/// </summary>
public sealed class WebFleetImageTests
{
    private static readonly Dictionary<string, string> Recorded = new()
    {
        ["eu-west-1"] = "ami-0aaaaaaaaaaaaaaa1",
        ["us-east-1"] = "ami-0bbbbbbbbbbbbbbb2",
    };

    private static JsonNode ImageIdOf(JsonObject template) =>
        template.ResourcesOf("AWS::EC2::LaunchTemplate").Single().Props["LaunchTemplateData"]!["ImageId"]!;

    [Fact]
    public void In_an_environment_agnostic_stack_the_record_is_a_mapping_read_for_the_deploy_region()
    {
        WebFleet? fleet = null;
        var json = TestStacks.Synth(s => fleet = new WebFleet(s, "Fleet", FleetFactory.Props(s) with { AmiIdsByRegion = Recorded })).Json();
        var image = ImageIdOf(json).ToJsonString();
        image.Should().Contain("Fn::FindInMap").And.Contain("AWS::Region");
        var mapping = json["Mappings"]!.AsObject().Single().Value!.AsObject();
        mapping["eu-west-1"]!["ami"]!.GetValue<string>().Should().Be("ami-0aaaaaaaaaaaaaaa1");
        mapping["us-east-1"]!["ami"]!.GetValue<string>().Should().Be("ami-0bbbbbbbbbbbbbbb2");
        (json["Parameters"]?.AsObject().Where(p => p.Value!["Type"]!.GetValue<string>().Contains("AWS::EC2::Image::Id")) ?? [])
            .Should().BeEmpty("nothing is resolved from the public parameter at deploy time, so a new public image changes nothing");
        fleet!.FollowsLatestImage.Should().BeFalse();
    }

    [Fact]
    public void A_deploy_to_a_region_without_a_record_is_stopped_by_a_rule_before_any_change()
    {
        var json = TestStacks.Synth(s => new WebFleet(s, "Fleet", FleetFactory.Props(s) with { AmiIdsByRegion = Recorded })).Json();
        var rule = json["Rules"]!.AsObject().Single(r => r.Key.Contains("ImageRecordedForRegion", StringComparison.Ordinal)).Value!["Assertions"]![0]!;
        rule.ToJsonString().Should().Contain("Fn::Contains").And.Contain("eu-west-1").And.Contain("us-east-1").And.Contain("AWS::Region");
        rule["AssertDescription"]!.GetValue<string>().Should().Contain("tools/images");
    }

    [Fact]
    public void In_a_stack_with_a_region_the_record_of_that_region_is_the_image_id()
    {
        var json = TestStacks.Synth(s => new WebFleet(s, "Fleet", FleetFactory.Props(s) with { AmiIdsByRegion = Recorded }),
            new Amazon.CDK.Environment { Account = "111111111111", Region = "us-east-1" }).Json();
        ImageIdOf(json).GetValue<string>().Should().Be("ami-0bbbbbbbbbbbbbbb2");
        json.ContainsKey("Mappings").Should().BeFalse();
    }

    [Fact]
    public void Without_an_image_the_fleet_follows_the_latest_public_parameter_and_says_so()
    {
        WebFleet? fleet = null;
        var json = TestStacks.Synth(s => fleet = new WebFleet(s, "Fleet", FleetFactory.Props(s))).Json();
        json["Parameters"]!.AsObject().Should().Contain(p => p.Value!["Type"]!.GetValue<string>() == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
        fleet!.FollowsLatestImage.Should().BeTrue();
    }

    public static TheoryData<string, Func<WebFleetProps, WebFleetProps>> BadRecords => new()
    {
        { "AmiIdsByRegion[Ireland]", p => p with { AmiIdsByRegion = new Dictionary<string, string> { ["Ireland"] = "ami-0aaaaaaaaaaaaaaa1" } } },
        { "AmiIdsByRegion[eu-west-1]", p => p with { AmiIdsByRegion = new Dictionary<string, string> { ["eu-west-1"] = "ami-nope" } } },
        { "AmiIdsByRegion", p => p with { AmiIdsByRegion = new Dictionary<string, string>() } },
        { "AmiIdsByRegion", p => p with { AmiId = "ami-0aaaaaaaaaaaaaaa1", AmiIdsByRegion = Recorded } },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void A_bad_record_is_rejected(string property, Func<WebFleetProps, WebFleetProps> change)
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", change(FleetFactory.Props(stack))), "Test/Fleet", property);
    }

    [Fact]
    public void A_stack_region_without_a_record_is_rejected_at_synth()
    {
        var stack = TestStacks.NewPinnedStack();
        Rejections.Expect(() => new WebFleet(stack, "Fleet", FleetFactory.Props(stack) with { AmiIdsByRegion = new Dictionary<string, string> { ["us-east-1"] = "ami-0bbbbbbbbbbbbbbb2" } }),
            "Pinned/Fleet", "AmiIdsByRegion").Message.Should().Contain("the stack's region eu-west-1");
    }
}
