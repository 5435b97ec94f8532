using System.Diagnostics;
using System.Text;

namespace Coffer.Chaos.Dependencies;

/// <summary>
/// Runs a tool to completion within a time limit (initdb, pg_ctl, psql, rabbitmqctl, redis-cli), optionally as the
/// <c>postgres</c> OS user; a tool that overruns is killed with its children.
/// </summary>
internal static class ExternalCommand
{
    public static async Task<CommandResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan limit, bool asPostgres = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = StartInfo(fileName, arguments, asPostgres, environment);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{Describe(fileName, arguments)}' did not finish within {limit.TotalSeconds:F0} s.\n{output}");
        }
        process.WaitForExit(); // drains the output readers
        lock (output)
        {
            return new CommandResult(Describe(fileName, arguments), process.ExitCode, output.ToString());
        }
    }

    /// <summary>A start description with every stream redirected, run as root or (through runuser) as postgres.</summary>
    public static ProcessStartInfo StartInfo(
        string fileName, IReadOnlyList<string> arguments, bool asPostgres, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            // postgres may not enter the caller's working directory.
            WorkingDirectory = "/",
        };
        if (asPostgres && Environment.UserName != "postgres")
        {
            info.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", fileName])
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = fileName;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    private static string Describe(string fileName, IReadOnlyList<string> arguments) => string.Join(' ', [fileName, .. arguments]);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            if (output.Length < 200_000)
            {
                output.AppendLine(line);
            }
        }
    }
}

/// <summary>What a tool answered.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Output)
{
    public CommandResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"'{Command}' failed with exit code {ExitCode}:\n{Output}");
}
