using System.Net;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Startup;

/// <summary><c>serve</c> (also the default verb) honours <c>--urls</c> and tells a newcomer what to do next.</summary>
public sealed class ServeTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServeWithUrls_ListensThereAndPrintsTheAddressAndHowToGetAToken(bool explicitServeVerb)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("coffer-serve-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(
                new Dictionary<string, string?> { ["Coffer:DataDirectory"] = dataDirectory }, explicitServeVerb);

            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            using var live = await client.GetAsync("/health/live");
            var banner = await WaitForStdoutAsync(server, "Get a token:", TimeSpan.FromSeconds(10));

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Contains($"Listening on:   {server.Url}", banner, StringComparison.Ordinal);
            Assert.Contains("token --sub", banner, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans temporary directories.
            }
        }
    }

    /// <summary>The banner is written when the host has started, which may be a moment after the first answer.</summary>
    private static async Task<string> WaitForStdoutAsync(ServerProcess server, string marker, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !server.StandardOutput.Contains(marker, StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }
        return server.StandardOutput;
    }
}
