namespace Coffer.Platform.Persistence;

/// <summary>Which migrations the database has and which this build still expects.</summary>
public interface ISchemaStatus
{
    Task<SchemaState> GetAsync(CancellationToken cancellationToken);
}

public sealed record SchemaState(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending)
{
    public bool IsCurrent => Pending.Count == 0;
}
