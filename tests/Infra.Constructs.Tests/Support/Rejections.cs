using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Support;

/// <summary>Asserts that building a construct is rejected with a clear, named error.</summary>
public static class Rejections
{
    /// <summary>
    /// Runs <paramref name="build"/> and asserts an <see cref="InvalidPropException"/> that names
    /// the construct path and the property; returns it for further checks.
    /// </summary>
    public static InvalidPropException Expect(Action build, string constructPath, string property)
    {
        var act = () => build();
        var error = act.Should().Throw<InvalidPropException>().Which;
        error.ConstructPath.Should().Be(constructPath);
        error.Property.Should().EndWith(property);
        error.Message.Should().StartWith(constructPath + ": invalid ").And.Contain(property).And.Contain("Allowed: ");
        // A clear error, never a jsii trace.
        error.Message.Should().NotContain("Amazon.JSII").And.NotContain("   at ");
        return error;
    }
}
