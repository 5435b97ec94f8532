using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>A balance changed behind the ledger's back: one wallet's posted credits raised by 100 without any transfer.</summary>
internal sealed class TamperedBalance : InjectedBug
{
    public const string BugName = "tamper-balance";

    public override string Name => BugName;

    public override async Task BeforeChecksAsync(BugContext context)
    {
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand(
            "UPDATE accounts SET posted_credits = posted_credits + 100 WHERE id = (SELECT id FROM accounts WHERE kind = 'wallet' ORDER BY id LIMIT 1)",
            connection);
        context.Log($"injected bug {BugName}: {await update.ExecuteNonQueryAsync()} wallet credited 100 without a transfer");
    }
}
