namespace Coffer.Testing;

/// <summary>Reads an account's balance figures through the API.</summary>
public static class AccountBalances
{
    /// <summary>The available balance of an account.</summary>
    public static async Task<long> AvailableAsync(this HttpClient client, Guid accountId) =>
        (await client.BalanceAsync(accountId)).GetProperty("available").GetInt64();

    /// <summary>(posted, pending, available) of an account.</summary>
    public static async Task<(long Posted, long Pending, long Available)> BalancesAsync(this HttpClient client, Guid accountId)
    {
        var balance = await client.BalanceAsync(accountId);
        return (balance.GetProperty("posted").GetInt64(), balance.GetProperty("pending").GetInt64(), balance.GetProperty("available").GetInt64());
    }
}
