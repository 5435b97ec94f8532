using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Coffer.Server.Hosting;

namespace Coffer.Server.Cli;

/// <summary>
/// Runs a maintenance verb inside the composed host without starting it (no HTTP, no workers): the verb gets the same
/// services and configuration as <c>serve</c>. Logs are quiet unless asked for (<c>--Logging:LogLevel:Default=Information</c>);
/// the verb reports on stdout, progress goes to stderr.
/// </summary>
internal static class HostedVerb
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> unmatchedTokens, Func<IServiceProvider, CancellationToken, Task<int>> verb, CancellationToken cancellationToken)
    {
        string[] args = ["--Logging:LogLevel:Default=Critical", "--Coffer:Logging:Requests=none", .. unmatchedTokens];
        await using var app = CofferHost.Build(args);
        var behind = await SchemaStartupCheck.BehindMessageAsync(
            app.Services.GetRequiredService<SchemaMigrator>(), app.Services.GetRequiredService<DatabaseOptions>(), cancellationToken);
        if (behind is not null)
        {
            await Console.Error.WriteLineAsync(behind);
            return 1;
        }
        await using var scope = app.Services.CreateAsyncScope();
        return await verb(scope.ServiceProvider, cancellationToken);
    }
}
