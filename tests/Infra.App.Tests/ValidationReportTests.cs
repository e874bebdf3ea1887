namespace Infra.App.Tests;

/// <summary>The reference app's summary of a failed validation never repeats what the secret guard redacted.</summary>
public class ValidationReportTests
{
    private static string Report(bool guardFound)
    {
        var path = Path.Combine(Path.GetTempPath(), "report-" + Guid.NewGuid().ToString("N") + ".json");
        var guard = guardFound
            ? """{"ruleName":"no-secret-literals","description":"Secret-looking literal (password-like value of the tag DB_PASSWORD, Abcd****)","violatingConstructs":[{"constructPath":"Dev-Web/Vpc/Resource","cloudFormationResource":{"propertyPaths":["Properties.Tags.0.Value"]}}]}"""
            : "";
        File.WriteAllText(path, $$"""
            {"pluginReports":[
              {"pluginName":"infra-constructs-secret-literal-guard","violations":[{{guard}}]},
              {"pluginName":"CloudFormation Validate","violations":[{"ruleName":"F3031","description":"Tags.0.Value: 'the-clear-value' does not match","violatingConstructs":[{"constructPath":"Dev-Web/Vpc/Resource"}]}]}
            ]}
            """);
        return path;
    }

    [Fact]
    public void WhenTheGuardFoundASecretOtherValidatorsMessagesAreHidden()
    {
        var lines = ValidationReport.Summarize(Report(guardFound: true)).ToList();
        lines.Should().Contain(l => l.Contains("no-secret-literals") && l.Contains("Abcd****"));
        lines.Should().NotContain(l => l.Contains("the-clear-value"));
        lines[0].Should().Contain("1 finding(s) of other validators hidden");
    }

    [Fact]
    public void WithoutAGuardFindingEveryValidatorIsShown() =>
        ValidationReport.Summarize(Report(guardFound: false)).Should().ContainSingle(l => l.Contains("F3031"));
}
