using Coffer.FakeProvider;

namespace Coffer.Chaos.Verification;

/// <summary>
/// Money left once, and only for what Coffer settled as paid: every withdrawal Coffer marked paid was paid by the provider
/// (whose key is the withdrawal id), none it marked failed (funds released) was, and the provider paid nothing Coffer does not
/// know. Payouts the provider made for a withdrawal Coffer released are money paid twice: <c>duplicated</c>.
/// </summary>
internal static class ProviderCheck
{
    public static void Check(FakeCalls calls, LedgerSnapshot snapshot, Findings findings)
    {
        // The fake acts on a key at its first call in mode succeed or delay (a delayed call pays even when the client gave up).
        var paidByProvider = calls.Payouts.Calls.Where(c => c.IdempotencyKey is not null && c.Mode is FakeBehaviour.SucceedMode or FakeBehaviour.DelayMode)
            .Select(c => c.IdempotencyKey!).ToHashSet();
        if (paidByProvider.Count != calls.Payouts.Created)
        {
            findings.Add("payouts", $"the provider made {calls.Payouts.Created} payouts but was called in a paying mode for {paidByProvider.Count} keys");
        }
        foreach (var withdrawal in snapshot.Withdrawals.Values)
        {
            var paid = paidByProvider.Contains(withdrawal.Id.ToString());
            if (withdrawal.Status == "paid" && !paid)
            {
                findings.Add("payouts", $"withdrawal {withdrawal.Id} is paid in Coffer, but the provider never paid it");
            }
            else if (withdrawal.Status == "failed" && paid)
            {
                findings.Add(FindingKinds.Duplicated, $"withdrawal {withdrawal.Id} was paid by the provider, but Coffer released its funds");
            }
        }
        foreach (var key in paidByProvider.Where(k => !Guid.TryParse(k, out var id) || !snapshot.Withdrawals.ContainsKey(id)))
        {
            findings.Add(FindingKinds.Duplicated, $"the provider paid key {key}, which is no withdrawal of Coffer's");
        }
    }
}
