using System.CommandLine;
using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Coffer.Server.Hosting;

namespace Coffer.Server.Cli;

/// <summary>
/// The verbs of the one executable: <c>serve</c> (default), <c>migrate up|down [N]|status</c>, <c>token</c>,
/// <c>reconcile</c>, <c>audit verify</c> and <c>keys rotate</c>.
/// Options it does not know (e.g. <c>--urls</c>, <c>--Coffer:DataDirectory=...</c>) pass through as configuration.
/// </summary>
public static class CofferCli
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Coffer: a money-movement backend on a double-entry ledger.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var serve = ServeCommand.Create();
        root.Subcommands.Add(serve);
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(ReconcileCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.SetAction((result, cancellationToken) => ServeCommand.RunAsync(result.UnmatchedTokens.ToArray(), role: null, cancellationToken));
        return root.Parse(args).InvokeAsync();
    }
}

internal static class ServeCommand
{
    private static readonly Option<string> Role = new("--role")
    {
        Description = "What this process runs: all (default), api or worker.",
    };

    public static Command Create()
    {
        Role.AcceptOnlyFromAmong("all", "api", "worker");
        var command = new Command("serve", "Run the API and background workers (the default verb). Honours --urls.")
        {
            Role,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.UnmatchedTokens.ToArray(), result.GetValue(Role), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] hostArgs, string? role, CancellationToken cancellationToken)
    {
        var args = role is null ? hostArgs : [.. hostArgs, $"--{Platform.Hosting.ServerRoles.ConfigurationKey}={role}"];
        await using var app = CofferHost.Build(args);
        var behind = await SchemaStartupCheck.BehindMessageAsync(
            app.Services.GetRequiredService<SchemaMigrator>(), app.Services.GetRequiredService<DatabaseOptions>(), cancellationToken);
        if (behind is not null)
        {
            await Console.Error.WriteLineAsync(behind);
            return 1;
        }
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
