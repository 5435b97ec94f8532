using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coffer.FakeProvider;

/// <summary>
/// The fake provider's HTTP surface. Provider endpoints (<c>POST /payouts</c>, <c>/payment-intents</c>, <c>/refunds</c>,
/// an investment partner's <c>/partner/investments</c> and <c>/partner/redemptions</c>, see <see cref="FakePartner"/>, and
/// <c>/emails</c>, <c>/shipments</c> and <c>/objects</c>, see <see cref="FakeCommerceProviders"/>)
/// take camelCase JSON and an <c>Idempotency-Key</c>; control endpoints live under <c>/_control</c>. It listens on
/// 127.0.0.1 only, whatever else the environment asks for.
/// </summary>
public static class FakeProviderApp
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The fake on <paramref name="builder"/>, listening on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static WebApplication Build(WebApplicationBuilder builder, int port)
    {
        // An explicit endpoint replaces every address from configuration (urls, ASPNETCORE_HTTP_PORTS), so nothing binds wider;
        // those are cleared so Kestrel has nothing to warn about overriding.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FakeProviderState>();
        var app = builder.Build();

        app.MapPost("/payouts", (PayoutBody body, HttpContext http, FakeProviderState state) =>
            AnswerAsync(http, state, FakeEndpoints.Payouts, body, MoneyProblem(body.AmountMinor, body.Currency),
                n => new { providerReference = $"po_{n:D6}", status = "paid" }));
        app.MapPost("/payment-intents", (PaymentIntentBody body, HttpContext http, FakeProviderState state) =>
            AnswerAsync(http, state, FakeEndpoints.PaymentIntents, body, MoneyProblem(body.AmountMinor, body.Currency),
                n => new { providerReference = $"pi_{n:D6}", status = "requires_payment_method", clientSecret = $"pi_{n:D6}_secret_{Guid.NewGuid():N}" }));
        app.MapPost("/refunds", (RefundBody body, HttpContext http, FakeProviderState state) =>
            AnswerAsync(http, state, FakeEndpoints.Refunds, body, MoneyProblem(body.AmountMinor, body.Currency),
                n => new { providerReference = $"re_{n:D6}", status = "succeeded" }));
        FakePartner.Map(app);
        FakeCommerceProviders.Map(app);

        var control = app.MapGroup("/_control");
        control.MapPost("/behaviour", (FakeBehaviour behaviour, FakeProviderState state) =>
        {
            if (behaviour.Problem() is { } problem)
            {
                return Results.BadRequest(new FakeError("invalid_behaviour", problem));
            }
            state.SetBehaviour(behaviour);
            return Results.Ok(state.Behaviour);
        });
        control.MapGet("/behaviour", (FakeProviderState state) => state.Behaviour);
        control.MapGet("/calls", (FakeProviderState state) => state.Calls());
        control.MapPost("/reset", (FakeProviderState state) =>
        {
            state.Reset();
            return Results.NoContent();
        });
        return app;
    }

    /// <summary>127.0.0.1's port in <paramref name="url"/> (<c>http://127.0.0.1:5099</c>), or null for any other address.</summary>
    public static int? LoopbackPort(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Host == "127.0.0.1" && uri.AbsolutePath == "/"
            ? uri.Port
            : null;

    /// <summary>Why a money request is invalid (400 <c>invalid_request</c>), or null when it is not.</summary>
    internal static string? MoneyProblem(long amountMinor, string? currency) =>
        amountMinor <= 0 || currency?.Length != 3 ? "amountMinor must be above 0 and currency an ISO 4217 code." : null;

    /// <summary>
    /// A provider call: recorded, met with the current behaviour, then — when its key is there and <paramref name="problem"/>
    /// (why the body is invalid) is null — acted on once per idempotency key.
    /// <paramref name="signatureVerified"/> and <paramref name="partnerReference"/>: see <see cref="FakeCall"/>.
    /// </summary>
    internal static async Task<IResult> AnswerAsync<TBody>(
        HttpContext http, FakeProviderState state, string endpoint, TBody body, string? problem, Func<long, object> create,
        bool? signatureVerified = null, string? partnerReference = null)
        where TBody : notnull
    {
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        var behaviour = state.Arrive(endpoint, key.Length > 0 ? key : null, signatureVerified, partnerReference);
        // Requests in flight end when the client gives up or the fake stops, whichever comes first.
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        switch (behaviour.Mode)
        {
            case FakeBehaviour.FailMode:
                return Results.Json(new FakeError("unavailable", "The provider is temporarily unavailable."), statusCode: 503);
            case FakeBehaviour.RejectMode when key.Length == 0 || !state.HasActedOn(endpoint, key):
                // A provider refuses what it has not done; a key it already acted on is answered from its record below, as a
                // real provider would (it cannot take back a payout it made because the account has closed since).
                return Results.Json(new FakeError("account_closed", "The destination account is closed."), statusCode: 422);
            case FakeBehaviour.HangMode:
                await WaitAsync(Timeout.InfiniteTimeSpan, gone.Token);
                http.Abort(); // never an answer, not even to a client still waiting when the fake stops
                return Results.Empty;
            case FakeBehaviour.DelayMode:
                // A real provider finishes what it started: a client that gave up finds the result under the same key later.
                await WaitAsync(TimeSpan.FromMilliseconds(behaviour.DelayMilliseconds!.Value),
                    http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
                break;
        }
        if (key.Length == 0)
        {
            return Results.BadRequest(new FakeError("idempotency_key_missing", $"Send an {IdempotencyKeyHeader} header."));
        }
        if (problem is not null)
        {
            return Results.BadRequest(new FakeError("invalid_request", problem));
        }
        if (state.Answer(endpoint, key, body, create) is not { } answer)
        {
            return Results.Json(new FakeError("idempotency_key_reused", "This key was used with another request."), statusCode: 422);
        }
        if (answer.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return Results.Ok(answer.Answer);
    }

    /// <summary>Waits <paramref name="delay"/>, or until <paramref name="stop"/>: both end the wait, neither is an error.</summary>
    private static async Task WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the client gave up or the fake is stopping: there is nobody left to answer
        }
    }
}
