using System.Globalization;
using Infra.Constructs.Deployment;
using Infra.Constructs.Releases;
using Infra.Constructs.Serverless;

namespace Infra.App.Config;

/// <summary>
/// Reads the CDK context (<c>-c key=value</c>) into the environments to synthesize. Keys: <c>env</c>
/// (a name or <c>all</c>; default all), <c>account</c>, <c>region</c>, and traffic overrides for
/// rehearsals: <c>activeColor</c>, <c>canaryPercent</c>, <c>idleCapacity</c>, and for the sample API's
/// stage canary: <c>apiRelease</c> (none, started, promoted, rolledBack) and <c>apiCanaryPercent</c>;
/// <c>release=ID</c> and <c>apiReleaseId=ID</c> declare a release that runs itself (tools/release) under that id
/// for the web fleets and the sample API (the environment's own steps and gates, else the library's).
/// Test-only: <c>e2e=moto</c> selects the <see cref="EmulatorProfile"/> (tools/e2e/run; never for AWS).
/// <c>githubRepository</c> (and optionally <c>githubOidcProviderArn</c>) adds the <c>Ci-Identity</c> stack
/// (<see cref="CiIdentity"/>).
/// </summary>
public static class AppConfig
{
    /// <summary>Context keys the app understands.</summary>
    public static readonly string[] Keys = ["env", "account", "region", "activeColor", "canaryPercent", "idleCapacity", "apiRelease", "apiCanaryPercent", "release", "apiReleaseId", EmulatorProfile.ContextKey, "githubRepository", "githubOidcProviderArn"];

    /// <summary>Selects and adjusts environments. <paramref name="context"/> returns null for unset keys.</summary>
    public static IReadOnlyList<EnvironmentSettings> Select(Func<string, object?> context, IReadOnlyDictionary<string, EnvironmentSettings>? environments = null)
    {
        environments ??= Environments.All;
        var env = Text(context, "env") ?? "all";
        var names = environments.Keys.ToList();
        List<EnvironmentSettings> selected;
        if (env == "all") selected = [.. environments.Values];
        else if (environments.TryGetValue(env, out var one)) selected = [one];
        else throw new ConfigException($"Unknown environment -c env={env}. Valid: {string.Join(", ", names)}, all.");

        var account = Text(context, "account");
        if (account is not null && (account.Length != 12 || !account.All(char.IsAsciiDigit)))
            throw new ConfigException($"Invalid -c account={account}. Valid: a 12-digit AWS account id.");
        var region = Text(context, "region");
        if (region is not null && !System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))
            throw new ConfigException($"Invalid -c region={region}. Valid: an AWS region such as eu-west-1.");

        var color = Text(context, "activeColor");
        TrafficColor? activeColor = null;
        if (color is not null)
            activeColor = TrafficPlan.TryParseColor(color, out var c) ? c : throw new ConfigException($"Invalid -c activeColor={color}. Valid: blue, green.");
        var canaryText = Text(context, "canaryPercent");
        int? canary = null;
        if (canaryText is not null)
            canary = int.TryParse(canaryText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100
                ? p : throw new ConfigException($"Invalid -c canaryPercent={canaryText}. Valid: a whole number from 0 to 100.");
        var idleText = Text(context, "idleCapacity");
        IdleCapacity? idle = null;
        if (idleText is not null)
            idle = Enum.TryParse<IdleCapacity>(idleText, ignoreCase: true, out var i) && Enum.IsDefined(i) && !char.IsAsciiDigit(idleText[0])
                ? i : throw new ConfigException($"Invalid -c idleCapacity={idleText}. Valid: scaleToZero, warm, ready.");

        var apiRelease = ApiRelease(Text(context, "apiRelease"), Text(context, "apiCanaryPercent"));
        var releaseId = Text(context, "release");
        var apiReleaseId = Text(context, "apiReleaseId");
        var emulator = EmulatorProfile.Parse(Text(context, EmulatorProfile.ContextKey));

        var adjusted = selected.Select(s => s with
        {
            Account = account ?? s.Account,
            Region = region ?? s.Region,
            Traffic = s.Traffic with
            {
                ActiveColor = activeColor ?? s.Traffic.ActiveColor,
                CanaryPercent = canary ?? s.Traffic.CanaryPercent,
                IdleCapacity = idle ?? s.Traffic.IdleCapacity,
            },
            Api = apiRelease is null ? s.Api : s.Api with { Release = apiRelease(s) },
            Release = releaseId is null ? s.Release : (s.Release ?? new ProgressiveRelease { Id = releaseId }) with { Id = releaseId },
        }).Select(s => apiReleaseId is null ? s : s with
        {
            Api = s.Api with { Progressive = (s.Api.Progressive ?? new ProgressiveRelease { Id = apiReleaseId }) with { Id = apiReleaseId } },
        });
        return emulator is null ? adjusted.ToList() : adjusted.Select(emulator.Apply).ToList();
    }

