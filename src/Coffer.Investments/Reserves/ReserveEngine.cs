using Coffer.Investments.Observability;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Investments.Reserves;

/// <summary>What an approved release carries from the run that proposed it to its execution.</summary>
internal sealed record ReserveReleasePayload(Guid RunId, Guid ProductId, long Amount, string Currency);

/// <summary>A test seam: awaited after the product's lock is taken (lets a test hold a run past its timeout). Absent in production.</summary>
internal sealed class ReserveRunProbe(Func<CancellationToken, Task> afterLock)
{
    public Task AfterLockAsync(CancellationToken cancellationToken) => afterLock(cancellationToken);
}

/// <summary>
/// The reserves engine, one product per run, inside the caller's open transaction. The run takes the product's row lock
/// without waiting (PostgreSQL <c>FOR UPDATE NOWAIT</c>; SQLite's single writer serializes whole transactions), so two runs of
/// one product never interleave: the loser is answered 409 <c>run_in_progress</c> and counted in
/// <c>coffer_fund_lock_conflicts_total</c>. Under the lock it reads outstanding principal (the custody balance) and the reserve
/// held, and requires <c>floor(ratio × outstanding)</c>:
/// <list type="bullet">
/// <item>held &lt; required: tops the reserve up from the product's dividend pool (issuer money; it may go negative, owed by the
/// issuer) — never from custody, which is investors' principal;</item>
/// <item>held &gt; required: releases the excess back to the dividend pool, if the approval gate lets it (otherwise the release
/// waits for approval and <see cref="ReserveReleaseOperation"/> executes it);</item>
/// <item>equal, or a release still awaiting approval: nothing.</item>
/// </list>
/// Every movement's reference is <c>reserve:&lt;runId&gt;:topup|release</c>, so it posts once.
/// </summary>
internal sealed class ReserveEngine(
    DbSession session, IMoneyMover money, IApprovalGate gate, AuditTrail audit, RecordClock clock, InvestmentSettings settings,
    InvestmentMetrics metrics, TimeProvider timeProvider, ReserveRunProbe? probe = null)
{
    public const string TopUpCode = "reserve_topup";
    public const string ReleaseCode = "reserve_release";

    /// <summary>floor(ratio × outstanding principal); a non-positive custody balance requires nothing.</summary>
    public static long RequiredReserve(decimal ratio, long outstanding) =>
        ratio is < 0 or > 1 ? throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "A reserve ratio is 0 to 1.")
            : outstanding <= 0 ? 0 : checked((long)decimal.Floor(ratio * outstanding));

    public static string Reference(Guid runId, string step) => $"reserve:{runId}:{step}";

    /// <param name="trigger"><c>api</c> or <c>schedule</c>: a metric label.</param>
    public async Task<Outcome<ReserveRun>> RunAsync(
        string tenantId, Guid productId, string triggeredBy, string trigger, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ReserveRunTimeout);
        var outcome = "failed";
        try
        {
            var run = await RunLockedAsync(tenantId, productId, triggeredBy, timeout.Token);
            outcome = run.IsSuccess ? run.Value.Action : run.Failure.Code == ReserveFailures.RunInProgressCode ? "conflict" : "failed";
            return run;
        }
        catch (Exception failure) when (failure is OperationCanceledException or DbFailureException
            && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = "timeout";
            metrics.ReserveRunTimedOut(trigger);
            return ReserveFailures.RunTimedOut(settings.ReserveRunTimeout);
        }
        finally
        {
            metrics.ReserveRunEnded(trigger, outcome, timeProvider.GetElapsedTime(started));
        }
    }

    private async Task<Outcome<ReserveRun>> RunLockedAsync(string tenantId, Guid productId, string triggeredBy, CancellationToken cancellationToken)
    {
        var startedAt = clock.Now();
        Product? product;
        try
        {
            product = (await session.QueryAsync(LockNoWait(tenantId, productId), Product.Read, cancellationToken)).SingleOrDefault();
        }
        catch (DbFailureException failure) when (failure.Kind == DbFailureKind.LockTimeout)
        {
            return ReserveFailures.RunInProgress(productId); // counted by the session as a lock conflict of this operation
        }
        if (product is null)
        {
            return Failure.NotFound("product");
        }
        if (product.ReserveRatio is not { } ratio)
        {
            return ReserveFailures.NoReservePolicy(productId);
        }
        if (probe is not null)
        {
            await probe.AfterLockAsync(cancellationToken);
        }
        var outstanding = await money.SystemBalanceAsync(tenantId, product.Currency, ProductAccounts.Code(ProductAccounts.CustodyKind, productId), cancellationToken);
        var held = await money.SystemBalanceAsync(tenantId, product.Currency, ProductAccounts.Code(ProductAccounts.ReserveKind, productId), cancellationToken);
        var run = new ReserveRun
        {
            Id = clock.NewId(startedAt),
            TenantId = tenantId,
            ProductId = productId,
            Currency = product.Currency,
            Ratio = ratio,
            Outstanding = outstanding,
            Required = RequiredReserve(ratio, outstanding),
            Held = held,
            Action = ReserveActions.None,
            Status = ReserveRunStatuses.Completed,
            TriggeredBy = triggeredBy,
            StartedAt = startedAt,
        };
        var decided = run.Held < run.Required ? await TopUpAsync(run, cancellationToken)
            : run.Held > run.Required ? await ReleaseAsync(run, cancellationToken)
            : null;
        if (decided is not null)
        {
            return decided;
        }
        run.FinishedAt = clock.Now();
        session.Defer(ReserveRun.Insert(run));
        audit.Record(tenantId, "reserve.run", "investment_product", productId.ToString(), before: null, after: ReserveRunResponse.From(run));
        return run;
    }

    private async Task<Failure?> TopUpAsync(ReserveRun run, CancellationToken cancellationToken)
    {
        (run.Action, run.Amount) = (ReserveActions.TopUp, checked(run.Required - run.Held));
        var moved = await money.MoveAsync(run.TenantId,
            [new MoneyMovement(ProductAccounts.DividendPool(run.ProductId), ProductAccounts.Reserve(run.ProductId), run.Amount, run.Currency,
                Reference(run.Id, "topup"), TopUpCode, $"Reserve top-up of product {run.ProductId}")], cancellationToken);
        if (!moved.IsSuccess)
        {
            return moved.Failure;
        }
        run.TransferId = moved.Value[0].TransferId;
        return null;
    }

    private async Task<Failure?> ReleaseAsync(ReserveRun run, CancellationToken cancellationToken)
    {
        // One proposal at a time: while a release waits for approval, later runs do not propose another (expired ones no longer
        // count). One whose approval was rejected (or expired early) is settled as not released, and a new one may be proposed.
        foreach (var open in await session.QueryAsync(ReserveRun.OpenRelease(run.TenantId, run.ProductId, clock.Now()), ReserveRun.Read,
                     cancellationToken))
        {
            var status = await gate.StatusOfAsync(run.TenantId, open.ApprovalId!.Value, cancellationToken);
            if (status is not ("rejected" or "expired"))
            {
                return null;
            }
            await session.ExecuteAsync([ReserveRun.MarkNotReleased(run.TenantId, open.Id)], cancellationToken);
        }
        var amount = checked(run.Held - run.Required);
        var approval = await gate.RequireAsync(new ApprovalAsk(run.TenantId, ApprovalOperations.ReserveRelease, amount, run.Currency,
            new ReserveReleasePayload(run.Id, run.ProductId, amount, run.Currency), run.TriggeredBy, run.ProductId.ToString()),
            cancellationToken);
        run.Amount = amount;
        if (approval is not null)
        {
            (run.Action, run.Status, run.ApprovalId, run.ApprovalExpiresAt) =
                (ReserveActions.ReleasePending, ReserveRunStatuses.PendingApproval, approval.ApprovalId, approval.ExpiresAt);
            return null;
        }
        run.Action = ReserveActions.Release;
        var moved = await MoveReleaseAsync(money, run.TenantId, run.Id, run.ProductId, amount, run.Currency, cancellationToken);
        if (!moved.IsSuccess)
        {
            return moved.Failure;
        }
        run.TransferId = moved.Value;
        return null;
    }

    /// <summary>The release movement, reserve → dividend pool, shared with the approved path: one reference per run.</summary>
    public static async Task<Outcome<Guid>> MoveReleaseAsync(
        IMoneyMover money, string tenantId, Guid runId, Guid productId, long amount, string currency, CancellationToken cancellationToken)
    {
        var moved = await money.MoveAsync(tenantId,
            [new MoneyMovement(ProductAccounts.Reserve(productId), ProductAccounts.DividendPool(productId), amount, currency,
                Reference(runId, "release"), ReleaseCode, $"Reserve release of product {productId}")], cancellationToken);
        return moved.IsSuccess ? moved.Value[0].TransferId : moved.Failure;
    }

    private SqlStatement LockNoWait(string tenantId, Guid productId) => SqlStatement.Tagged("investment_products.lock_for_reserves",
        $"SELECT {Product.Columns} FROM investment_products WHERE tenant_id = @tenant AND id = @id"
        + (session.Provider == DatabaseProvider.Postgres ? " FOR UPDATE NOWAIT" : ""),
        ("tenant", tenantId), ("id", productId));
}

internal static class ReserveFailures
{
    public const string RunInProgressCode = "run_in_progress";

    public static Failure RunInProgress(Guid productId) => new Failure(409, RunInProgressCode, "Reserve run in progress",
        "Another reserves-engine run holds this product; retry with a new Idempotency-Key once it has finished.").With("productId", productId);

    public static Failure NoReservePolicy(Guid productId) => new Failure(422, "no_reserve_policy", "No reserve policy",
        "The product has no reserve policy; set one with PUT …/reserve-policy first.").With("productId", productId);

    public static Failure RunTimedOut(TimeSpan timeout) => new Failure(503, "reserve_run_timeout", "Reserve run timed out",
        $"The run took longer than {timeout.TotalMilliseconds:0} ms and was rolled back; nothing moved. Retry later.");
}
