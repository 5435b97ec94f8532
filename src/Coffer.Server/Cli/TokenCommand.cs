using System.CommandLine;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;

namespace Coffer.Server.Cli;

/// <summary>
/// <c>token --sub S --tenant T --role R [--role R2] [--scope S] [--ttl-minutes M]</c>: prints only a development JWT,
/// signed with the development key of the data directory (created on first use).
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var subject = new Option<string>("--sub") { Description = "Subject (user or client id).", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", Required = true };
        var roles = new Option<string[]>("--role") { Description = "Role; repeat for several.", Required = true, AllowMultipleArgumentsPerToken = false };
        roles.AcceptOnlyFromAmong([.. Roles.All]);
        var ttl = new Option<int>("--ttl-minutes") { Description = "Lifetime in minutes (default 60, at most 1440).", DefaultValueFactory = _ => 60 };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "OAuth scope of a service token (ledger:read, ledger:write, investments:read, investments:write); repeat for several.",
            AllowMultipleArgumentsPerToken = false,
        };
        scopes.AcceptOnlyFromAmong([.. Scopes.All]);
        var command = new Command("token", "Mint a development JWT signed by the development key.") { subject, tenant, roles, scopes, ttl };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(result =>
        {
            var minutes = result.GetValue(ttl);
            if (minutes is < 1 or > 1440)
            {
                Console.Error.WriteLine("--ttl-minutes must be between 1 and 1440.");
                return 2;
            }
            var configuration = CliConfiguration.Build(result.UnmatchedTokens);
            var settings = JwtSettings.FromConfiguration(configuration);
            if (!settings.UsesDevelopmentKey)
            {
                Console.Error.WriteLine("Coffer:Auth:Authority or SigningKeys is configured: tokens come from your identity provider, not from this verb.");
                return 2;
            }
            var key = DevelopmentSigningKey.LoadOrCreate(DatabaseOptions.FromConfiguration(configuration).DataDirectory);
            Console.WriteLine(TokenIssuer.Issue(key, settings, result.GetValue(subject)!, result.GetValue(tenant)!,
                result.GetValue(roles)!, TimeSpan.FromMinutes(minutes), TimeProvider.System, result.GetValue(scopes)));
            return 0;
        });
        return command;
    }
}
