using System.Diagnostics;
using System.Text;

namespace Coffer.Operations.Tests.Backup;

/// <summary>Where the repository, its backup scripts, the built server and PostgreSQL's binaries are.</summary>
internal static class BackupRepo
{
    public static string Root { get; } = FindRoot();

    public static string Script(string name) => Path.Combine(Root, "scripts", "backup", name);

    /// <summary>Copied next to the test assembly by the project reference to Coffer.Server.</summary>
    public static string ServerDll { get; } = Path.Combine(AppContext.BaseDirectory, "Coffer.Server.dll");

    /// <summary>PostgreSQL's bin directory: PG_BINDIR, else the newest Debian one, else where pg_ctl is on PATH.</summary>
    public static string PostgresBin { get; } = FindPostgresBin();

    public static string Postgres(string tool) => Path.Combine(PostgresBin, tool);

    /// <summary>As root, PostgreSQL's tools run as the postgres OS user (they refuse root); otherwise as we are.</summary>
    public static bool IsRoot { get; } = Environment.UserName == "root";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Coffer.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Coffer.slnx above {AppContext.BaseDirectory}.");
    }

    private static string FindPostgresBin()
    {
        if (Environment.GetEnvironmentVariable("PG_BINDIR") is { Length: > 0 } configured)
        {
            return configured;
        }
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => (Version: int.TryParse(Path.GetFileName(dir), out var major) ? major : -1, Bin: Path.Combine(dir, "bin")))
                .Where(candidate => candidate.Version > 0 && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "pg_ctl")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL's binaries (pg_ctl, initdb) were not found: install PostgreSQL 15 (./test.sh does) or set PG_BINDIR.");
    }
}

internal sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public ToolResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"'{Command}' failed.\n{this}");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the scripts, PostgreSQL's tools and the built server as child processes, each with a time limit.</summary>
internal static class Tool
{
    /// <summary>Runs a program; with <paramref name="asPostgres"/>, as the postgres OS user when we are root.</summary>
    public static Task<ToolResult> RunAsync(
        string program, IEnumerable<string> args, bool asPostgres = false, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
        => RunAsync(StartInfo(program, args.ToList(), asPostgres, environment, workingDirectory), timeout);

    /// <summary>Runs a prepared process to completion; killed (with its children) when it outlives the time limit.</summary>
    public static async Task<ToolResult> RunAsync(ProcessStartInfo info, TimeSpan? timeout = null)
    {
        var command = $"{info.FileName} {string.Join(' ', info.ArgumentList)}";
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var process = new Process { StartInfo = info };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command}' did not finish within {limit.TotalSeconds} s.\n--- stderr so far\n"
                + (stderr.IsCompleted ? await stderr : "(still open)"));
        }
        return new ToolResult(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// How to start a program with output and input redirected. Only what the test passes configures the child:
    /// PG*, Coffer__*, ConnectionStrings__* and URL variables of the test run itself are removed first.
    /// </summary>
    public static ProcessStartInfo StartInfo(
        string program, IReadOnlyList<string> args, bool asPostgres = false,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(asPostgres && BackupRepo.IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // postgres may not be allowed into the test's directory.
            WorkingDirectory = workingDirectory ?? "/",
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (asPostgres && BackupRepo.IsRoot)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                info.ArgumentList.Add(prefix);
            }
        }
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name is "PGHOST" or "PGPORT" or "PGUSER" or "PGPASSWORD" or "PGDATABASE" or "PGSERVICE" or "PGOPTIONS"
                || name.StartsWith("Coffer__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || name is "ASPNETCORE_URLS" or "DOTNET_URLS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS")
            {
                info.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>How to start <c>dotnet Coffer.Server.dll args...</c>, configured only by <paramref name="environment"/>.</summary>
    public static ProcessStartInfo CofferStartInfo(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> args)
    {
        if (!File.Exists(BackupRepo.ServerDll))
        {
            throw new FileNotFoundException("Coffer.Server.dll is not next to the test assembly; build the test project first.", BackupRepo.ServerDll);
        }
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var withNoLogo = new Dictionary<string, string?>(environment) { ["DOTNET_NOLOGO"] = "1" };
        return StartInfo(host, [BackupRepo.ServerDll, .. args], environment: withNoLogo, workingDirectory: AppContext.BaseDirectory);
    }

    /// <summary>A bash script of the repository (run through bash, so a lost executable bit does not matter here).</summary>
    public static Task<ToolResult> ScriptAsync(string script, IEnumerable<string> args, TimeSpan? timeout = null) =>
        RunAsync("bash", new[] { BackupRepo.Script(script) }.Concat(args), timeout: timeout);

    /// <summary><c>dotnet Coffer.Server.dll args...</c> to completion, configured only by <paramref name="environment"/>.</summary>
    public static Task<ToolResult> CofferAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(CofferStartInfo(environment, args));
}
