using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Secrets;

/// <summary>
/// The application's secret in Secrets Manager. Its value is generated inside AWS and never passes
/// through code, templates or user data; those carry only the secret's ARN. Read access is granted
/// per principal with <see cref="GrantRead"/> (the web servers' role only, in the reference app).
/// </summary>
public sealed partial class AppSecret : Construct
{
    /// <summary>The secret.</summary>
    public ISecret Secret { get; }

    /// <summary>Creates the secret with a generated value.</summary>
    public AppSecret(Construct scope, string id, AppSecretProps? props = null) : base(scope, id)
    {
        Guardrails.SecretLiteralGuard.EnsureOn(scope);
        props ??= new AppSecretProps();
        var check = new PropChecks(this, nameof(AppSecretProps));
        check.Matches(nameof(props.SecretName), props.SecretName, SecretNamePattern(), "1-512 characters of letters, digits and /_+=.@-");
        var length = props.Length ?? 48;
        check.InRange(nameof(props.Length), length, 32, 4096);
        check.Matches(nameof(props.GenerateKey), props.GenerateKey, KeyPattern(), "a JSON key of letters, digits and _ (1-64 characters)");

        Secret = new Secret(this, "Secret", new SecretProps
        {
            SecretName = props.SecretName,
            Description = props.Description ?? "Application secret (generated; read at run time by the web servers)",
            RemovalPolicy = RemovalPolicy.RETAIN,
            EncryptionKey = props.EncryptionKey ?? Infra.Constructs.Security.EncryptionKeys.Create(this, "Key", $"Encrypts the application secret of {Node.Path}"),
            GenerateSecretString = new SecretStringGenerator
            {
                PasswordLength = length,
                ExcludePunctuation = true,
                SecretStringTemplate = props.GenerateKey is null ? null : "{}",
                GenerateStringKey = props.GenerateKey,
            },
        });
    }

    /// <summary>Lets <paramref name="grantee"/> read the value (GetSecretValue, DescribeSecret) of this secret only.</summary>
    public Grant GrantRead(IGrantable grantee) => Secret.GrantRead(grantee);

    [GeneratedRegex(@"^[A-Za-z0-9/_+=.@-]{1,512}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyPattern();
}
