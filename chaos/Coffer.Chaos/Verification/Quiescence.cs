using System.Diagnostics;
using Npgsql;

namespace Coffer.Chaos.Verification;

/// <summary>Waits (bounded) until no job is queued, running or failed-and-retrying: every job is succeeded, dead or discarded.</summary>
internal static class Quiescence
{
    public static async Task<bool> WaitAsync(string ownerConnectionString, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = new NpgsqlConnection(ownerConnectionString))
            {
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running', 'failed')", connection);
                if ((long)(await count.ExecuteScalarAsync())! == 0)
                {
                    return true;
                }
            }
            if (watch.Elapsed > limit)
            {
                return false;
            }
            await Task.Delay(500);
        }
    }
}
