namespace Coffer.Chaos.Workload;

/// <summary>
/// Turns a planned operation into its requests and sends them through the retrying client: who calls, which path, which
/// body, which Idempotency-Key. Each request has a key of its own, derived from the seed, the operation and the step, and
/// doubling as the description the server stores, so the checks can count each key's effects in the database.
/// </summary>
internal sealed class OperationExecutor(int seed, ChaosParties parties, RetryingClient client, TimeSpan retryLimit)
{
    private static readonly TimeSpan ReplayWaitLimit = TimeSpan.FromSeconds(30);

    public async Task RunAsync(OperationRecord record, IReadOnlyList<OperationRecord> all, Random random, CancellationToken cancellationToken)
    {
        record.Started = true;
        var plan = record.Plan;
        if (plan.Kind == OperationKind.Replay)
        {
            await ReplayAsync(record, all[plan.ReplayOf], random, cancellationToken);
            record.MarkSettled();
            return;
        }
        if (plan.Kind == OperationKind.Redeem)
        {
            await RedeemAsync(record, all[plan.ReplayOf], random, cancellationToken);
            record.MarkSettled();
            return;
        }
        if (plan.Kind == OperationKind.CancelOrder)
        {
            await CancelOrderAsync(record, all[plan.ReplayOf], random, cancellationToken);
            record.MarkSettled();
            return;
        }
        record.First = FirstRequest(plan);
        record.FirstOutcome = await client.SendAsync(record.First, random, retryLimit, cancellationToken);
        if (plan.Kind == OperationKind.Invest && record.Acknowledged)
        {
            await ExecuteInvestmentAsync(record, random, cancellationToken); // settled once executed: a redemption waits for it
        }
        record.MarkSettled();
        if (plan.Kind is OperationKind.HoldCapture or OperationKind.HoldVoid && record.Acknowledged)
        {
            await ResolveHoldAsync(record, random, cancellationToken);
        }
        if (plan.Kind == OperationKind.CheckoutCancel && record.Acknowledged)
        {
            await CancelAtOnceAsync(record, random, cancellationToken);
        }
    }

    /// <summary>The buyer cancels the order it has just checked out (its checkout was acknowledged).</summary>
    public async Task CancelAtOnceAsync(OperationRecord record, Random random, CancellationToken cancellationToken)
    {
        var orderId = record.FirstOutcome!.Id("id") ?? throw new InvalidOperationException($"The order of {record.First} has no id.");
        record.Second = CancelRequest(record.Plan, orderId);
        record.SecondOutcome = await client.SendAsync(record.Second, random, retryLimit, cancellationToken);
    }

    /// <summary>
    /// The buyer cancels the order of <paramref name="checkout"/> once its checkout was acknowledged (waited for up to 30 s);
    /// otherwise nothing is sent (an order refused for stock or funds does not exist).
    /// </summary>
    private async Task CancelOrderAsync(OperationRecord cancel, OperationRecord checkout, Random random, CancellationToken cancellationToken)
    {
        if (!checkout.Started || await Task.WhenAny(checkout.Settled, Task.Delay(ReplayWaitLimit, cancellationToken)) != checkout.Settled
            || !checkout.Acknowledged || checkout.FirstOutcome!.Id("id") is not { } orderId)
        {
            return;
        }
        cancel.First = CancelRequest(cancel.Plan, orderId);
        cancel.FirstOutcome = await client.SendAsync(cancel.First, random, retryLimit, cancellationToken);
    }

    private ApiRequest CancelRequest(PlannedOperation plan, Guid orderId) =>
        ApiRequest.Post(plan.KeyOf(seed, "cancel"), $"/api/v1/commerce/orders/{orderId}/transitions", parties.Customer(parties.Wallets[plan.From]),
            new { status = "cancelled" });

    /// <summary>The investment's owner executes it (it was placed: its creation was acknowledged).</summary>
    public async Task ExecuteInvestmentAsync(OperationRecord record, Random random, CancellationToken cancellationToken)
    {
        var investmentId = record.FirstOutcome!.Id("id") ?? throw new InvalidOperationException($"The investment of {record.First} has no id.");
        record.Second = ApiRequest.Post(record.Plan.KeyOf(seed, "execute"), $"/api/v1/investment/investments/{investmentId}/execute",
            parties.Customer(parties.Wallets[record.Plan.From]), new { });
        record.SecondOutcome = await client.SendAsync(record.Second, random, retryLimit, cancellationToken);
    }

