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
        var batch = coffer.BatchSize is { } size ? $", {size} transfers per batch request (latency per request)" : "";
        var mix = coffer.Details?.GetValueOrDefault("mix") is { Length: > 0 } weights ? $", mix {weights}" : "";
        text.AppendLine(inv, $"Scenario {coffer.Scenario} [{coffer.Label}]: {coffer.Connections} connections, {coffer.DurationSeconds} s measured, {coffer.Accounts} wallets{batch}{mix}");
        text.AppendLine(inv, $"{coffer.Unit + "/s",32}    p50 ms    p95 ms    p99 ms    max ms   errors   server cores  server peak RSS  postgres cores  generator cores  machine busy  requests/s");
        text.AppendLine(Row("Coffer (HTTP)", coffer));
        if (pgbench is not null)
        {
            text.AppendLine(Row("pgbench (raw SQL)", pgbench));
            var ratio = pgbench.ThroughputPerSecond > 0 ? coffer.ThroughputPerSecond / pgbench.ThroughputPerSecond : 0;
            text.AppendLine(inv, $"Coffer / pgbench: {ratio:0.0%} of the raw-SQL throughput");
        }
        else if (coffer.Label.Contains("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            text.AppendLine("pgbench: none (the embedded SQLite profile has no raw-SQL twin here; pgbench is PostgreSQL's)");
        }
        AppendOperations(text, coffer, pgbench);
        foreach (var line in coffer.Investments is { } figures ? Investments.InvestReport.Lines(figures) : [])
        {
            text.AppendLine(line);
        }
        foreach (var line in coffer.Checkout is { } shop ? Checkout.CheckoutReport.Lines(shop) : [])
        {
            text.AppendLine(line);
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
        // On SQLite any postgres figure is someone else's cluster on the machine (its processes may even exit mid-run).
        var postgres = r.Label.Contains("sqlite", StringComparison.OrdinalIgnoreCase) ? null : res?.PostgresCores;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-20} {r.ThroughputPerSecond,12:0.0} {r.Latency.P50Ms,9:0.00} {r.Latency.P95Ms,9:0.00} {r.Latency.P99Ms,9:0.00} {r.Latency.MaxMs,9:0.0} {r.Errors,8} "
            + $"{(r.Kind == "coffer" ? Cores(res?.ServerCores) : "-"),14} {rss,16} {Cores(postgres),15} {Cores(res?.LoadGeneratorCores),16} "
            + $"{(res is null ? "-" : $"{res.MachineBusyCores:0.00}/{res.MachineCores}"),13} {r.RequestsPerSecond,11:0.0}");
    }

    /// <summary>The mixed scenario: each operation kind of Coffer beside the same kind's pgbench script.</summary>
    private static void AppendOperations(StringBuilder text, RunReport coffer, RunReport? pgbench)
    {
        if (coffer.Operations is not { Count: > 0 } operations)
        {
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("Per operation kind          Coffer /s   p50 ms   p95 ms   p99 ms  errors |  pgbench /s   p50 ms   p95 ms   p99 ms");
        foreach (var o in operations)
        {
            var p = pgbench?.Operations?.FirstOrDefault(b => b.Kind == o.Kind);
            var baseline = p is null ? "           -" : string.Create(inv, $"{p.PerSecond,12:0.0} {p.Latency.P50Ms,8:0.00} {p.Latency.P95Ms,8:0.00} {p.Latency.P99Ms,8:0.00}");
            text.AppendLine(inv, $"  {o.Kind,-24} {o.PerSecond,10:0.0} {o.Latency.P50Ms,8:0.00} {o.Latency.P95Ms,8:0.00} {o.Latency.P99Ms,8:0.00} {o.Errors,7} | {baseline}");
        }
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
        }
        else if (coffer.Scenario == "batch")
        {
            yield return $"issue 6: batch endpoint >= 25,000 transfers/s: {Verdict(tps >= 25_000)} {measured}";
        }
        else if (coffer.Scenario == "invest")
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"(no issue-6 target for the invest scenario; SEEDS §D's API p95 < 200 ms: {Verdict(coffer.Latency.P95Ms < 200)}, measured p95 {coffer.Latency.P95Ms:0.0} ms over both requests)");
        }
        else if (coffer.Scenario == "checkout")
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"(no issue-6 target for the checkout scenario; SEEDS §D's API p95 < 200 ms: {Verdict(coffer.Latency.P95Ms < 200)}, measured p95 {coffer.Latency.P95Ms:0.0} ms of POST /orders)");
        }
        else if (coffer.Scenario == "mixed")
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"(no issue-6 target for the mixed scenario; measured {tps:0} operations/s, p99 {p99:0.0} ms)");
        }
        else if (postgres)
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
