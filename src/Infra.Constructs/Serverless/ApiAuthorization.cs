using Amazon.CDK.AWS.APIGateway;

namespace Infra.Constructs.Serverless;

/// <summary>
/// Who may call the methods of a <see cref="CanaryRestApi"/>: IAM-signed callers, callers an authorizer
/// lets through, or anyone (<see cref="Public"/>). <see cref="CanaryRestApiProps.Authorization"/> has
/// no default, so a public API is always a visible decision in the code that creates it.
/// </summary>
public sealed class ApiAuthorization
{
    private ApiAuthorization(string name, AuthorizationType type, IAuthorizer? authorizer)
    {
        Name = name;
        Type = type;
        Authorizer = authorizer;
    }

    /// <summary>Requests must be SigV4-signed by a principal allowed <c>execute-api:Invoke</c> on the method (<see cref="AuthorizationType.IAM"/>).</summary>
    public static ApiAuthorization Iam { get; } = new("Iam", AuthorizationType.IAM, null);

    /// <summary>
    /// No authorization (<see cref="AuthorizationType.NONE"/>): anyone who knows the URL may call every
    /// method. Only for deliberately public, read-only endpoints; the stage's throttling and an optional
    /// web ACL (<see cref="CanaryRestApiProps.Firewall"/>) are then the only limits.
    /// </summary>
    public static ApiAuthorization Public { get; } = new("Public", AuthorizationType.NONE, null);

    /// <summary>
    /// An authorizer on every method: a <c>CognitoUserPoolsAuthorizer</c> (user pool tokens,
    /// <see cref="AuthorizationType.COGNITO"/>) or a <c>TokenAuthorizer</c>/<c>RequestAuthorizer</c>
    /// (a Lambda, <see cref="AuthorizationType.CUSTOM"/>).
    /// </summary>
    public static ApiAuthorization WithAuthorizer(IAuthorizer authorizer) => new("WithAuthorizer", AuthorizationType.CUSTOM, authorizer);

    /// <summary><c>Iam</c>, <c>Public</c> or <c>WithAuthorizer</c>.</summary>
    public string Name { get; }

    /// <summary>The methods' authorization type (for <see cref="WithAuthorizer"/>, the authorizer's own type decides).</summary>
    public AuthorizationType Type { get; }

    /// <summary>The authorizer, for <see cref="WithAuthorizer"/>.</summary>
    public IAuthorizer? Authorizer { get; }

    /// <summary>True for <see cref="Public"/>.</summary>
    public bool IsPublic => Type == AuthorizationType.NONE && Authorizer is null && Name == "Public";

    /// <inheritdoc />
    public override string ToString() => Name;
}
