using Infra.App.Config;

namespace Infra.App.Tests;

/// <summary>The app reads what tools/images writes (Config/images.json); a recorded color stops following the latest image.</summary>
public class ImageRecordTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "images-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Reads_the_format_tools_images_writes()
    {
        var path = Write("""
            { "environments": { "prod": {
                "blue": {},
                "green": { "eu-west-1": { "ami": "ami-0123456789abcdef0", "source": "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "recorded": "2026-12-02" },
                           "us-east-1": "ami-0fedcba9876543210" } } } }
            """);
        ImageRecord.Recorded("prod", "green", path).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["eu-west-1"] = "ami-0123456789abcdef0",
            ["us-east-1"] = "ami-0fedcba9876543210",
        });
        ImageRecord.Recorded("prod", "blue", path).Should().BeEmpty();
        ImageRecord.Recorded("staging", "blue", path).Should().BeEmpty();
    }

    [Fact]
    public void An_environment_names_the_pipeline_its_images_come_from()
    {
        var path = Write("""{ "environments": { "prod": { "pipeline": "prod-web", "blue": {}, "green": {} }, "dev": { "blue": {}, "green": {} } } }""");
        ImageRecord.Pipeline("prod", path).Should().Be("prod-web");
        ImageRecord.Pipeline("dev", path).Should().BeNull();
        ImageRecord.Recorded("prod", "blue", path).Should().BeEmpty("the pipeline's name is not a color");
        var bad = Write("""{ "environments": { "prod": { "pipeline": 7 } } }""");
        var act = () => ImageRecord.Pipeline("prod", bad);
        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("environments.prod.pipeline must be a pipeline name");
    }

    [Fact]
    public void The_committed_record_names_prods_pipeline_and_none_for_dev()
    {
        ImageRecord.Pipeline("prod").Should().Be("prod-web");
        ImageRecord.Pipeline("dev").Should().BeNull("dev keeps the public Amazon Linux image");
    }

    [Fact]
    public void A_record_without_an_id_is_a_clear_error()
    {
        var path = Write("""{ "environments": { "dev": { "blue": { "eu-west-1": {} } } } }""");
        var act = () => ImageRecord.Recorded("dev", "blue", path);
        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("environments.dev.blue.eu-west-1 has no AMI id");
    }

    [Fact]
    public void An_explicit_image_wins_over_the_record_and_settings_win_over_the_file()
    {
        var explicitGreen = Environments.Prod with { Images = new ColorImages(Green: "ami-0123456789abcdef0") };
        ImageRecord.For(explicitGreen, "green").Should().BeNull();
        var inSettings = Environments.Prod with { Images = new ColorImages { BlueByRegion = new Dictionary<string, string> { ["eu-west-1"] = "ami-0fedcba9876543210" } } };
        ImageRecord.For(inSettings, "blue").Should().ContainKey("eu-west-1");
    }

    [Fact]
    public void The_committed_record_is_read_next_to_the_app() =>
        File.Exists(ImageRecord.DefaultPath).Should().BeTrue("the project copies Config/images.json to its output");
}
