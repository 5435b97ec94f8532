using Coffer.Commerce.Inventory;
using Coffer.Commerce.Notifications;
using Coffer.Commerce.Observability;
using Coffer.Commerce.Payments;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Audit;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Providers;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Commerce.Orders;

/// <summary>
/// Every change of an order goes through here, in the caller's open transaction and under the order's row lock: the move is
/// checked against <see cref="OrderStatuses"/>, its stock and money follow in the same transaction (reserved stock committed or
/// released, sold stock restocked, a hold captured or voided, a refund posted or queued), the order is written at its next
/// version, audited (<c>order.*</c>, <c>payment.*</c>, <c>refund.*</c>, <c>inventory.*</c>) and its follow-up jobs (mail,
/// receipt, shipment) are queued with the commit.
/// </summary>
internal sealed class OrderChanges(
    DbSession session, IMoneyMover money, JobQueue jobs, AuditTrail audit, RecordClock clock, CommerceMetrics metrics,
    IEmailProvider? email = null, IStorageProvider? storage = null, IShippingProvider? shipping = null)
{
    /// <summary>The tenant's system account wallet payments are captured to, and refunds paid from.</summary>
    public const string MerchantRevenue = "merchant_revenue";

    /// <summary>The ledger transfer code of a refund (a metric label there).</summary>
    public const string RefundTransferCode = "commerce_refund";

    public DbSession Session => session;

    public async Task<Order?> LockAsync(string tenantId, Guid id, CancellationToken cancellationToken) =>
        (await session.QueryAsync(Order.Find(tenantId, id, session.Provider), Order.Read, cancellationToken)).SingleOrDefault();

    public async Task<List<OrderLine>> LinesAsync(Order order, CancellationToken cancellationToken) =>
        await session.QueryAsync(OrderLine.Of(order.TenantId, [order.Id], session.Provider), OrderLine.Read, cancellationToken);

    /// <summary>
    /// Locks the order's stock rows (PostgreSQL; SQLite's single writer needs none) in variant order. Work that moves an order's
    /// money and its stock in one transaction takes them first, as checkout does — inventory, then the ledger's accounts — so
    /// a checkout and a capture never wait on each other in a cycle.
    /// </summary>
    public async Task LockStockAsync(Order order, CancellationToken cancellationToken)
    {
        if (session.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        await session.QueryAsync(SqlStatement.Tagged("commerce_inventory.lock_of_order",
            """
            SELECT i.variant_id FROM commerce_inventory i
            WHERE i.tenant_id = @tenant AND i.variant_id IN (SELECT l.variant_id FROM commerce_order_lines l WHERE l.tenant_id = @tenant AND l.order_id = @order)
            ORDER BY i.variant_id FOR UPDATE
            """,
            ("tenant", order.TenantId), ("order", order.Id)), r => r.GetGuid(0), cancellationToken);
    }

    /// <summary>
    /// The payment arrived (a captured hold, a provider's confirmation): <c>pending_payment → paid</c>, the reserved stock is
    /// sold, and the receipt and the confirmation mail are queued.
    /// </summary>
    public async Task<Outcome<Order>> MarkPaidAsync(Order order, string? paymentReference, CancellationToken cancellationToken)
    {
        if (!OrderStatuses.CanMove(order.Status, OrderStatuses.Paid, OrderStatuses.Trigger.Payment))
        {
            return CommerceFailures.InvalidTransition("order", order.Status, OrderStatuses.Paid);
        }
        var lines = await LinesAsync(order, cancellationToken);
        var now = clock.Now();
        var changed = order.Copy();
        changed.Status = OrderStatuses.Paid;
        changed.PaidAt = now;
        changed.PaymentReference ??= paymentReference;
        changed.StockStatus = Order.StockCommitted;
        await MoveStockAsync(lines, StockLevel.Commit, now, cancellationToken);
        audit.Record(order.TenantId, "inventory.committed", "commerce_order", order.Id.ToString(), null, StockAudit(lines));
        audit.Record(order.TenantId, "payment.captured", "commerce_order", order.Id.ToString(), null,
            new { method = order.PaymentMethod, amount = order.TotalMinor, currency = order.Currency, holdId = order.HoldId, paymentReference = changed.PaymentReference });
        if (storage is not null) // without a storage provider there is nowhere to keep a receipt: no job to queue behind captures
        {
            jobs.Enqueue(order.TenantId, StoreReceiptJob.JobType, new OrderJobPayload(order.Id), ownerSubject: null);
        }
        Mail(changed, OrderEmail.Paid);
        return Save(order, changed, "order.paid");
    }

    /// <summary>A staff move without money: <c>paid → fulfilled</c> (queues the shipment), <c>fulfilled → shipped</c>, <c>shipped → delivered</c>.</summary>
    public Outcome<Order> Move(Order order, string to, string? trackingNumber)
    {
        if (to == OrderStatuses.Cancelled || !OrderStatuses.CanMove(order.Status, to, OrderStatuses.Trigger.Staff))
        {
            return CommerceFailures.InvalidTransition("order", order.Status, to);
        }
        var changed = order.Copy();
        changed.Status = to;
        if (trackingNumber is not null)
        {
            changed.TrackingNumber = trackingNumber;
        }
        if (to == OrderStatuses.Fulfilled && shipping is not null)
        {
            jobs.Enqueue(order.TenantId, BookShipmentJob.JobType, new OrderJobPayload(order.Id), ownerSubject: null);
        }
        if (to == OrderStatuses.Shipped)
        {
            Mail(changed, OrderEmail.Shipped);
        }
        return Save(order, changed, $"order.{to}");
    }

    /// <summary>
    /// Cancels an order before it ships. Unpaid: its reserved stock is released and a wallet hold voided. Paid: its stock goes
    /// back on the shelf and the whole payment is refunded — at once from the merchant revenue account to the wallet, or by a
    /// queued provider refund for a card.
    /// </summary>
    public async Task<Outcome<Order>> CancelAsync(Order order, string reason, string requestedBy, CancellationToken cancellationToken)
    {
        if (!OrderStatuses.CanMove(order.Status, OrderStatuses.Cancelled))
        {
            return CommerceFailures.InvalidTransition("order", order.Status, OrderStatuses.Cancelled);
        }
        var lines = await LinesAsync(order, cancellationToken);
        var now = clock.Now();
        var changed = order.Copy();
        changed.Status = OrderStatuses.Cancelled;
        changed.CancelReason = reason;
        if (order.Status == OrderStatuses.PendingPayment)
        {
            // Stock before money, as checkout locks them: inventory rows, then the ledger's.
            await MoveStockAsync(lines, StockLevel.Release, now, cancellationToken);
            changed.StockStatus = Order.StockReleased;
            audit.Record(order.TenantId, "inventory.released", "commerce_order", order.Id.ToString(), null, StockAudit(lines));
            if (order.HoldId is { } holdId)
            {
                var released = await money.ReleaseHoldAsync(order.TenantId, holdId, cancellationToken);
                if (!released.IsSuccess)
                {
                    // A captured hold on an unpaid order would be a broken invariant: the capture moves the order to paid with it.
                    throw new InvalidOperationException($"The hold of unpaid order {order.Id} could not be voided: {released.Failure.Code}.");
                }
                audit.Record(order.TenantId, "payment.voided", "commerce_order", order.Id.ToString(), null, new { holdId, releasedNow = released.Value });
            }
        }
        else
        {
            await MoveStockAsync(lines, StockLevel.Restock, now, cancellationToken);
            changed.StockStatus = Order.StockRestocked;
            audit.Record(order.TenantId, "inventory.restocked", "commerce_order", order.Id.ToString(), null, StockAudit(lines));
            if (changed.Refundable > 0)
            {
                var refunded = await RefundAsync(changed, changed.Refundable, $"Order cancelled ({reason})", requestedBy, cancellationToken);
                if (!refunded.IsSuccess)
                {
                    return refunded.Failure;
                }
            }
        }
        Mail(changed, OrderEmail.Cancelled);
        return Save(order, changed, "order.cancelled");
    }

    /// <summary>Refunds part or all of a delivered order (staff); fully refunded, it becomes <c>refunded</c>.</summary>
    public async Task<Outcome<(Order Order, Refund Refund)>> RefundDeliveredAsync(
        Order order, long? amount, string reason, string requestedBy, CancellationToken cancellationToken)
    {
        if (order.Status != OrderStatuses.Delivered)
        {
            return CommerceFailures.InvalidTransition("order", order.Status, OrderStatuses.Refunded);
        }
        var value = amount ?? order.Refundable;
        if (value <= 0 || value > order.Refundable)
        {
            return CommerceFailures.RefundExceedsPaid(order.Refundable);
        }
        var changed = order.Copy();
        var refund = await RefundAsync(changed, value, reason, requestedBy, cancellationToken);
        if (!refund.IsSuccess)
        {
            return refund.Failure;
        }
        var saved = Save(order, changed, changed.Status == OrderStatuses.Refunded ? "order.refunded" : "order.refund_requested");
        return (saved.Value!, refund.Value!);
    }

    /// <summary>A card refund's answer (from <see cref="RefundCardPaymentJob"/>): the order's refund totals move, and a delivered
    /// order whose refunds now add up to its total becomes <c>refunded</c>.</summary>
    public Order SettleCardRefund(Order order, Refund refund)
    {
        var changed = order.Copy();
        changed.RefundPendingMinor -= refund.AmountMinor;
        if (refund.Status == Refund.Succeeded)
        {
            changed.RefundedMinor += refund.AmountMinor;
            if (changed.Status == OrderStatuses.Delivered && changed.RefundedMinor == changed.TotalMinor)
            {
                changed.Status = OrderStatuses.Refunded;
            }
            Mail(changed, OrderEmail.Refunded);
        }
        return Save(order, changed, changed.Status == OrderStatuses.Refunded && order.Status != OrderStatuses.Refunded
            ? "order.refunded" : "order.refund_settled").Value!;
    }

    /// <summary>
    /// Returns <paramref name="amount"/> to the buyer, recording the refund on <paramref name="changed"/> (not yet saved):
    /// a wallet's in this transaction, a card's through the provider by a queued job.
    /// </summary>
    private async Task<Outcome<Refund>> RefundAsync(Order changed, long amount, string reason, string requestedBy, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var refund = new Refund
        {
            Id = clock.NewId(now), TenantId = changed.TenantId, OrderId = changed.Id, AmountMinor = amount, Currency = changed.Currency,
            Method = changed.PaymentMethod, Status = Refund.Pending, Reason = reason, RequestedBy = requestedBy, CreatedAt = now,
            Reference = "",
        };
        refund.Reference = $"order:{changed.Id}:refund:{refund.Id}";
        if (changed.PaymentMethod == Order.Wallet)
        {
            var moved = await money.MoveAsync(changed.TenantId,
                [new MoneyMovement(MoneyAccount.System(MerchantRevenue), MoneyAccount.Wallet(changed.WalletId!.Value), amount, changed.Currency,
                    refund.Reference, RefundTransferCode, $"Refund of order {changed.Id}")], cancellationToken);
            if (!moved.IsSuccess)
            {
                return moved.Failure; // the merchant account may go negative: only a closed or vanished wallet refuses
            }
            refund.Status = Refund.Succeeded;
            refund.TransferId = moved.Value![0].TransferId;
            refund.CompletedAt = now;
            changed.RefundedMinor += amount;
            if (changed.Status == OrderStatuses.Delivered && changed.RefundedMinor == changed.TotalMinor)
            {
                changed.Status = OrderStatuses.Refunded;
            }
            Mail(changed, OrderEmail.Refunded);
        }
        else
        {
            changed.RefundPendingMinor += amount;
            jobs.Enqueue(changed.TenantId, RefundCardPaymentJob.JobType, new RefundCardPaymentJob.Payload(refund.Id), ownerSubject: null);
        }
        session.Defer(Refund.Insert(refund));
        metrics.OnCommitRefund(session, changed.PaymentMethod, refund.Status);
        audit.Record(changed.TenantId, $"refund.{(refund.Status == Refund.Succeeded ? "succeeded" : "requested")}", "commerce_refund",
            refund.Id.ToString(), null, RefundResponse.From(refund));
        return refund;
    }

    /// <summary>Queues a refund of a card payment that arrived after its order had ended unpaid (cancelled or expired).</summary>
    public async Task<Refund?> RefundLatePaymentAsync(Order order, long amount, string paymentReference, CancellationToken cancellationToken)
    {
        var reference = $"order:{order.Id}:late-payment:{paymentReference}";
        if ((await session.QueryAsync(Refund.FindByReference(order.TenantId, reference), Refund.Read, cancellationToken)).Count > 0)
        {
            return null;
        }
        var now = clock.Now();
        var refund = new Refund
        {
            Id = clock.NewId(now), TenantId = order.TenantId, OrderId = order.Id, AmountMinor = amount, Currency = order.Currency,
            Method = Order.Card, Status = Refund.Pending, Reason = "Paid after the order had ended unpaid", RequestedBy = "system:commerce",
            Reference = reference, CreatedAt = now,
        };
        var changed = order.Copy();
        changed.PaymentReference ??= paymentReference;
        changed.RefundPendingMinor += amount;
        session.Defer(Refund.Insert(refund));
        jobs.Enqueue(order.TenantId, RefundCardPaymentJob.JobType, new RefundCardPaymentJob.Payload(refund.Id), ownerSubject: null);
        audit.Record(order.TenantId, "refund.requested", "commerce_refund", refund.Id.ToString(), null, RefundResponse.From(refund));
        Save(order, changed, "order.late_payment_refunded");
        return refund;
    }

    /// <summary>Records provider facts on the order (intent, shipment, receipt) without a move.</summary>
    public Order Annotate(Order order, Action<Order> change, string action)
    {
        var changed = order.Copy();
        change(changed);
        return Save(order, changed, action).Value!;
    }

    private Outcome<Order> Save(Order before, Order changed, string action)
    {
        changed.Version = checked(before.Version + 1);
        changed.UpdatedAt = clock.Now();
        session.Defer(Order.Save(changed));
        if (changed.Status != before.Status)
        {
            metrics.OnCommit(session, changed.Status);
        }
        audit.Record(changed.TenantId, action, "commerce_order", changed.Id.ToString(), OrderResponse.From(before, null), OrderResponse.From(changed, null));
        return changed;
    }

    private async Task MoveStockAsync(IReadOnlyList<OrderLine> lines, Func<string, Guid, long, DateTimeOffset, SqlStatement> change,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Variant order, as checkout locks them: two orders sharing variants never wait on each other in a cycle.
        var statements = lines.GroupBy(l => l.VariantId).OrderBy(g => g.Key)
            .Select(g => change(g.First().TenantId, g.Key, g.Sum(l => (long)l.Quantity), now)).ToList();
        var affected = await session.ExecuteAsync(statements, cancellationToken);
        if (affected.Any(count => count != 1))
        {
            throw new InvalidOperationException($"Stock of order {lines[0].OrderId} did not move as recorded: {string.Join(",", affected)} rows.");
        }
    }

    private void Mail(Order order, string kind)
    {
        if (order.ContactEmailToken is not null && email is not null)
        {
            jobs.Enqueue(order.TenantId, SendOrderEmailJob.JobType, new SendOrderEmailJob.Payload(order.Id, kind), ownerSubject: null);
        }
    }

    private static object StockAudit(IReadOnlyList<OrderLine> lines) =>
        new { lines = lines.Select(l => new { l.VariantId, l.Sku, l.Quantity }) };
}

/// <summary>The payload of the jobs that act on one order.</summary>
internal sealed record OrderJobPayload(Guid OrderId);
