using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>
/// The order state machine through HTTP: from every state the API can reach, every move that is not a legal staff move answers
/// 409 <c>invalid_transition</c> and leaves the order as it was; the legal ones succeed; refunds add up to what was paid; a
/// buyer may only cancel their own order before it is fulfilled.
/// </summary>
public sealed class OrderTransitionTests
{
    private static readonly string[] Statuses = ["pending_payment", "paid", "fulfilled", "shipped", "delivered", "cancelled", "refunded"];

    /// <summary>What staff may ask of …/transitions (written out here; the payment and the refunds make the other two moves).</summary>
    private static readonly HashSet<(string From, string To)> StaffMoves =
    [
        ("pending_payment", "cancelled"),
        ("paid", "fulfilled"),
        ("paid", "cancelled"),
        ("fulfilled", "shipped"),
        ("fulfilled", "cancelled"),
        ("shipped", "delivered"),
    ];

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WalletOrder_FromEveryState_RefusesEveryOtherMove_AndTakesTheLegalOnes(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 10);

        // paid → fulfilled → shipped → delivered → refunded (in full, through …/refunds).
        var order = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 1)));
        await RefusesEveryOtherMoveAsync(kit, order, "paid");
        await MoveAsync(kit, order, "fulfilled");
        await RefusesEveryOtherMoveAsync(kit, order, "fulfilled");
        var shipped = await MoveAsync(kit, order, "shipped", "TRACK-1");
        Assert.Equal("TRACK-1", shipped.GetProperty("trackingNumber").GetString());
        await RefusesEveryOtherMoveAsync(kit, order, "shipped");
        await MoveAsync(kit, order, "delivered");
        await RefusesEveryOtherMoveAsync(kit, order, "delivered");
        var refunded = await (await RefundAsync(kit, order, amount: null)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("refunded", refunded.GetProperty("order").GetProperty("status").GetString());
        await RefusesEveryOtherMoveAsync(kit, order, "refunded");

        // paid → cancelled.
        var cancelledWhilePaid = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 1)));
        var cancelled = await MoveAsync(kit, cancelledWhilePaid, "cancelled");
        Assert.Equal("staff", cancelled.GetProperty("cancelReason").GetString());
        await RefusesEveryOtherMoveAsync(kit, cancelledWhilePaid, "cancelled");

        // paid → fulfilled → cancelled: the stock of both cancelled orders is back on the shelf.
        var cancelledWhileFulfilled = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 1)));
        await MoveAsync(kit, cancelledWhileFulfilled, "fulfilled");
        await MoveAsync(kit, cancelledWhileFulfilled, "cancelled");
        await RefusesEveryOtherMoveAsync(kit, cancelledWhileFulfilled, "cancelled");
        var stock = await kit.StockAsync(shirt);
        Assert.Equal(9, stock.GetProperty("onHand").GetInt64());
        Assert.Equal(0, stock.GetProperty("reserved").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task UnpaidCardOrder_RefusesEveryMoveButCancel_AndCancelReleasesItsStock(DatabaseProvider provider)
    {
        // The fake provider opens the intent and never pays it on its own: the order stays pending_payment until a webhook.
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 10);
        var order = await UnpaidCardOrderAsync(kit, "alice", shirt);
        Assert.Equal(2, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());

        await RefusesEveryOtherMoveAsync(kit, order, "pending_payment");
        var cancelled = await MoveAsync(kit, order, "cancelled");
        Assert.Equal("voided", cancelled.GetProperty("payment").GetProperty("status").GetString());
        await RefusesEveryOtherMoveAsync(kit, order, "cancelled");
        var stock = await kit.StockAsync(shirt);
        Assert.Equal(10, stock.GetProperty("onHand").GetInt64());
        Assert.Equal(0, stock.GetProperty("reserved").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Refunds_OfADeliveredOrder_AddUpToWhatWasPaid_AndMoveExactlyThatBack(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 10);
        var wallet = await kit.WalletOfAsync("alice");
        var order = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 2)));
        foreach (var status in new[] { "fulfilled", "shipped", "delivered" })
        {
            await MoveAsync(kit, order, status);
        }
        Assert.Equal(CommerceKit.Funds - 3_000, await kit.PostedAsync(wallet));
        Assert.Equal(3_000, await kit.MerchantRevenueAsync());

        // Part of it: the order stays delivered.
        var partial = await (await RefundAsync(kit, order, amount: 1_000)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1_000, partial.GetProperty("refund").GetProperty("amount").GetInt64());
        Assert.Equal("succeeded", partial.GetProperty("refund").GetProperty("status").GetString());
        var afterPartial = await kit.OrderAsync(order);
        Assert.Equal("delivered", afterPartial.GetProperty("status").GetString());
        Assert.Equal(1_000, afterPartial.GetProperty("refunded").GetInt64());
        Assert.Equal("partially_refunded", afterPartial.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(CommerceKit.Funds - 2_000, await kit.PostedAsync(wallet));
        Assert.Equal(2_000, await kit.MerchantRevenueAsync());

        // More than is left: refused, nothing moves.
        var tooMuch = await (await RefundAsync(kit, order, amount: 2_001)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("refund_exceeds_paid", tooMuch.Code());
        Assert.Equal(2_000, tooMuch.GetProperty("refundable").GetInt64());
        var afterRefusal = await kit.OrderAsync(order);
        Assert.Equal(afterPartial.GetProperty("version").GetInt64(), afterRefusal.GetProperty("version").GetInt64());
        Assert.Equal(1_000, afterRefusal.GetProperty("refunded").GetInt64());
        Assert.Equal(CommerceKit.Funds - 2_000, await kit.PostedAsync(wallet));
        Assert.Equal(2_000, await kit.MerchantRevenueAsync());

        // The rest (no amount: what is left): refunded, the wallet whole again, the revenue gone.
        var rest = await (await RefundAsync(kit, order, amount: null)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2_000, rest.GetProperty("refund").GetProperty("amount").GetInt64());
        var refunded = await kit.OrderAsync(order);
        Assert.Equal("refunded", refunded.GetProperty("status").GetString());
        Assert.Equal(3_000, refunded.GetProperty("refunded").GetInt64());
        Assert.Equal("refunded", refunded.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(new[] { 1_000L, 2_000L }, refunded.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("amount").GetInt64()).Order());
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        Assert.Equal(CommerceKit.Funds, await kit.AvailableAsync(wallet));
        Assert.Equal(0, await kit.MerchantRevenueAsync());
        Assert.Equal(2, await LedgerAudit.CountTransfersAsync(kit.Database, "commerce_refund"));

        // Nothing is left to refund: the order is no longer delivered.
        var again = await (await RefundAsync(kit, order, amount: 1)).ExpectAsync(HttpStatusCode.Conflict);
        AssertInvalidTransition(again, "refunded", "refunded");
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        Assert.Equal(0, await kit.MerchantRevenueAsync());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Customers_CancelOnlyTheirOwnOrders_WhileUnpaidOrPaid(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 10);
        var alice = kit.Customer("alice");
        var bob = kit.Customer("bob");

        // Unpaid: someone else's order is not found; any move but cancel is staff's; an unknown status is a bad request.
        var unpaid = await UnpaidCardOrderAsync(kit, "alice", shirt);
        await (await kit.TransitionAsync(bob, unpaid, "cancelled")).ExpectAsync(HttpStatusCode.NotFound);
        var forbidden = await (await kit.TransitionAsync(alice, unpaid, "fulfilled")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", forbidden.Code());
        foreach (var client in new[] { alice, kit.Admin })
        {
            var unknown = await (await kit.TransitionAsync(client, unpaid, "teleported")).ExpectAsync(HttpStatusCode.BadRequest);
            Assert.True(unknown.GetProperty("errors").TryGetProperty("status", out _));
        }
        Assert.Equal("pending_payment", (await kit.OrderAsync(unpaid)).GetProperty("status").GetString());
        var cancelledUnpaid = await (await kit.TransitionAsync(alice, unpaid, "cancelled")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelledUnpaid.GetProperty("status").GetString());
        Assert.Equal("customer", cancelledUnpaid.GetProperty("cancelReason").GetString());

        // Paid: the buyer cancels and the wallet gets the whole payment back at once.
        var wallet = await kit.WalletOfAsync("alice");
        var paid = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 1)));
        await (await kit.TransitionAsync(bob, paid, "cancelled")).ExpectAsync(HttpStatusCode.NotFound);
        await (await kit.TransitionAsync(alice, paid, "fulfilled")).ExpectAsync(HttpStatusCode.Forbidden);
        var cancelledPaid = await (await kit.TransitionAsync(alice, paid, "cancelled")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelledPaid.GetProperty("status").GetString());
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        Assert.Equal(0, await kit.MerchantRevenueAsync());

        // Fulfilled: too late for the buyer; staff may still cancel.
        var fulfilled = IdOf(await kit.PaidWalletOrderAsync("alice", (shirt, 1)));
        await MoveAsync(kit, fulfilled, "fulfilled");
        await (await kit.TransitionAsync(alice, fulfilled, "cancelled")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("fulfilled", (await kit.OrderAsync(fulfilled)).GetProperty("status").GetString());
        Assert.Equal(CommerceKit.Funds - 1_500, await kit.PostedAsync(wallet));
    }

    /// <summary>
    /// From <paramref name="from"/>, every status that is not a legal staff move — the same one included — answers 409 as the
    /// admin asks for it, and so does a refund unless the order is delivered; the order's status and version stay put.
    /// </summary>
    private static async Task RefusesEveryOtherMoveAsync(CommerceKit kit, Guid order, string from)
    {
        var before = await kit.OrderAsync(order);
        Assert.Equal(from, before.GetProperty("status").GetString());
        var refusedTo = Statuses.Where(to => !StaffMoves.Contains((from, to))).ToList();
        Assert.NotEmpty(refusedTo);
        foreach (var to in refusedTo)
        {
            var refused = await (await kit.TransitionAsync(kit.Admin, order, to)).ExpectAsync(HttpStatusCode.Conflict);
            AssertInvalidTransition(refused, from, to);
        }
        if (from != "delivered")
        {
            var refund = await (await RefundAsync(kit, order, amount: null)).ExpectAsync(HttpStatusCode.Conflict);
            AssertInvalidTransition(refund, from, "refunded");
        }
        var after = await kit.OrderAsync(order);
        Assert.Equal(from, after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
        Assert.Equal(before.GetProperty("refunded").GetInt64(), after.GetProperty("refunded").GetInt64());
    }

    private static void AssertInvalidTransition(JsonElement problem, string from, string to)
    {
        Assert.Equal("invalid_transition", problem.Code());
        Assert.Equal(from, problem.GetProperty("from").GetString());
        Assert.Equal(to, problem.GetProperty("to").GetString());
    }

    /// <summary>A legal move as the admin: 200 with the order in its new status, one version on.</summary>
    private static async Task<JsonElement> MoveAsync(CommerceKit kit, Guid order, string to, string? trackingNumber = null)
    {
        var version = (await kit.OrderAsync(order)).GetProperty("version").GetInt64();
        var moved = await (await kit.TransitionAsync(kit.Admin, order, to, trackingNumber)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(to, moved.GetProperty("status").GetString());
        Assert.Equal(version + 1, moved.GetProperty("version").GetInt64());
        return moved;
    }

    private static Task<HttpResponseMessage> RefundAsync(CommerceKit kit, Guid order, long? amount) =>
        kit.Admin.PostJsonAsync($"/api/v1/commerce/orders/{order}/refunds", new { amount, reason = "Damaged in transit" });

    /// <summary>A card order for two of <paramref name="variant"/>, its intent open at the (fake) provider, awaiting a payment that never comes.</summary>
    private static async Task<Guid> UnpaidCardOrderAsync(CommerceKit kit, string customer, Guid variant)
    {
        var created = await (await kit.CheckoutAsync(customer, CommerceKit.CardOrder((variant, 2)))).ExpectAsync(HttpStatusCode.Created);
        var id = IdOf(created);
        await kit.WaitForStatusAsync(id, "pending_payment", "awaiting_payment");
        return id;
    }

    private static Guid IdOf(JsonElement order) => order.GetProperty("id").GetGuid();
}
