using System.CommandLine;
using Coffer.Platform.Audit;
using Coffer.Platform.Protection;

namespace Coffer.Server.Cli;

/// <summary>
/// <c>keys rotate</c>: re-encrypts every stored sensitive value that is not under the active data key
/// (<c>Coffer:Protection:ActiveKeyVersion</c>), in batches, while servers keep running: the token vault and every module's
/// sealed values (<see cref="ISealedValueRotation"/>). Idempotent and resumable.
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
        rotate.SetAction((result, cancellationToken) => HostedVerb.RunAsync(result.UnmatchedTokens,
            (services, token) => RotateAsync(services, Console.Out, token), cancellationToken));
        command.Subcommands.Add(rotate);
        return command;
    }

    /// <summary>
    /// Runs every registered <see cref="ISealedValueRotation"/> in turn (the token vault first, then the modules'), each with
    /// its own progress bar, and reports each one's count and the total on <paramref name="output"/>.
    /// </summary>
    internal static async Task<int> RotateAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        // Each batch is audited per tenant it touches; the actor names this verb.
        services.GetRequiredService<AuditTrail>().Actor = AuditActor.System("keys-rotate");
        var activeVersion = services.GetRequiredService<FieldEncryption>().ActiveKeyVersion;
        var total = 0;
        foreach (var rotation in services.GetServices<ISealedValueRotation>())
        {
            var pending = await rotation.CountNeedingRotationAsync(cancellationToken);
            var reencrypted = await ProgressDisplay.RunAsync($"Re-encrypting {rotation.Name} under key version {activeVersion}", pending,
                progress => rotation.RotateAsync(new Progress<int>(n => progress.Report((n, null))), cancellationToken));
            await output.WriteLineAsync($"{rotation.Name}: re-encrypted {reencrypted} value(s).");
            total += reencrypted;
        }
        await output.WriteLineAsync($"Re-encrypted {total} value(s) under data key version {activeVersion}.");
        return 0;
    }
}
