using Coffer.Platform.Persistence;
using Coffer.Platform.Tests.Hosting;
using Coffer.Platform.Webhooks;

namespace Coffer.Platform.Tests.Webhooks;

/// <summary>One module owns each payment event type: a second claim stops the host before it serves anything.</summary>
public sealed class PaymentEventHandlersTests
{
    [Fact]
    public void Registry_RefusesTwoHandlersForOneType_NamingBoth()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new PaymentEventHandlers([new SamplePaymentEvent(), new RivalSamplePaymentEvent()]));

        Assert.Contains(SamplePaymentEvent.Type, failure.Message);
        Assert.Contains(nameof(SamplePaymentEvent), failure.Message);
        Assert.Contains(nameof(RivalSamplePaymentEvent), failure.Message);
    }

    [Fact]
    public void Registry_FindsTheOwner_AndNothingForAnotherType()
    {
        var handlers = new PaymentEventHandlers([new SamplePaymentEvent()]);

        Assert.IsType<SamplePaymentEvent>(handlers.For(SamplePaymentEvent.Type));
        Assert.Null(handlers.For("sample.other"));
    }

    [Fact(Timeout = 60_000)]
    public async Task HostStart_FailsWhenTwoModulesHandleOneEventType()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ModuleTestHost.StartAsync(DatabaseProvider.Sqlite, null,
            services => services.AddPaymentEventHandler<SamplePaymentEvent>().AddPaymentEventHandler<RivalSamplePaymentEvent>(),
            _ => { }));

        Assert.Contains(SamplePaymentEvent.Type, failure.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task HostStart_FailsWhenAModuleClaimsTheLedgersDepositEvent()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ModuleTestHost.StartAsync(DatabaseProvider.Sqlite, null,
            services => services.AddPaymentEventHandler<DepositImpostor>(), _ => { }));

        Assert.Contains("deposit.succeeded", failure.Message);
    }

    private sealed class DepositImpostor : IPaymentEventHandler
    {
        public string EventType => "deposit.succeeded";

        public PaymentEventJob? Read(System.Text.Json.JsonElement? data, string webhookId, Coffer.Platform.Results.ValidationErrors errors) =>
            throw new InvalidOperationException("Never reached.");
    }
}
