using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coffer.Testing.Process;

/// <summary>
/// Runs the built <c>Coffer.Server.dll</c> (copied next to this test assembly) as a child process, the way an
/// operator runs it: <c>dotnet Coffer.Server.dll &lt;verb&gt; ...</c>, configured only by environment variables.
/// </summary>
public static class CofferProcess
{
    public static string ServerDll { get; } = Path.Combine(AppContext.BaseDirectory, "Coffer.Server.dll");

    /// <summary>The <c>dotnet</c> host that runs this test run (set by the SDK), else the one on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// A start description for <c>dotnet Coffer.Server.dll args...</c>. Configuration the test run itself may carry
    /// (Coffer__*, ConnectionStrings__*, ASPNETCORE_URLS) is removed first, so only <paramref name="environment"/> applies.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        if (!File.Exists(ServerDll))
        {
            throw new FileNotFoundException("Coffer.Server.dll is not next to the test assembly; build the test project first.", ServerDll);
        }
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("Coffer__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || name is "ASPNETCORE_URLS" or "DOTNET_URLS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS")
            {
                info.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    /// <summary>Configuration keys (<c>Coffer:DataDirectory</c>) as environment variables (<c>Coffer__DataDirectory</c>).</summary>
    public static Dictionary<string, string?> ToEnvironment(IReadOnlyDictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    /// <summary>Runs a verb to completion (bounded) and returns its exit code and output.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = new System.Diagnostics.Process { StartInfo = StartInfo(args, environment, AppContext.BaseDirectory) };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not finish within 60 s.");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
