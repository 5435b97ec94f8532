using Coffer.Chaos.Reporting;
using Xunit.Abstractions;

namespace Coffer.Chaos.Tests;

/// <summary>Runs the harness from a test: its progress and table go to the test output, its seed is printed first.</summary>
internal static class TestRuns
{
    /// <summary>The seed: <c>COFFER_CHAOS_SEED</c> to reproduce a failed run, else a new one each time.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("COFFER_CHAOS_SEED"), out var seed) ? seed : Random.Shared.Next(1, 1_000_000);

    public static async Task<ChaosReport> RunAsync(ChaosOptions options, ITestOutputHelper output)
    {
        void Log(string line)
        {
            try
            {
                output.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
            }
            catch (InvalidOperationException)
            {
                // the test has ended (it timed out); the line has nowhere to go
            }
        }
        Log($"seed {options.Seed} (COFFER_CHAOS_SEED={options.Seed} reproduces the run)");
        var report = await ChaosRun.RunAsync(options with { PortBase = null }, Log);
        Log(ReportTable.Render(report));
        return report;
    }

    /// <summary>The table, and when the run failed the last lines of each server's output, for an assertion's message.</summary>
    public static string Explain(ChaosReport report) =>
        ReportTable.Render(report) + (report.Passed
            ? ""
            : string.Concat(report.NodeOutputs.Select((output, node) =>
                $"\n--- node {node}, last lines\n{string.Join('\n', output.Split('\n').TakeLast(40))}")));
}
