using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Hosting;

/// <summary>
/// What a <c>serve</c> process runs (<c>Coffer:Role</c>, set by <c>serve --role</c>): the API, the
/// background workers, or both (the default). Modules register their workers only when <see cref="RunsWorkers"/>.
/// </summary>
public enum ServerRole
{
    All,
    Api,
    Worker,
}

public static class ServerRoles
{
    public const string ConfigurationKey = "Coffer:Role";

    public static ServerRole Of(IConfiguration configuration) =>
        (configuration[ConfigurationKey] ?? "all").ToLowerInvariant() switch
        {
            "all" => ServerRole.All,
            "api" => ServerRole.Api,
            "worker" => ServerRole.Worker,
            var other => throw new InvalidOperationException($"Coffer:Role must be all, api or worker, not '{other}'."),
        };

    public static bool RunsWorkers(IConfiguration configuration) => Of(configuration) != ServerRole.Api;

    public static bool ServesApi(IConfiguration configuration) => Of(configuration) != ServerRole.Worker;
}
