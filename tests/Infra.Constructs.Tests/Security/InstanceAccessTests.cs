using System.Security.Cryptography;
using Amazon.CDK.Assertions;
using Infra.Constructs.Security;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Security;

public class InstanceAccessTests(InstanceAccessTests.Fixture f) : IClassFixture<InstanceAccessTests.Fixture>
{
    /// <summary>A syntactically valid OpenSSH ed25519 public key made of random bytes at run time.</summary>
    public static string FakePublicKey()
    {
        var blob = new List<byte>();
        void Field(byte[] b) { blob.AddRange(BitConverter.GetBytes(b.Length).Reverse()); blob.AddRange(b); }
        Field("ssh-ed25519"u8.ToArray());
        Field(RandomNumberGenerator.GetBytes(32));
        return "ssh-ed25519 " + Convert.ToBase64String(blob.ToArray()) + " test@example";
    }

    public sealed class Fixture
    {
        public Template SessionManager { get; } = TestStacks.Synth(s => new InstanceAccess(s, "Access"));
        public Template Created { get; } = TestStacks.Synth(s => new InstanceAccess(s, "Access", new InstanceAccessProps { Mode = InstanceAccessMode.CreateKeyPair, KeyPairName = "ops" }));
        public string ImportedKey { get; } = FakePublicKey();
        public Template Imported { get; }
        public Fixture() => Imported = TestStacks.Synth(s => new InstanceAccess(s, "Access", new InstanceAccessProps { Mode = InstanceAccessMode.ImportPublicKey, PublicKeyMaterial = ImportedKey }));
    }

    [Fact]
    public void SessionManagerNeedsNoKeyPair() => f.SessionManager.ResourceCountIs("AWS::EC2::KeyPair", 0);

    [Fact]
    public void CreatedKeyPairIsEd25519AndItsPrivateKeyStaysOutOfTheTemplate()
    {
        f.Created.HasResourceProperties("AWS::EC2::KeyPair", new Dictionary<string, object> { ["KeyName"] = "ops", ["KeyType"] = "ed25519" });
        f.Created.Json().ToJsonString().Should().NotContain("PRIVATE KEY").And.NotContain("PublicKeyMaterial");
    }

    [Fact]
    public void ImportedKeyCarriesOnlyThePublicKey() =>
        f.Imported.HasResourceProperties("AWS::EC2::KeyPair", new Dictionary<string, object> { ["PublicKeyMaterial"] = f.ImportedKey });

    [Fact]
    public void RejectsAPrivateKeyPastedAsPublicKeyWithoutEchoingIt()
    {
        // Built at run time: a private-key-shaped block, never committed as text.
        var dashes = new string('-', 5);
        var pasted = $"{dashes}BEGIN OPENSSH {"PRIVATE"} KEY{dashes}\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))}\n{dashes}END OPENSSH {"PRIVATE"} KEY{dashes}";
        var error = Rejections.Expect(() => new InstanceAccess(TestStacks.NewStack(), "Access", new InstanceAccessProps { Mode = InstanceAccessMode.ImportPublicKey, PublicKeyMaterial = pasted }), "Test/Access", "PublicKeyMaterial");
        error.Message.Should().NotContain(pasted[..40]).And.Contain("value hidden");
    }

    [Fact]
    public void RejectsImportWithoutAKey() =>
        Rejections.Expect(() => new InstanceAccess(TestStacks.NewStack(), "Access", new InstanceAccessProps { Mode = InstanceAccessMode.ImportPublicKey }), "Test/Access", "PublicKeyMaterial");

    [Fact]
    public void RejectsAKeyNameWithSessionManager() =>
        Rejections.Expect(() => new InstanceAccess(TestStacks.NewStack(), "Access", new InstanceAccessProps { KeyPairName = "ops" }), "Test/Access", "KeyPairName");

    [Fact]
    public void RejectsPublicKeyMaterialWhenCreating() =>
        Rejections.Expect(() => new InstanceAccess(TestStacks.NewStack(), "Access", new InstanceAccessProps { Mode = InstanceAccessMode.CreateKeyPair, PublicKeyMaterial = FakePublicKey() }), "Test/Access", "PublicKeyMaterial");

    [Fact]
    public void RejectsAnUnknownMode() =>
        Rejections.Expect(() => new InstanceAccess(TestStacks.NewStack(), "Access", new InstanceAccessProps { Mode = (InstanceAccessMode)42 }), "Test/Access", "Mode");
}
