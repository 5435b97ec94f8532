using System.Diagnostics;
using System.Net.Sockets;

namespace Coffer.Chaos.Dependencies;

/// <summary>Whether something accepts TCP connections on a 127.0.0.1 port, and waiting (bounded) until it does or does not.</summary>
internal static class Loopback
{
    public static async Task<bool> IsOpenAsync(int port)
    {
        using var client = new TcpClient();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, limit.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls the port; <paramref name="failure"/>, when it answers a reason (the server died), ends the wait at once.</summary>
    public static async Task WaitAsync(int port, bool open, TimeSpan limit, string what, Func<string?>? failure = null)
    {
        var watch = Stopwatch.StartNew();
        while (await IsOpenAsync(port) != open)
        {
            if (failure?.Invoke() is { } reason)
            {
                throw new InvalidOperationException($"{what}: {reason}");
            }
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: 127.0.0.1:{port} was still {(open ? "closed" : "open")} after {limit.TotalSeconds:F0} s.");
            }
            await Task.Delay(200);
        }
    }
}
