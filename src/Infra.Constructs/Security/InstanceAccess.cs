using System.Text.RegularExpressions;
using Amazon.CDK.AWS.EC2;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Security;

/// <summary>
/// Operator access to the servers. Session Manager by default (no key, no open port); optionally an
/// EC2 key pair, created (private key in SSM Parameter Store) or imported from a public key.
/// Pass <see cref="KeyPair"/> to <see cref="Compute.WebFleetProps.KeyPair"/>.
/// </summary>
public sealed partial class InstanceAccess : Construct
{
    /// <summary>The key pair, or null with Session Manager only.</summary>
    public IKeyPair? KeyPair { get; }

    /// <summary>The mode in force.</summary>
    public InstanceAccessMode Mode { get; }

    /// <summary>Creates the access configuration.</summary>
    public InstanceAccess(Construct scope, string id, InstanceAccessProps? props = null) : base(scope, id)
    {
        props ??= new InstanceAccessProps();
        var check = new PropChecks(this, nameof(InstanceAccessProps));
        Mode = props.Mode ?? InstanceAccessMode.SessionManager;
        check.Matches(nameof(props.KeyPairName), props.KeyPairName, KeyNamePattern(), "1-255 printable ASCII characters");
        check.ThrowIfAny();

        switch (Mode)
        {
            case InstanceAccessMode.SessionManager:
                if (props.PublicKeyMaterial is not null)
                    throw check.Fail(nameof(props.PublicKeyMaterial), "(a public key)", "unset unless Mode is ImportPublicKey");
                if (props.KeyPairName is not null)
                    throw check.Fail(nameof(props.KeyPairName), props.KeyPairName, "unset unless Mode creates or imports a key pair");
                break;
            case InstanceAccessMode.CreateKeyPair:
                if (props.PublicKeyMaterial is not null)
                    throw check.Fail(nameof(props.PublicKeyMaterial), "(a public key)", "unset when Mode is CreateKeyPair (AWS generates the key)");
                KeyPair = new KeyPair(this, "KeyPair", new KeyPairProps { KeyPairName = props.KeyPairName, Type = KeyPairType.ED25519 });
                break;
            case InstanceAccessMode.ImportPublicKey:
                var material = props.PublicKeyMaterial;
                if (material is null || !PublicKeyPattern().IsMatch(material.Trim()))
                    // Never echo the value: a user may have pasted a private key by mistake.
                    throw check.Fail(nameof(props.PublicKeyMaterial), material is null ? null : "(value hidden)",
                        "an OpenSSH public key line: 'ssh-ed25519 AAAA...', 'ssh-rsa AAAA...' or 'ecdsa-sha2-nistp256 AAAA...' (never a private key)");
                KeyPair = new KeyPair(this, "KeyPair", new KeyPairProps { KeyPairName = props.KeyPairName, PublicKeyMaterial = material.Trim() });
                break;
            default:
                throw check.Fail(nameof(props.Mode), Mode, "SessionManager, CreateKeyPair or ImportPublicKey");
        }
    }

    [GeneratedRegex(@"^[\x20-\x7E]{1,255}$")]
    private static partial Regex KeyNamePattern();

    [GeneratedRegex(@"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]{40,}={0,3}( [^\r\n]*)?$")]
    private static partial Regex PublicKeyPattern();
}
