namespace Infra.App.Config;

/// <summary>A bad context value or configuration; the message lists what is valid.</summary>
public sealed class ConfigException(string message) : Exception(message);
