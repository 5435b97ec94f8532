using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>
/// The server "skips the idempotency check": from halfway through the workload every stored key is deleted, again every
/// <see cref="Every"/> for <see cref="Times"/> rounds, so the server keeps forgetting them, and clients replaying operations
/// answered before a deletion are served anew — their money moves again. One deletion alone is not enough: a replay targets
/// an operation a second or so earlier, so only the replays that straddle a deletion can notice it, and a short run may
/// have none.
/// </summary>
internal sealed class ForgottenIdempotencyKeys : InjectedBug
{
    public const string BugName = "forget-idempotency-keys";

    public override string Name => BugName;

    public const int Times = 5;
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1.5);

    public override async Task DuringWorkloadAsync(BugContext context)
    {
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        for (var round = 1; round <= Times; round++)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM idempotency_records", connection);
            context.Log($"injected bug {BugName}: {await delete.ExecuteNonQueryAsync()} idempotency records deleted (round {round} of {Times})");
            if (round < Times)
            {
                await Task.Delay(Every);
            }
        }
    }
}