    /// <summary>
    /// Redeems the investment of <paramref name="investment"/> once its execution was acknowledged and it reads active (polled
    /// for up to 30 s); otherwise nothing is sent (an investment that failed, or is still executing, is not redeemable).
    /// </summary>
    private async Task RedeemAsync(OperationRecord redeem, OperationRecord investment, Random random, CancellationToken cancellationToken)
    {
        if (!investment.Started || await Task.WhenAny(investment.Settled, Task.Delay(ReplayWaitLimit, cancellationToken)) != investment.Settled
            || investment.SecondOutcome?.Kind != OutcomeKind.Succeeded || investment.FirstOutcome!.Id("id") is not { } id)
        {
            return;
        }
        var owner = parties.Customer(parties.Wallets[investment.Plan.From]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < ReplayWaitLimit && !cancellationToken.IsCancellationRequested)
        {
            var body = await client.TryGetAsync($"/api/v1/investment/investments/{id}", owner, random, cancellationToken);
            var status = body is null ? null : new ApiOutcome(OutcomeKind.Succeeded, 200, body, false, 1).Text("status");
            if (status == "active")
            {
                redeem.First = ApiRequest.Post(redeem.Plan.KeyOf(seed, "redeem"), $"/api/v1/investment/investments/{id}/redeem", owner, new { });
                redeem.FirstOutcome = await client.SendAsync(redeem.First, random, retryLimit, cancellationToken);
                return;
            }
            if (status is not (null or "executing"))
            {
                return; // failed (for funds), or already redeemed by another operation
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
    }

    /// <summary>Sends the hold's capture or void (the hold exists: its creation was acknowledged).</summary>
    public async Task ResolveHoldAsync(OperationRecord record, Random random, CancellationToken cancellationToken)
    {
        var holdId = record.FirstOutcome!.Id("id") ?? throw new InvalidOperationException($"The hold of {record.First} has no id.");
        record.Second = SecondRequest(record.Plan, holdId);
        record.SecondOutcome = await client.SendAsync(record.Second, random, retryLimit, cancellationToken);
    }

    /// <summary>Sends a request whose outcome is unknown again, with its key, until definitive (after the faults).</summary>
    public Task<ApiOutcome> ResendAsync(ApiRequest request, Random random, TimeSpan limit) =>
        client.SendAsync(request, random, limit, CancellationToken.None);

    private async Task ReplayAsync(OperationRecord replay, OperationRecord original, Random random, CancellationToken cancellationToken)
    {
        if (!original.Started || await Task.WhenAny(original.Settled, Task.Delay(ReplayWaitLimit, cancellationToken)) != original.Settled
            || original.FirstOutcome is not { Kind: not OutcomeKind.Unknown } answer)
        {
            replay.Verdict = ReplayVerdict.Skipped;
            return;
        }
        replay.First = original.First;
        replay.ReplayOutcome = await client.SendAsync(original.First!, random, retryLimit, cancellationToken);
        replay.Verdict = replay.ReplayOutcome.Kind != OutcomeKind.Unknown && replay.ReplayOutcome.Replayed
            && replay.ReplayOutcome.Status == answer.Status && replay.ReplayOutcome.Body == answer.Body
            ? ReplayVerdict.Same
            : replay.ReplayOutcome.Kind == OutcomeKind.Unknown ? ReplayVerdict.Skipped : ReplayVerdict.Different;
    }

    private ApiRequest FirstRequest(PlannedOperation plan)
    {
        var wallets = parties.Wallets;
        switch (plan.Kind)
        {
            case OperationKind.Deposit:
            {
                var to = wallets[plan.To];
                var key = plan.KeyOf(seed, "deposit");
                return ApiRequest.Post(key, "/api/v1/deposits", parties.Operator(to.Tenant),
                    new { accountId = to.Id, amount = plan.Amount, currency = to.Currency, externalReference = key, description = key });
            }
            case OperationKind.Transfer:
            {
                var (from, to) = (wallets[plan.From], wallets[plan.To]);
                var key = plan.KeyOf(seed, "transfer");
                return ApiRequest.Post(key, "/api/v1/transfers", parties.Customer(from),
                    new { fromAccountId = from.Id, toAccountId = to.Id, amount = plan.Amount, currency = from.Currency, description = key });
            }
            case OperationKind.HoldCapture or OperationKind.HoldVoid:
            {
                var (from, to) = (wallets[plan.From], wallets[plan.To]);
                var key = plan.KeyOf(seed, "hold");
                return ApiRequest.Post(key, "/api/v1/holds", parties.Customer(from),
                    new { fromAccountId = from.Id, toAccountId = to.Id, amount = plan.Amount, currency = from.Currency, expiresInSeconds = 86_400, description = key });
            }
            case OperationKind.Withdrawal:
            {
                var from = wallets[plan.From];
                return ApiRequest.Post(plan.KeyOf(seed, "withdrawal"), "/api/v1/withdrawals", parties.Customer(from),
                    new { accountId = from.Id, amount = plan.Amount, currency = from.Currency, destination = new { accountNumber = $"GB29NWBK{60161331926800 + plan.Number}" } });
            }
            case OperationKind.Invest:
            {
                var from = wallets[plan.From];
                return ApiRequest.Post(plan.KeyOf(seed, "invest"), "/api/v1/investment/investments", parties.Customer(from),
                    new { productId = parties.Products[from.Tenant], accountId = from.Id, amount = plan.Amount });
            }
            case OperationKind.Dividend:
            {
                var tenant = wallets[plan.From].Tenant;
                var key = plan.KeyOf(seed, "dividend");
                return ApiRequest.Post(key, $"/api/v1/investment/products/{parties.Products[tenant]}/dividends", parties.Operator(tenant),
                    new { totalAmount = plan.Amount, currency = wallets[plan.From].Currency, reference = key });
            }
            case OperationKind.Checkout or OperationKind.CheckoutCancel:
            {
                var from = wallets[plan.From];
                return ApiRequest.Post(plan.KeyOf(seed, "checkout"), "/api/v1/commerce/orders", parties.Customer(from),
                    new
                    {
                        items = plan.Items!.Select(i => new { variantId = parties.Variants[i.Variant].Id, quantity = i.Quantity }),
                        payment = new { method = "wallet", accountId = from.Id },
                    });
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(plan), plan.Kind, "A replay, a redemption or a cancellation has no request of its own.");
        }
    }

    /// <summary>The payee's owner captures; an operator voids.</summary>
    private ApiRequest SecondRequest(PlannedOperation plan, Guid holdId)
    {
        var to = parties.Wallets[plan.To];
        return plan.Kind == OperationKind.HoldCapture
            ? ApiRequest.Post(plan.KeyOf(seed, "capture"), $"/api/v1/holds/{holdId}/capture", parties.Customer(to), new { amount = plan.CaptureAmount })
            : ApiRequest.Post(plan.KeyOf(seed, "void"), $"/api/v1/holds/{holdId}/void", parties.Operator(to.Tenant), new { });
    }
}
