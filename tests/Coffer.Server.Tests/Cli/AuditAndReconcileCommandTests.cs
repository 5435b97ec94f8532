using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>audit verify</c> and <c>reconcile</c> as an operator runs them, against a database a live server writes to.</summary>
public sealed class AuditAndReconcileCommandTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Verbs_AnswerCleanThenNameWhatWasTamperedWith(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, from, to) = parties;
        for (var i = 0; i < 3; i++)
        {
            await alice.TransferAsync(from, to, 100 + i);
        }
        var environment = CofferProcess.ToEnvironment(server.Database.Settings);

        var verify = await CofferProcess.RunAsync(environment, ["audit", "verify"]);
        var reconcile = await CofferProcess.RunAsync(environment, ["reconcile"]);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("Audit trail intact.", verify.Stdout);
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        Assert.Matches(@"Run [0-9a-f-]{36}: clean\. 3 account\(s\), \d+ audit event\(s\) checked, 0 mismatch\(es\)\.", reconcile.Stdout);

        // The owner alters the latest transfer's audit event and moves money by hand.
        var disable = DatabaseShell.DisableAuditProtection(provider);
        await DatabaseShell.ExecuteAsync(server.Database,
            $"{disable} UPDATE audit_events SET actor = 'mallory' WHERE action = 'transfer.posted' AND after LIKE '%\"amount\":102%'");
        await DatabaseShell.ExecuteAsync(server.Database, "UPDATE accounts SET posted_debits = posted_debits - 1 WHERE id = @id", true, ("id", from));

        var broken = await CofferProcess.RunAsync(environment, ["audit", "verify"]);
        var mismatch = await CofferProcess.RunAsync(environment, ["reconcile"]);

        Assert.True(broken.ExitCode == 2, broken.ToString());
        Assert.Matches(@"BROKEN: chain acme/\d\d at event \d+ \([0-9a-f-]{36}\): content does not match its hash", broken.Stdout);
        Assert.True(mismatch.ExitCode == 3, mismatch.ToString());
        Assert.Contains($"[balance] tenant acme USD {from}", mismatch.Stdout);
        Assert.Contains("[audit_chain]", mismatch.Stdout);
    }
}
