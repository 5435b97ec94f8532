using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;

namespace Coffer.Platform.Audit;

/// <summary>Reads of the audit trail, newest first, within one tenant.</summary>
public sealed class AuditQueries(DbSession session)
{
    public sealed record Filter(string TenantId, string? ResourceType, string? ResourceId, string? Actor, Guid? Before, int Limit);

    public Task<List<AuditEvent>> ListAsync(Filter filter, CancellationToken cancellationToken)
    {
        var conditions = new List<string> { "tenant_id = @tenant" };
        var parameters = new List<(string, object?)> { ("tenant", filter.TenantId), ("limit", filter.Limit) };
        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                conditions.Add(condition);
                parameters.Add((name, value));
            }
        }
        Add("resource_type = @resourceType", "resourceType", filter.ResourceType);
        Add("resource_id = @resourceId", "resourceId", filter.ResourceId);
        Add("actor = @actor", "actor", filter.Actor);
        Add("id < @before", "before", filter.Before);
        var sql = $"SELECT {AuditEvent.Columns} FROM audit_events WHERE {string.Join(" AND ", conditions)} ORDER BY id DESC LIMIT @limit";
        return session.QueryAsync(SqlStatement.Of(sql, [.. parameters]), AuditEvent.Read, cancellationToken);
    }

}
