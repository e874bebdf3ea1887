namespace Infra.Constructs.Security;

/// <summary>How operators get a shell on the servers.</summary>
public enum InstanceAccessMode
{
    /// <summary>SSM Session Manager only: no key pair, no open port, every session logged by IAM identity.</summary>
    SessionManager,
    /// <summary>Create an EC2 key pair; its private key is kept in SSM Parameter Store (<c>/ec2/keypair/KEY_ID</c>), never in the template.</summary>
    CreateKeyPair,
    /// <summary>Import an existing public key; the private key never leaves the operator.</summary>
    ImportPublicKey,
}
