using Coffer.Platform.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Coffer.Server.Hosting;

/// <summary>Tells a newcomer where the API listens and how to get a token.</summary>
internal sealed class StartupBanner(IHostApplicationLifetime lifetime, IServer server, DatabaseOptions database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (addresses.Count == 0)
            {
                return; // an in-memory test host listens nowhere
            }
            var first = addresses.FirstOrDefault() ?? "http://localhost:5000";
            Console.WriteLine($"""

                Coffer is running ({database.Provider.ToString().ToLowerInvariant()}, data in {database.DataDirectory}).
                  Listening on:   {string.Join(", ", addresses)}
                  API reference:  {first}/scalar/v1   (OpenAPI: {first}/openapi/v1.json)
                  Get a token:    dotnet run --project src/Coffer.Server -- token --sub alice --tenant acme --role customer
                  Then:           curl -H "Authorization: Bearer $TOKEN" {first}/api/v1/accounts

                """);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
