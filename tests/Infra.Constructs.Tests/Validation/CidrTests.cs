using Infra.Constructs.Validation;

namespace Infra.Constructs.Tests.Validation;

public class CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/16")]
    [InlineData("0.0.0.0/0")]
    [InlineData("192.168.1.128/25")]
    [InlineData("2001:db8::/32")]
    [InlineData("::/0")]
    public void ValidBlocksParse(string text) => Cidr.TryParse(text, out _).Should().BeTrue();

    [Theory]
    [InlineData("10.0.0.1/16")]      // host bits set
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0/16")]
    [InlineData("10.0.0.0")]
    [InlineData("banana/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("2001:db8::1/32")]
    public void InvalidBlocksDoNotParse(string text) => Cidr.TryParse(text, out _).Should().BeFalse();

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.128.0/17", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0/16", false)]
    [InlineData("10.0.0.0/8", "10.20.0.0/16", true)]
    [InlineData("10.0.0.0/16", "2001:db8::/32", false)]
    public void OverlapIsDetected(string a, string b, bool overlaps)
    {
        Cidr.TryParse(a, out var x).Should().BeTrue();
        Cidr.TryParse(b, out var y).Should().BeTrue();
        x.Overlaps(y).Should().Be(overlaps);
        y.Overlaps(x).Should().Be(overlaps);
    }
}
