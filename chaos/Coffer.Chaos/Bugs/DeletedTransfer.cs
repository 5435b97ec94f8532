using Coffer.Chaos.Workload;
using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>An acknowledged transfer lost: the row of the first transfer a client was told succeeded is deleted.</summary>
internal sealed class DeletedTransfer : InjectedBug
{
    public const string BugName = "delete-transfer";

    public override string Name => BugName;

    public override async Task BeforeChecksAsync(BugContext context)
    {
        var victim = context.Records.First(r => r.Plan.Kind == OperationKind.Transfer && r.Acknowledged).FirstOutcome!.Id("id")!.Value;
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM transfers WHERE id = @id", connection);
        delete.Parameters.AddWithValue("id", victim);
        context.Log($"injected bug {BugName}: {await delete.ExecuteNonQueryAsync()} acknowledged transfer ({victim}) deleted");
    }
}
