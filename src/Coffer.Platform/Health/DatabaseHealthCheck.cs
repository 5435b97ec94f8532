using Coffer.Platform.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Health;

/// <summary>Ready means the database answers and its schema has every migration this build expects.</summary>
internal sealed class DatabaseHealthCheck(CofferDatabase database, ISchemaStatus schema, ILogger<DbSession> sessionLogger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var session = new DbSession(database, sessionLogger);
        try
        {
            await session.QueryAsync(SqlStatement.Of("SELECT 1"), r => r.GetInt32(0), cancellationToken);
            var state = await schema.GetAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["provider"] = database.Provider.ToString().ToLowerInvariant(),
                ["migrationsApplied"] = state.Applied.Count,
                ["migrationsPending"] = state.Pending.Count,
            };
            return state.IsCurrent
                ? HealthCheckResult.Healthy("Database reachable, schema current.", data)
                : HealthCheckResult.Unhealthy($"Schema is behind: {state.Pending.Count} migration(s) pending; run 'migrate up'.", data: data);
        }
        catch (DbFailureException failure)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", failure);
        }
    }
}
