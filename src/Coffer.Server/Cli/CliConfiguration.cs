namespace Coffer.Server.Cli;

/// <summary>The configuration a verb other than serve reads: the same environment variables and pass-through options.</summary>
internal static class CliConfiguration
{
    public static IConfiguration Build(IReadOnlyList<string> unmatchedTokens) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(unmatchedTokens.ToArray())
            .Build();
}
