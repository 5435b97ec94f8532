using Coffer.Chaos.Cluster;

namespace Coffer.Chaos.Verification;

/// <summary>
/// What an operator runs after an incident: <c>coffer reconcile</c> (balances re-derived from the log, conservation, overdrafts,
/// holds, audit chains; exit 0 clean) and <c>coffer audit verify</c> (every hash chain walked; exit 0 intact).
/// </summary>
internal static class OperatorVerbsCheck
{
    public static async Task<string> CheckAsync(CofferCluster cluster, Findings findings)
    {
        // Side by side: each is a process start (seconds on a busy machine), and both only read.
        var reconciling = cluster.RunVerbAsync("reconcile");
        var verifying = cluster.RunVerbAsync("audit", "verify");
        var reconcile = await reconciling;
        if (reconcile.ExitCode != 0)
        {
            findings.Add("reconciliation", $"coffer reconcile exited {reconcile.ExitCode}: {Summary(reconcile.Stdout + reconcile.Stderr)}");
        }
        var verify = await verifying;
        if (verify.ExitCode != 0)
        {
            findings.Add("audit chain", $"coffer audit verify exited {verify.ExitCode}: {Summary(verify.Stdout + verify.Stderr)}");
        }
        return $"{FirstLine(reconcile.Stdout)} / {FirstLine(verify.Stdout)}";
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "(no output)";

    private static string Summary(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Take(8);
        return string.Join(" | ", lines);
    }
}
