using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>Card checkout: the provider's intent, the signed webhook that pays the order once, failures that release the stock.</summary>
public sealed class CardPaymentTests
{
    private static async Task<(Guid Order, string Reference, long Total)> OpenCardOrderAsync(CommerceKit kit, Guid variant, int quantity)
    {
        var created = await (await kit.CheckoutAsync("alice", CommerceKit.CardOrder((variant, quantity)))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pending_payment", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetGuid();
        await kit.WaitForStatusAsync(id, "pending_payment", "awaiting_payment");
        var payment = await (await kit.Customer("alice").GetAsync($"/api/v1/commerce/orders/{id}/card-payment")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(payment.GetProperty("clientSecret").GetString()));
        return (id, payment.GetProperty("paymentReference").GetString()!, created.GetProperty("total").GetInt64());
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SignedWebhook_PaysTheOrderOnce_ReplaysAndRedeliveriesDoNotPayAgain(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var variant = await kit.VariantAsync("TEE-1", usd: 2_000, stock: 5);
        var (order, reference, total) = await OpenCardOrderAsync(kit, variant, 2);
        Assert.Equal(4_000, total);
        Assert.Equal(1, (await kit.Fake!.GetCallsAsync()).PaymentIntents.Created);
        // Someone else may not fetch the buyer's secret.
        await (await kit.Customer("bob").GetAsync($"/api/v1/commerce/orders/{order}/card-payment")).ExpectAsync(HttpStatusCode.NotFound);

        var accepted = await (await kit.PaymentWebhookAsync("evt_1", "payment_intent.succeeded", order, reference, total)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        await kit.WaitForStatusAsync(order, "paid", "paid");
        // The receipt's job annotates the order after payment (a version of its own): the comparison starts after it.
        var paid = await kit.WaitForOrderAsync(order, o => o.GetProperty("receiptKey").ValueKind == JsonValueKind.String, "a stored receipt");
        var version = paid.GetProperty("version").GetInt64();
        Assert.Equal(3, (await kit.StockAsync(variant)).GetProperty("onHand").GetInt64());

        // The same delivery again: a duplicate, no job. The same event under a new id: its job finds the order paid.
        Assert.Equal("duplicate", (await (await kit.PaymentWebhookAsync("evt_1", "payment_intent.succeeded", order, reference, total))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        var redelivered = await (await kit.PaymentWebhookAsync("evt_2", "payment_intent.succeeded", order, reference, total))
            .ExpectAsync(HttpStatusCode.OK);
        var result = await kit.Ops.WaitForJobAsync(redelivered.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal("already_paid", result.GetProperty("result").GetProperty("outcome").GetString());
        var after = await kit.OrderAsync(order);
        Assert.Equal(version, after.GetProperty("version").GetInt64());
        Assert.Equal(3, (await kit.StockAsync(variant)).GetProperty("onHand").GetInt64());
        Assert.Equal(1, await DatabaseShell.ScalarAsync<long>(kit.Database,
            $"SELECT COUNT(*) FROM audit_events WHERE action = 'order.paid' AND resource_id = '{order}'"));

        // Paid, the secret is no longer handed out.
        Assert.Equal("payment_not_ready", (await (await kit.Customer("alice").GetAsync($"/api/v1/commerce/orders/{order}/card-payment"))
            .ExpectAsync(HttpStatusCode.Conflict)).Code());
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CancellingAPaidCardOrder_RestocksAndRefundsTheTotalAtTheProvider(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var variant = await kit.VariantAsync("TEE-1", usd: 2_000, stock: 5);
        var (order, reference, total) = await OpenCardOrderAsync(kit, variant, 2);
        await (await kit.PaymentWebhookAsync("evt_pay", "payment_intent.succeeded", order, reference, total)).ExpectAsync(HttpStatusCode.OK);
        await kit.WaitForStatusAsync(order, "paid");

        var cancelled = await (await kit.TransitionAsync(kit.Customer("alice"), order, "cancelled")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("restocked", cancelled.GetProperty("stockStatus").GetString());
        Assert.Equal(5, (await kit.StockAsync(variant)).GetProperty("onHand").GetInt64());

        var refunded = await kit.WaitForOrderAsync(order, o => o.GetProperty("refunded").GetInt64() == total, "its total refunded");
        Assert.Equal(0, refunded.GetProperty("refundPending").GetInt64());
        var refund = refunded.GetProperty("refunds").EnumerateArray().Single();
        Assert.Equal("succeeded", refund.GetProperty("status").GetString());
        Assert.Equal(total, refund.GetProperty("amount").GetInt64());
        var calls = await kit.Fake!.GetCallsAsync();
        Assert.Equal(1, calls.Refunds.Created);
        Assert.Equal(refund.GetProperty("id").GetGuid().ToString(), calls.Refunds.Calls[0].IdempotencyKey!.Split(':')[^1]);
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task FailedPayment_CancelsAndReleases_AndAPaymentAfterCancellation_IsRefunded(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var variant = await kit.VariantAsync("TEE-1", usd: 2_000, stock: 5);

        var (failed, failedReference, failedTotal) = await OpenCardOrderAsync(kit, variant, 1);
        await (await kit.PaymentWebhookAsync("evt_f", "payment_intent.payment_failed", failed, failedReference, failedTotal)).ExpectAsync(HttpStatusCode.OK);
        var ended = await kit.WaitForStatusAsync(failed, "cancelled");
        Assert.Equal("payment_failed", ended.GetProperty("cancelReason").GetString());
        Assert.Equal("released", ended.GetProperty("stockStatus").GetString());

        // Cancelled by the buyer before paying; the payment still arrives: the order stays cancelled and the money goes back.
        var (late, lateReference, lateTotal) = await OpenCardOrderAsync(kit, variant, 2);
        await (await kit.TransitionAsync(kit.Customer("alice"), late, "cancelled")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (await kit.StockAsync(variant)).GetProperty("reserved").GetInt64());
        Assert.Equal(5, (await kit.StockAsync(variant)).GetProperty("available").GetInt64());
        await (await kit.PaymentWebhookAsync("evt_late", "payment_intent.succeeded", late, lateReference, lateTotal)).ExpectAsync(HttpStatusCode.OK);
        var refunded = await kit.WaitForOrderAsync(late, o => o.GetProperty("refunded").GetInt64() == lateTotal, "its late payment refunded");
        Assert.Equal("cancelled", refunded.GetProperty("status").GetString());
        Assert.Equal(5, (await kit.StockAsync(variant)).GetProperty("onHand").GetInt64());
        Assert.Equal(1, (await kit.Fake!.GetCallsAsync()).Refunds.Created);
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ProviderRefusingTheIntent_CancelsTheOrder_AndReleasesItsStock(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var variant = await kit.VariantAsync("TEE-1", usd: 2_000, stock: 5);
        await kit.Fake!.SetBehaviourAsync(new Coffer.FakeProvider.FakeBehaviour(Coffer.FakeProvider.FakeBehaviour.RejectMode,
            Endpoint: Coffer.FakeProvider.FakeEndpoints.PaymentIntents));
        var created = await (await kit.CheckoutAsync("alice", CommerceKit.CardOrder((variant, 3)))).ExpectAsync(HttpStatusCode.Created);
        var ended = await kit.WaitForStatusAsync(created.GetProperty("id").GetGuid(), "cancelled");
        Assert.Equal("payment_failed", ended.GetProperty("cancelReason").GetString());
        Assert.Equal(5, (await kit.StockAsync(variant)).GetProperty("available").GetInt64());
    }
}
