using Xunit.Abstractions;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// The backup runbook, end to end, with the scripts of scripts/backup on throwaway PostgreSQL clusters:
/// archive WAL with pg-archive-wal.sh, take a base backup with pg-base-backup.sh, move money through the real server,
/// restore with pg-restore.sh to a time between two transfers, and find exactly the ledger of that moment,
/// which <c>reconcile</c> and <c>audit verify</c> accept (and <c>reconcile</c> rejects once a balance is tampered with).
/// </summary>
public sealed class PointInTimeRestoreTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task BaseBackupAndArchivedWal_RestoreToTargetTime_KeepsEarlierTransfersDropsLaterOnesAndReconcilesClean()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The backup scripts need Linux and PostgreSQL's binaries.");
        }
        foreach (var script in new[] { "pg-archive-wal.sh", "pg-base-backup.sh", "pg-restore.sh" })
        {
            Assert.True(File.GetUnixFileMode(BackupRepo.Script(script)).HasFlag(UnixFileMode.UserExecute),
                $"scripts/backup/{script} must be executable (chmod +x; archive_command runs it directly).");
        }
        await using var workspace = await BackupWorkspace.CreateAsync(output.WriteLine);
        var ports = ThrowawayCluster.FreePorts(2);

        var source = await ThrowawayCluster.StartNewAsync(workspace, "source", ports[0],
        [
            "wal_level = replica",
            "archive_mode = on",
            $"archive_command = '{BackupRepo.Script("pg-archive-wal.sh")} %p %f {workspace.ArchiveDirectory}'",
        ]);
        await CreateCofferDatabaseAsync(source, workspace);
        // Disposed before the workspace: the server is killed before its database goes away, whatever happened.
        await using var ledger = await RestoredDatabaseCheck.StartAsync(source, workspace.DataDirectory, output.WriteLine);

        var backup = await Step("pg-base-backup.sh",
            "--host", "127.0.0.1", "--port", $"{source.Port}", "--user", "postgres",
            "--archive-dir", workspace.ArchiveDirectory, "--backup-dir", workspace.BackupDirectory);
        var backupFolder = backup.Stdout.Trim();
        Assert.True(Directory.Exists(backupFolder), $"pg-base-backup.sh printed '{backupFolder}', which is no directory.");
        Assert.StartsWith(workspace.BackupDirectory + "/", backupFolder);

        await ledger.WriteBeforeTargetAsync();
        // The server's clock decides which commits precede the target; pauses keep them clear of it.
        await Task.Delay(300);
        var targetTime = await source.ScalarAsync<string>("postgres",
            "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
        await Task.Delay(300);
        await ledger.WriteAfterTargetAsync();
        await ledger.StopServerAsync();
        await SwitchAndWaitUntilArchivedAsync(source, workspace);
        // The restore needs nothing of the source: only the backup folder and the archive.
        await source.StopAsync();

        var restoredDirectory = workspace.Track("restored");
        await Step("pg-restore.sh",
            "--backup", backupFolder, "--archive-dir", workspace.ArchiveDirectory, "--target-dir", restoredDirectory,
            "--target-time", targetTime, "--port", $"{ports[1]}", "--start", "--socket-dir", workspace.SocketDirectory,
            "--wait", "60");
        Assert.False(File.Exists(Path.Combine(restoredDirectory, "recovery.signal")),
            "recovery.signal is still there: the restored server was not promoted.");

        var restored = ThrowawayCluster.Existing(restoredDirectory, ports[1]);
        await ledger.VerifyRestoredAsync(restored);
    }

    /// <summary>Roles as in production, a database the schema owner owns, and the Coffer schema by <c>migrate up</c>.</summary>
    private async Task CreateCofferDatabaseAsync(ThrowawayCluster source, BackupWorkspace workspace)
    {
        // SchemaMigrator grants the application role (the user of ConnectionStrings:Coffer) its rights, so it must exist.
        await source.ExecuteAsync("postgres", "CREATE ROLE coffer_owner LOGIN CREATEDB BYPASSRLS; CREATE ROLE coffer_app LOGIN;");
        await source.ExecuteAsync("postgres", "CREATE DATABASE coffer OWNER coffer_owner");
        var migrate = await Tool.CofferAsync(new Dictionary<string, string?>
        {
            ["Coffer__Database__Provider"] = "postgres",
            ["ConnectionStrings__Coffer"] = source.ConnectionString("coffer", "coffer_app"),
            ["ConnectionStrings__CofferMigrations"] = source.ConnectionString("coffer", "coffer_owner"),
            ["Coffer__DataDirectory"] = workspace.DataDirectory,
        }, "migrate", "up");
        output.WriteLine($"migrate up: {migrate}");
        migrate.EnsureSuccess();
    }

    /// <summary>Closes the WAL segment holding the last writes and waits until the archiver has copied it.</summary>
    private async Task SwitchAndWaitUntilArchivedAsync(ThrowawayCluster source, BackupWorkspace workspace)
    {
        var segment = await source.ScalarAsync<string>("postgres", "SELECT pg_walfile_name(pg_switch_wal())");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var archived = await source.ScalarAsync<string>("postgres",
                "SELECT coalesce(last_archived_wal, '') || ' ' || failed_count || ' ' || coalesce(last_failed_wal, '') FROM pg_stat_archiver");
            var lastArchived = archived.Split(' ')[0];
            if (string.CompareOrdinal(lastArchived, segment) >= 0 && lastArchived.Length == segment.Length)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"WAL segment {segment} was not archived within 30 s (pg_stat_archiver: last, failures, last failed = {archived}); see source.log.");
            await Task.Delay(100);
        }
        Assert.True(File.Exists(Path.Combine(workspace.ArchiveDirectory, segment)), $"{segment} is not in the archive directory.");
    }

    private async Task<ToolResult> Step(string script, params string[] args)
    {
        var result = await Tool.ScriptAsync(script, args, TimeSpan.FromSeconds(90));
        output.WriteLine($"{script}: {result}");
        return result.EnsureSuccess();
    }
}
