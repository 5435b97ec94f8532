using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using OpenTelemetry.Trace;

namespace Coffer.Ledger.Tests.Observability;

public sealed class TracingTests
{
    private static readonly Dictionary<string, string?> RecordEverything = new() { ["Coffer:Telemetry:TraceSampleRatio"] = "1" };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Trace_ConnectsTheHttpRequestToItsDatabaseSpans(DatabaseProvider provider)
    {
        var spans = new List<Activity>();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: RecordEverything,
            services: s => s.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = JsonContent.Create(parties.AliceToBob(700)),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        await (await parties.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);

        var ours = await SpansOfAsync(spans, traceId, s => s.Kind == ActivityKind.Server);
        var server = Assert.Single(ours, s => s.Kind == ActivityKind.Server);
        Assert.Equal("/api/v1/transfers/", server.GetTagItem("http.route"));
        var database = ours.Where(s => s.Source.Name == CofferTelemetry.Database.Name).ToList();
        Assert.True(database.Count >= 2, $"expected the lock and the commit round trips, saw {database.Count} database span(s)");
        var byId = ours.ToDictionary(s => s.SpanId);
        foreach (var span in database)
        {
            Assert.True(DescendsFrom(span, server, byId), $"database span '{span.DisplayName}' is not under the request span");
            Assert.Equal(provider == DatabaseProvider.Postgres ? "postgresql" : "sqlite", span.GetTagItem("db.system.name"));
        }
        Assert.Contains(database, s => (s.GetTagItem("db.operation.name") as string)?.Contains("idempotency.claim") == true);
        if (provider == DatabaseProvider.Postgres)
        {
            Assert.Contains(ours, s => s.Source.Name == "Npgsql"); // the driver's own spans join the same trace
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ProblemBody_CarriesTheTraceIdOfTheRequest()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100);
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = JsonContent.Create(parties.AliceToBob(1_000_000)),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-00"); // not sampled: ids still flow

        var problem = await (await parties.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(traceId.ToString(), problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public void Carrier_LinksWorkStartedLaterToTheTraceThatCausedIt()
    {
        using var source = new ActivitySource("Coffer.Tests.Carrier");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string? carried;
        ActivityContext request;
        using (var enqueue = source.StartActivity("POST /withdrawals", ActivityKind.Server)!)
        {
            enqueue.TraceStateString = "vendor=1";
            request = enqueue.Context;
            carried = TraceContextCarrier.Capture();
        }

        using var job = TraceContextCarrier.StartLinked(source, "job execute", carried)!;

        Assert.NotEqual(request.TraceId, job.TraceId); // a trace of its own ...
        var link = Assert.Single(job.Links);       // ... linked to the request that enqueued it
        Assert.Equal(request.TraceId, link.Context.TraceId);
        Assert.Equal(request.SpanId, link.Context.SpanId);
        Assert.Equal("vendor=1", link.Context.TraceState);
        Assert.False(TraceContextCarrier.TryParse("not a traceparent", out _));
        Assert.Null(TraceContextCarrier.StartLinked(new ActivitySource("unheard"), "x", carried)); // no listener, no span
    }

    private static async Task<List<Activity>> SpansOfAsync(List<Activity> exported, ActivityTraceId traceId, Func<Activity, bool> awaited)
    {
        // The request span ends after the response is written; give it a moment to be exported.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            List<Activity> ours;
            lock (exported)
            {
                ours = exported.Where(s => s.TraceId == traceId).ToList();
            }
            if (ours.Any(awaited))
            {
                return ours;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("The request's server span was never exported.");
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, Dictionary<ActivitySpanId, Activity> byId)
    {
        var parent = span.ParentSpanId;
        while (parent != default)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
            parent = byId.TryGetValue(parent, out var next) ? next.ParentSpanId : default;
        }
        return false;
    }
}
