using System.CommandLine;
using Coffer.Platform.Audit;
using Coffer.Platform.Protection;

namespace Coffer.Server.Cli;

/// <summary>
/// <c>keys rotate</c>: re-encrypts every stored sensitive value that is not under the active data key
/// (<c>Coffer:Protection:ActiveKeyVersion</c>), in batches, while servers keep running. Idempotent and resumable.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Manage the data keys that encrypt sensitive values at rest.");
        var rotate = new Command("rotate", "Re-encrypt every stored sensitive value under the active data key version.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        rotate.SetAction((result, cancellationToken) => HostedVerb.RunAsync(result.UnmatchedTokens, RotateAsync, cancellationToken));
        command.Subcommands.Add(rotate);
        return command;
    }

    private static async Task<int> RotateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // Each batch is audited per tenant it touches; the actor names this verb.
        services.GetRequiredService<AuditTrail>().Actor = AuditActor.System("keys-rotate");
        var tokenizer = services.GetRequiredService<Tokenizer>();
        var activeVersion = services.GetRequiredService<FieldEncryption>().ActiveKeyVersion;
        var total = await tokenizer.CountNeedingRotationAsync(cancellationToken);
        var reencrypted = await ProgressDisplay.RunAsync($"Re-encrypting under key version {activeVersion}", total,
            progress => tokenizer.RotateAsync(new Progress<int>(n => progress.Report((n, null))), cancellationToken));
        Console.WriteLine($"Re-encrypted {reencrypted} value(s) under data key version {activeVersion}.");
        return 0;
    }
}