    /// <summary>
    /// <c>-c apiCanaryPercent=N</c> starts (or moves) the canary at N %; <c>-c apiRelease=...</c> sets the
    /// step; <c>apiRelease=started</c> without a percent keeps the environment's current one.
    /// </summary>
    private static Func<EnvironmentSettings, CanaryRelease>? ApiRelease(string? releaseText, string? percentText)
    {
        if (releaseText is null && percentText is null) return null;
        CanaryPhase? phase = null;
        if (releaseText is not null)
            phase = CanaryRelease.TryParsePhase(releaseText, out var p) ? p
                : throw new ConfigException($"Invalid -c apiRelease={releaseText}. Valid: {string.Join(", ", CanaryRelease.PhaseNames)}.");
        double? percent = null;
        if (percentText is not null)
            percent = double.TryParse(percentText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100
                ? v : throw new ConfigException($"Invalid -c apiCanaryPercent={percentText}. Valid: a number from 0 to 100, such as 10 or 12.5.");
        if (percent is not null && phase is not (null or CanaryPhase.Started))
            throw new ConfigException($"Invalid -c apiCanaryPercent={percentText} with -c apiRelease={releaseText}. Valid: apiCanaryPercent only with apiRelease=started (or without apiRelease).");
        return s => (phase ?? CanaryPhase.Started, percent) switch
        {
            (CanaryPhase.Started, { } n) => CanaryRelease.Started(n),
            (CanaryPhase.Started, null) => s.Api.Release.IsActive ? s.Api.Release
                : throw new ConfigException($"-c apiRelease=started needs -c apiCanaryPercent=N for environment {s.Name}, whose canary is not started. Valid: a number from 0 to 100."),
            (CanaryPhase.Promoted, _) => CanaryRelease.Promoted,
            (CanaryPhase.RolledBack, _) => CanaryRelease.RolledBack,
            _ => CanaryRelease.None,
        };
    }

    /// <summary>
    /// The <c>Ci-Identity</c> stack's settings from <c>-c githubRepository=owner/name</c> and the optional
    /// <c>-c githubOidcProviderArn=ARN</c> (import the account's existing provider); null without
    /// <c>githubRepository</c>, so the default synth has no such stack.
    /// </summary>
    public static CiIdentitySettings? CiIdentity(Func<string, object?> context)
    {
        var repository = Text(context, "githubRepository");
        var providerArn = Text(context, "githubOidcProviderArn");
        if (repository is null)
        {
            return providerArn is null ? null
                : throw new ConfigException($"-c githubOidcProviderArn={providerArn} needs -c githubRepository=owner/name. Valid: both, or neither.");
        }
        if (!Infra.Constructs.CiCd.GitHubOidcRoles.IsValidRepository(repository))
            throw new ConfigException($"Invalid -c githubRepository={repository}. Valid: owner/name of a GitHub repository, exactly as GitHub spells it, e.g. example-org/infra-constructs.");
        if (providerArn is not null && !System.Text.RegularExpressions.Regex.IsMatch(providerArn, @"^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$"))
            throw new ConfigException($"Invalid -c githubOidcProviderArn={providerArn}. Valid: arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com (the account's existing GitHub provider).");
        return new CiIdentitySettings(repository, providerArn);
    }

    private static string? Text(Func<string, object?> context, string key) => context(key) switch
    {
        null => null,
        string s => s.Trim(),
        var o => Convert.ToString(o, CultureInfo.InvariantCulture),
    };
}
