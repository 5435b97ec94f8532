using System.CommandLine;
using Coffer.Platform.Audit;

namespace Coffer.Server.Cli;

/// <summary><c>audit verify</c>: walks every audit chain and reports the first broken link of each. Exit 0 intact, 2 broken.</summary>
internal static class AuditCommand
{
    public const int BrokenExitCode = 2;

    public static Command Create()
    {
        var command = new Command("audit", "Inspect the immutable audit trail.");
        var verify = new Command("verify", "Recompute every audit event's hash chain and report the first broken link.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verify.SetAction((result, cancellationToken) => HostedVerb.RunAsync(result.UnmatchedTokens, VerifyAsync, cancellationToken));
        command.Subcommands.Add(verify);
        return command;
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var verifier = services.GetRequiredService<AuditChainVerifier>();
        var total = await verifier.CountAsync(cancellationToken);
        var verification = await ProgressDisplay.RunAsync("Verifying audit chains", total,
            progress => verifier.VerifyAsync(new Progress<long>(n => progress.Report((n, null))), cancellationToken));
        Console.WriteLine($"Checked {verification.EventsChecked} event(s) in {verification.ChainsChecked} chain(s).");
        if (verification.IsIntact)
        {
            Console.WriteLine("Audit trail intact.");
            return 0;
        }
        var first = verification.BrokenLinks[0];
        Console.WriteLine($"BROKEN: chain {first.ChainId} at event {first.Sequence}{(first.EventId is { } id ? $" ({id})" : "")}: {first.Reason}");
        foreach (var link in verification.BrokenLinks.Skip(1))
        {
            Console.WriteLine($"also broken: chain {link.ChainId} at event {link.Sequence}{(link.EventId is { } other ? $" ({other})" : "")}: {link.Reason}");
        }
        return BrokenExitCode;
    }
}
