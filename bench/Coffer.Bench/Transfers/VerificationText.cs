using System.Globalization;

namespace Coffer.Bench.Transfers;

/// <summary>The verification as the few lines printed under a run's result.</summary>
internal static class VerificationText
{
    public static string Describe(Verification v)
    {
        var statements = v.TransfersByStatements is { } s ? s.ToString(CultureInfo.InvariantCulture) : "skipped";
        var database = v.TransfersByDatabase is { } d ? d.ToString(CultureInfo.InvariantCulture) : "not asked (--db)";
        var lines = new List<string>
        {
            $"verify       wallets {v.WalletsFound}, deposited {v.DepositedMinor}, held {v.WalletPostedSumMinor}: {(v.MoneyConserved ? "conserved" : "NOT CONSERVED")}",
            $"             tenant debits - credits: posted {v.TenantPostedDebitsMinusCredits}, pending {v.TenantPendingDebitsMinusCredits}; negative wallets {v.NegativeWallets}",
            $"             transfers acknowledged by 201s (incl. warm-up) {v.TransfersCreated}, in requests of unknown outcome {v.UnknownOutcomes}; persisted by balances {v.TransfersByBalances}, by statements {statements}, in database {database}",
            v.Passed ? "             PASSED" : "             FAILED: " + string.Join("; ", v.Problems),
        };
        return string.Join(Environment.NewLine, lines);
    }
}
