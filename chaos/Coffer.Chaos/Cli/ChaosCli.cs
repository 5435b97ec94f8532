using System.CommandLine;
using System.Runtime.InteropServices;
using Coffer.Chaos.Bugs;
using Coffer.Chaos.Reporting;

namespace Coffer.Chaos.Cli;

/// <summary>
/// <c>Coffer.Chaos [--seed N] [--duration S] ...</c>: one chaos run, its table on stdout, progress on stderr. Exit 0 when every
/// check passed, 1 when one failed (the table names the seed to reproduce), 2 on a usage mistake, 130 when interrupted.
/// </summary>
internal static class ChaosCli
{
    public const int FailedExitCode = 1;
    public const int UsageExitCode = 2;
    public const int InterruptedExitCode = 130;

    public static Task<int> RunAsync(string[] args)
    {
        var defaults = new ChaosOptions { Seed = 0 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the workload and the fault schedule (default: random, printed)" };
        var duration = new Option<int>("--duration") { Description = "Seconds of workload with faults", DefaultValueFactory = _ => (int)defaults.Duration.TotalSeconds };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => defaults.Clients };
        var operations = new Option<int>("--max-operations") { Description = "Most logical operations planned", DefaultValueFactory = _ => defaults.MaxOperations };
        var thinkTime = new Option<int>("--think-ms") { Description = "A client's pause between operations, at most (ms)", DefaultValueFactory = _ => (int)defaults.ThinkTime.TotalMilliseconds };
        var longFaults = new Option<bool>("--long-faults") { Description = "Longer pauses between faults and longer outages (the full run)" };
        var portBase = new Option<int>("--port-base")
        {
            Description = "Offset of the harness's ports from 5432/6380/5672/25672 (default 10: PostgreSQL 5442, Redis 6390, AMQP 5682)",
            DefaultValueFactory = _ => Dependencies.ChaosPorts.DefaultBase,
        };
        var noFaults = new Option<bool>("--no-faults") { Description = "The workload and the checks without faults" };
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory (database, logs) under /tmp" };
        var bug = new Option<string?>("--inject-bug")
        {
            Description = $"Inject a defect to see the checks catch it: {ForgottenIdempotencyKeys.BugName}, {TamperedBalance.BugName}, {DeletedTransfer.BugName}, {UnsettledInvestment.BugName}, {CancelWithoutRefund.BugName}",
        };
        bug.AcceptOnlyFromAmong(ForgottenIdempotencyKeys.BugName, TamperedBalance.BugName, DeletedTransfer.BugName, UnsettledInvestment.BugName, CancelWithoutRefund.BugName);
        var logs = new Option<string?>("--logs") { Description = "Directory to write the servers' output and the table into" };
        duration.Validators.Add(r => Range(r, duration, 10, 24 * 3600));
        clients.Validators.Add(r => Range(r, clients, 1, 64));
        operations.Validators.Add(r => Range(r, operations, 20, 1_000_000));
        thinkTime.Validators.Add(r => Range(r, thinkTime, 0, 10_000));
        portBase.Validators.Add(r => Range(r, portBase, 1, 1000));

        var command = new RootCommand("Coffer chaos harness: a seeded money workload against two servers while faults are injected, then the money checks.")
        {
            seed, duration, clients, operations, thinkTime, longFaults, noFaults, portBase, keep, bug, logs,
        };
        command.SetAction(async (result, interrupt) =>
        {
            var options = new ChaosOptions
            {
                Seed = result.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000),
                Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
                Clients = result.GetValue(clients),
                MaxOperations = result.GetValue(operations),
                ThinkTime = TimeSpan.FromMilliseconds(result.GetValue(thinkTime)),
                LongFaults = result.GetValue(longFaults),
                InjectFaults = !result.GetValue(noFaults),
                PortBase = result.GetValue(portBase),
                KeepWorkDirectory = result.GetValue(keep),
                Bug = InjectedBug.Named(result.GetValue(bug)),
            };
            Console.WriteLine($"seed {options.Seed}");
            ChaosReport report;
            try
            {
                report = await ChaosRun.RunAsync(options, line => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}"), interrupt);
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"interrupted; everything the run started is stopped (seed {options.Seed})");
                return InterruptedExitCode;
            }
            var table = ReportTable.Render(report);
            Console.WriteLine(table);
            if (result.GetValue(logs) is { } directory)
            {
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(Path.Combine(directory, "summary.txt"), table);
                for (var i = 0; i < report.NodeOutputs.Count; i++)
                {
                    await File.WriteAllTextAsync(Path.Combine(directory, $"node-{i}.log"), report.NodeOutputs[i]);
                }
            }
            return report.Passed ? 0 : FailedExitCode;
        });
        return InvokeWithInterruptsAsync(command.Parse(args));
    }

    /// <summary>
    /// Ctrl-C and SIGTERM cancel the run's token instead of ending the process, so the run can stop the servers, PostgreSQL,
    /// Redis and RabbitMQ it started (which takes longer than System.CommandLine's own grace period).
    /// </summary>
    private static async Task<int> InvokeWithInterruptsAsync(ParseResult parsed)
    {
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }
            await Console.Error.WriteLineAsync("See --help.");
            return UsageExitCode;
        }
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancelKey = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancelKey;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancelKey;
        }
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, Option<int> option, int min, int max)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{option.Name} must be between {min} and {max}, not {value}.");
        }
    }
}
