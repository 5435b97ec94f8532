using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Coffer.FakeProvider;

/// <summary>
/// Stand-alone: <c>dotnet run --project tests/Coffer.FakeProvider -- --urls http://127.0.0.1:5099</c> (the default).
/// Any address other than 127.0.0.1 is refused.
/// </summary>
public static class Program
{
    public const string DefaultUrl = "http://127.0.0.1:5099";

    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Start-up and errors only: GET /_control/calls is the record of requests.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var url = builder.Configuration["urls"] ?? DefaultUrl;
        if (FakeProviderApp.LoopbackPort(url) is not { } port)
        {
            await Console.Error.WriteLineAsync($"The fake provider listens on 127.0.0.1 only: pass --urls http://127.0.0.1:<port>, not '{url}'.");
            return 2;
        }
        await FakeProviderApp.Build(builder, port).RunAsync();
        return 0;
    }
}
