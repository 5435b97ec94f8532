using System.Globalization;
using System.Text;
using Coffer.Bench.Cli;

namespace Coffer.Bench.Reporting;

internal sealed record CompareOptions(string CofferPath, string? PgbenchPath, string? OutPath)
{
    public static CompareOptions Read(ArgumentReader args)
    {
        var options = new CompareOptions(args.RequiredText("coffer"), args.Text("pgbench"), args.Text("out"));
        args.EnsureAllConsumed();
        return options;
    }
}

/// <summary>The <c>compare</c> verb: one table of Coffer beside the raw-SQL baseline, and the design targets.</summary>
internal static class CompareCommand
{
    public static int Run(CompareOptions options)
    {
        var coffer = RunReport.Load(options.CofferPath);
        var pgbench = options.PgbenchPath is { } path && File.Exists(path) ? RunReport.Load(path) : null;
        var text = Render(coffer, pgbench);
        Console.WriteLine(text);
        if (options.OutPath is { } outPath)
        {
            File.WriteAllText(outPath, text);
        }
        return coffer.VerificationPassed == false ? 1 : 0;
    }

    private static string Render(RunReport coffer, RunReport? pgbench)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Scenario {coffer.Scenario} [{coffer.Label}]: {coffer.Connections} connections, {coffer.DurationSeconds} s measured, {coffer.Accounts} wallets");
        text.AppendLine("                       per second    p50 ms    p95 ms    p99 ms    max ms   errors   server cores  server peak RSS  postgres cores  generator cores  machine busy");
        text.AppendLine(Row("Coffer (HTTP)", coffer));
        if (pgbench is not null)
        {
            text.AppendLine(Row("pgbench (raw SQL)", pgbench));
            var ratio = pgbench.ThroughputPerSecond > 0 ? coffer.ThroughputPerSecond / pgbench.ThroughputPerSecond : 0;
            text.AppendLine(inv, $"Coffer / pgbench: {ratio:0.0%} of the raw-SQL throughput");
        }
        text.AppendLine(inv, $"Money verification: {(coffer.VerificationPassed == true ? "PASSED" : "FAILED")}");
        text.AppendLine("Targets:");
        foreach (var line in Targets(coffer, pgbench))
        {
            text.AppendLine("  " + line);
        }
        return text.ToString();
    }

    private static string Row(string name, RunReport r)
    {
        var res = r.Resources;
        string Cores(double? value) => value is null ? "-" : value.Value.ToString("0.00", CultureInfo.InvariantCulture);
        var rss = res?.ServerPeakRssMiB is { } peak ? peak.ToString("0", CultureInfo.InvariantCulture) + " MiB" : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-20} {r.ThroughputPerSecond,12:0.0} {r.Latency.P50Ms,9:0.00} {r.Latency.P95Ms,9:0.00} {r.Latency.P99Ms,9:0.00} {r.Latency.MaxMs,9:0.0} {r.Errors,8} "
            + $"{(r.Kind == "coffer" ? Cores(res?.ServerCores) : "-"),14} {rss,16} {Cores(res?.PostgresCores),15} {Cores(res?.LoadGeneratorCores),16} "
            + $"{(res is null ? "-" : $"{res.MachineBusyCores:0.00}/{res.MachineCores}"),13}");
    }

    private static IEnumerable<string> Targets(RunReport coffer, RunReport? pgbench)
    {
        var tps = coffer.ThroughputPerSecond;
        var p99 = coffer.Latency.P99Ms;
        string Verdict(bool met) => met ? "met" : "MISSED";
        var measured = string.Create(CultureInfo.InvariantCulture, $"(measured {tps:0}/s, p99 {p99:0.0} ms)");
        var postgres = coffer.Label.Contains("postgres", StringComparison.OrdinalIgnoreCase);
        if (coffer.Scenario == "transfers-hot")
        {
            yield return $"issue 6: one hot account >= 1,000 transfers/s: {Verdict(tps >= 1000)} {measured}";
            yield break;
        }
        if (postgres)
        {
            yield return $"issue 2: >= 3,000 transfers/s with p99 < 50 ms at 64 connections: {Verdict(tps >= 3000 && p99 < 50)} {measured}";
            yield return $"issue 6: >= 5,000 transfers/s with p99 < 50 ms: {Verdict(tps >= 5000 && p99 < 50)} {measured}";
            if (pgbench is not null)
            {
                var ratio = tps / pgbench.ThroughputPerSecond;
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"issue 6: >= 50 % of the pgbench baseline: {Verdict(ratio >= 0.5)} ({ratio:0.0%})");
            }
        }
        else
        {
            yield return $"issue 6: embedded SQLite >= 1,500 transfers/s: {Verdict(tps >= 1500)} {measured}";
        }
        if (coffer.Resources?.ServerPeakRssMiB is { } rss)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"issue 6: server RSS < 500 MB under load: {Verdict(rss * 1.048576 < 500)} (peak {rss:0} MiB)");
        }
    }
}
