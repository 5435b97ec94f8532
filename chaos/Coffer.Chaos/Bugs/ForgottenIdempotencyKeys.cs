using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>
/// The server "skips the idempotency check": halfway through the workload every stored key is deleted, so the server has
/// forgotten them all, and clients replaying operations answered before are served anew — their money moves again.
/// </summary>
internal sealed class ForgottenIdempotencyKeys : InjectedBug
{
    public const string BugName = "forget-idempotency-keys";

    public override string Name => BugName;

    public override async Task DuringWorkloadAsync(BugContext context)
    {
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM idempotency_records", connection);
        context.Log($"injected bug {BugName}: {await delete.ExecuteNonQueryAsync()} idempotency records deleted");
    }
}
