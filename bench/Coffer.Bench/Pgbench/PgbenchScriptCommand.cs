using Coffer.Bench.Cli;
using Coffer.Bench.Workloads;

namespace Coffer.Bench.Pgbench;

internal sealed record PgbenchScriptOptions(int BatchSize, bool PerRow, string OutPath)
{
    public static PgbenchScriptOptions Read(ArgumentReader args)
    {
        var scenario = args.Text("scenario", "batch");
        if (scenario != "batch")
        {
            throw new UsageException($"Only the batch scenario's pgbench script is generated (the others are files in bench/pgbench), not '{scenario}'.");
        }
        var options = new PgbenchScriptOptions(
            args.Int("batch-size", BatchWorkload.DefaultSize, 1, BatchWorkload.MaxSize), args.Flag("per-row"), args.RequiredText("out"));
        args.EnsureAllConsumed();
        return options;
    }
}

/// <summary>The <c>pgbench-script</c> verb: writes the batch scenario's pgbench script for one batch size (<see cref="BatchScript"/>).</summary>
internal static class PgbenchScriptCommand
{
    public static int Run(PgbenchScriptOptions options)
    {
        File.WriteAllText(options.OutPath, BatchScript.Write(options.BatchSize, options.PerRow));
        Console.Error.WriteLine($"wrote {options.OutPath}: one batch of {options.BatchSize} transfers{(options.PerRow ? ", per-row writes (the earlier shape, for comparison)" : "")}");
        return 0;
    }
}
