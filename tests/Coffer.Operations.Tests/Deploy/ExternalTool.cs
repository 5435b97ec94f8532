using System.Diagnostics;
using System.Text;

namespace Coffer.Operations.Tests.Deploy;

internal sealed record ToolResult(int ExitCode, string Output);

/// <summary>Command-line checkers (promtool, yamllint) run against the repository; they are required, never skipped.</summary>
internal static class ExternalTool
{
    /// <summary>The tool's path on PATH; fails the test, naming the package, when it is not installed.</summary>
    public static string Require(string name, string debianPackage)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            $"{name} is not on PATH. Install it with scripts/install-deps.sh (Debian package '{debianPackage}'); this check does not skip.");
        return found;
    }

    /// <summary>Runs the tool from the repository root, bounded by <paramref name="limit"/>; stdout and stderr together.</summary>
    public static async Task<ToolResult> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan limit)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = RepoFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', info.ArgumentList)} did not finish within {limit}.");
        }
        return new ToolResult(process.ExitCode, (await stdout + await stderr).Trim());
    }
}
