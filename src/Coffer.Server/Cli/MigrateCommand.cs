using System.CommandLine;
using Coffer.Migrations;
using Coffer.Platform.Persistence;

namespace Coffer.Server.Cli;

/// <summary><c>migrate up | down [N] | status</c>, as the schema owner (ConnectionStrings:CofferMigrations).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply, revert or show the database migrations.");
        var up = new Command("up", "Apply every pending migration and grant the application role its rights.") { TreatUnmatchedTokensAsErrors = false };
        up.SetAction(async (result, cancellationToken) =>
        {
            var applied = await Migrator(result).UpAsync(cancellationToken);
            Console.WriteLine(applied.Count == 0 ? "Schema is current." : $"Applied: {string.Join(", ", applied)}");
            return 0;
        });
        var count = new Argument<int>("N") { Description = "How many migrations to revert (default 1).", DefaultValueFactory = _ => 1 };
        var down = new Command("down", "Revert the last N applied migrations (default 1).") { count };
        down.TreatUnmatchedTokensAsErrors = false;
        down.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(count);
            if (n < 1)
            {
                await Console.Error.WriteLineAsync("N must be at least 1.");
                return 2;
            }
            var reverted = await Migrator(result).DownAsync(n, cancellationToken);
            Console.WriteLine(reverted.Count == 0 ? "Nothing to revert." : $"Reverted: {string.Join(", ", reverted)}");
            return 0;
        });
        var status = new Command("status", "List applied and pending migrations.") { TreatUnmatchedTokensAsErrors = false };
        status.SetAction(async (result, cancellationToken) =>
        {
            var state = await Migrator(result).GetAsync(cancellationToken);
            foreach (var name in state.Applied)
            {
                Console.WriteLine($"applied  {name}");
            }
            foreach (var name in state.Pending)
            {
                Console.WriteLine($"pending  {name}");
            }
            Console.WriteLine(state.IsCurrent ? "Schema is current." : $"{state.Pending.Count} migration(s) pending.");
            return 0;
        });
        command.Subcommands.Add(up);
        command.Subcommands.Add(down);
        command.Subcommands.Add(status);
        return command;
    }

    private static SchemaMigrator Migrator(ParseResult result) =>
        new(DatabaseOptions.FromConfiguration(CliConfiguration.Build(result.UnmatchedTokens)));
}
