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
/// per principal with <see cref="GrantRead"/> (the web servers' roles only, in the reference app).
/// <para>
/// The secret's resource policy denies every <c>secretsmanager:</c> action to principals of other
/// accounts, and, once <see cref="GrantRead"/> has been called, denies <c>GetSecretValue</c> to every
/// principal not granted through it: an over-broad identity policy elsewhere in the account (say
/// <c>secretsmanager:GetSecretValue</c> on <c>*</c>) cannot read this secret. So every reader must be
/// granted with <see cref="GrantRead"/>, including roles that are also granted through the plain
/// <see cref="Secret"/> (e.g. <c>WebFleetProps.AppSecret</c>).
/// </para>
/// <para>
/// No rotation: the value is a generic application key, not database credentials, so none of the
/// Secrets Manager hosted rotation functions fits, and the sample app reads the value once at start-up
/// (docs/secrets.md says how to rotate it by hand).
/// </para>
/// </summary>
public sealed partial class AppSecret : Construct
{
    /// <summary>The secret.</summary>
    public ISecret Secret { get; }

    /// <summary>Creates the secret with a generated value.</summary>
    public AppSecret(Construct scope, string id, AppSecretProps? props = null) : base(scope, id)
    {
        props ??= new AppSecretProps();
        var check = new PropChecks(this, nameof(AppSecretProps));
        check.Matches(nameof(props.SecretName), props.SecretName, SecretNamePattern(), "1-512 characters of letters, digits and /_+=.@-");
        var length = props.Length ?? 48;
        check.InRange(nameof(props.Length), length, 32, 4096);
        check.Matches(nameof(props.GenerateKey), props.GenerateKey, KeyPattern(), "a JSON key of letters, digits and _ (1-64 characters)");
        check.ThrowIfAny();

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
        // Nobody outside this account, whatever a future policy change might allow.
        Secret.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "NoOtherAccounts",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["secretsmanager:*"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringNotEquals"] = new Dictionary<string, object> { ["aws:PrincipalAccount"] = Aws.ACCOUNT_ID },
            },
        }));
        // Secrets Manager then refuses any later policy that would grant access to principals outside the account.
        var policy = (CfnResourcePolicy)Secret.Node.FindChild("Policy").Node.DefaultChild!;
        policy.BlockPublicPolicy = true;
    }

    /// <summary>
    /// Lets <paramref name="grantee"/> (a role) read the value (GetSecretValue, DescribeSecret) of this
    /// secret only, and adds it to the principals the resource policy still lets read the value.
    /// </summary>
    public Grant GrantRead(IGrantable grantee)
    {
        var principal = grantee?.GrantPrincipal;
        var arn = principal switch
        {
            IRole role => role.RoleArn,
            IUser user => user.UserArn,
            _ => throw new InvalidPropException(Node.Path, "AppSecret.GrantRead(grantee)", principal?.GetType().Name,
                "an IAM role or user of this account (the resource policy names each reader by ARN)"),
        };
        if (_readers.Count == 0)
        {
            // Added on the first grant: before it, nothing is granted and the identity policies decide alone.
            Secret.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "OnlyGrantedReaders",
                Effect = Effect.DENY,
                Principals = [new AnyPrincipal()],
                Actions = ["secretsmanager:GetSecretValue"],
                Resources = ["*"],
                Conditions = new Dictionary<string, object>
                {
                    ["ArnNotEquals"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = Lazy.List(new ReaderArns(_readers)) },
                },
            }));
        }
        if (!_readers.Contains(arn)) _readers.Add(arn);
        return Secret.GrantRead(grantee!);
    }

    /// <summary>ARNs of the principals granted read access with <see cref="GrantRead"/>.</summary>
    public IReadOnlyList<string> Readers => _readers;

    private readonly List<string> _readers = [];

    private sealed class ReaderArns(List<string> arns) : Amazon.JSII.Runtime.Deputy.DeputyBase, IStableListProducer
    {
        public string[]? Produce() => arns.ToArray();
    }

    [GeneratedRegex(@"^[A-Za-z0-9/_+=.@-]{1,512}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyPattern();
}
