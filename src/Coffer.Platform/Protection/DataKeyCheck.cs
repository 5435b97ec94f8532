using Coffer.Platform.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Protection;

/// <summary>
/// Loads the data keys when the host starts, so that a malformed key or an active version that does not exist fails
/// start-up rather than the first request that seals a value. Logs which versions are loaded, never the keys.
/// </summary>
internal sealed partial class DataKeyCheck(DataKeyRing keys, DatabaseOptions database, ILogger<DataKeyCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogKeys(logger, string.Join(", ", keys.Versions), keys.ActiveVersion, keys.Source);
        if (keys.Source == DataKeySource.Development && database.Provider == DatabaseProvider.Postgres)
        {
            // Instances of one deployment must share their keys; a key generated per data directory does not travel.
            LogDevelopmentKeyInProduction(logger, Path.Combine(database.DataDirectory, DevelopmentDataKey.RelativePath));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Data keys loaded: versions {KeyVersions}, active {ActiveKeyVersion} ({KeySource})")]
    private static partial void LogKeys(ILogger logger, string keyVersions, int activeKeyVersion, DataKeySource keySource);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No Coffer:Protection:Keys are configured: sensitive values are sealed with the development key {KeyPath}, which other "
        + "instances do not have. Configure Coffer:Protection:Keys for production.")]
    private static partial void LogDevelopmentKeyInProduction(ILogger logger, string keyPath);
}
