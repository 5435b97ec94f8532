using Coffer.Ledger.Accounts;
using Coffer.Ledger.Posting;

namespace Coffer.Ledger.Tests.Unit;

public sealed class PostingRulesTests
{
    private static AccountSnapshot Account(
        long postedCredits = 0, long postedDebits = 0, long pendingCredits = 0, long pendingDebits = 0,
        bool allowNegative = false, string currency = "USD", string tenant = "acme", Guid? id = null)
    {
        var account = new AccountSnapshot
        {
            Id = id ?? Guid.NewGuid(),
            TenantId = tenant,
            OwnerId = allowNegative ? null : "owner",
            Kind = allowNegative ? AccountKinds.System : AccountKinds.Wallet,
            Currency = currency,
            AllowNegative = allowNegative,
            PostedCredits = postedCredits,
            PostedDebits = postedDebits,
            PendingCredits = pendingCredits,
            PendingDebits = pendingDebits,
        };
        account.MarkClean();
        return account;
    }

    private static (long PostedDebits, long PostedCredits, long PendingDebits, long PendingCredits) Totals(AccountSnapshot a) =>
        (a.PostedDebits, a.PostedCredits, a.PendingDebits, a.PendingCredits);

    // ---- Post ----

    [Fact]
    public void Post_SufficientFunds_MovesPostedTotalsOnBothSides()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();

        var failure = PostingRules.Post(debit, credit, 300);

        Assert.Null(failure);
        Assert.Equal((300L, 1_000L, 0L, 0L), Totals(debit));
        Assert.Equal((0L, 300L, 0L, 0L), Totals(credit));
        Assert.Equal(700, debit.Available);
        Assert.Equal(300, credit.Available);
    }

    [Fact]
    public void Post_ExactlyTheAvailableAmount_EmptiesTheWallet()
    {
        var debit = Account(postedCredits: 500, postedDebits: 200);
        var credit = Account();

        Assert.Null(PostingRules.Post(debit, credit, 300));
        Assert.Equal(0, debit.Available);
    }

    [Fact]
    public void Post_InsufficientFunds_ReturnsTheFailureAndChangesNothing()
    {
        var debit = Account(postedCredits: 1_000, postedDebits: 200, pendingCredits: 50, pendingDebits: 100);
        var credit = Account(postedCredits: 7, pendingCredits: 3);
        var debitBefore = Totals(debit);
        var creditBefore = Totals(credit);

        var failure = PostingRules.Post(debit, credit, 701);

        Assert.NotNull(failure);
        Assert.Equal("insufficient_funds", failure.Code);
        Assert.Equal(422, failure.Status);
        Assert.Equal(debit.Id, failure.Extensions["accountId"]);
        Assert.Equal(debitBefore, Totals(debit));
        Assert.Equal(creditBefore, Totals(credit));
        Assert.False(debit.Changed);
        Assert.False(credit.Changed);
    }

    [Fact]
    public void Post_PendingDebitsAreNotSpendable_ReturnsInsufficientFunds()
    {
        var debit = Account(postedCredits: 100, pendingDebits: 60);

        var failure = PostingRules.Post(debit, Account(), 50);

        Assert.Equal("insufficient_funds", failure?.Code);
    }

    [Fact]
    public void Post_PendingCreditsAreNotSpendable_ReturnsInsufficientFunds()
    {
        var debit = Account(postedCredits: 10, pendingCredits: 1_000);

        var failure = PostingRules.Post(debit, Account(), 11);

        Assert.Equal("insufficient_funds", failure?.Code);
    }

    [Fact]
    public void Post_FromAllowNegativeAccount_GoesBelowZero()
    {
        var clearing = Account(allowNegative: true);
        var wallet = Account();

        var failure = PostingRules.Post(clearing, wallet, 5_000);

        Assert.Null(failure);
        Assert.Equal(-5_000, clearing.Available);
        Assert.Equal(5_000, wallet.Available);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Post_NonPositiveAmount_ThrowsInvariantException(long amount)
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();

        Assert.Throws<LedgerInvariantException>(() => PostingRules.Post(debit, credit, amount));
        Assert.False(debit.Changed);
        Assert.False(credit.Changed);
    }

    [Fact]
    public void Post_SameAccountOnBothSides_ThrowsInvariantException()
    {
        var account = Account(postedCredits: 1_000);
        var sameId = Account(postedCredits: 1_000, id: account.Id);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.Post(account, sameId, 10));
    }

    [Fact]
    public void Post_DifferentCurrencies_ThrowsInvariantException()
    {
        Assert.Throws<LedgerInvariantException>(() =>
            PostingRules.Post(Account(postedCredits: 1_000), Account(currency: "EUR"), 10));
    }

    [Fact]
    public void Post_DifferentTenants_ThrowsInvariantException()
    {
        Assert.Throws<LedgerInvariantException>(() =>
            PostingRules.Post(Account(postedCredits: 1_000), Account(tenant: "globex"), 10));
    }

    [Fact]
    public void Post_CreditTotalWouldOverflow_ReturnsBalanceLimitExceededAndChangesNothing()
    {
        var debit = Account(allowNegative: true);
        var credit = Account(postedCredits: long.MaxValue - 10);

        var failure = PostingRules.Post(debit, credit, 11);

        Assert.Equal("balance_limit_exceeded", failure?.Code);
        Assert.Equal(422, failure?.Status);
        Assert.False(debit.Changed);
        Assert.False(credit.Changed);
    }

    [Fact]
    public void Post_CreditTotalReachesExactlyLongMaxValue_Succeeds()
    {
        var debit = Account(allowNegative: true);
        var credit = Account(postedCredits: long.MaxValue - 10);

        Assert.Null(PostingRules.Post(debit, credit, 10));
        Assert.Equal(long.MaxValue, credit.PostedCredits);
    }

    [Fact]
    public void Post_DebitTotalWouldOverflow_ReturnsBalanceLimitExceeded()
    {
        var debit = Account(postedDebits: long.MaxValue - 5, allowNegative: true);

        var failure = PostingRules.Post(debit, Account(), 6);

        Assert.Equal("balance_limit_exceeded", failure?.Code);
        Assert.Equal(long.MaxValue - 5, debit.PostedDebits);
    }

    [Fact]
    public void Post_PostedPlusPendingCreditsWouldOverflow_ReturnsBalanceLimitExceeded()
    {
        // A later capture moves pending into posted, so posted + pending must stay representable.
        var credit = Account(postedCredits: long.MaxValue / 2, pendingCredits: long.MaxValue / 2);

        var failure = PostingRules.Post(Account(allowNegative: true), credit, 2);

        Assert.Equal("balance_limit_exceeded", failure?.Code);
    }

    [Fact]
    public void Post_IntoAccountWithANegativeTotal_ThrowsInvariantException()
    {
        var corrupt = Account(pendingCredits: -1);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.Post(Account(postedCredits: 100), corrupt, 10));
    }

    [Fact]
    public void Post_IntoAnOverdrawnWallet_ThrowsInvariantException()
    {
        // Can only exist if a bug already overdrew it: the assertion must catch it on the next write.
        var overdrawn = Account(postedDebits: 100);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.Post(Account(postedCredits: 100), overdrawn, 10));
    }

    // ---- Reserve ----

    [Fact]
    public void Reserve_SufficientFunds_ReservesPendingOnBothSidesAndLeavesPostedAlone()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();

        var failure = PostingRules.Reserve(debit, credit, 300);

        Assert.Null(failure);
        Assert.Equal((0L, 1_000L, 300L, 0L), Totals(debit));
        Assert.Equal((0L, 0L, 0L, 300L), Totals(credit));
        Assert.Equal(700, debit.Available);
        Assert.Equal(0, credit.Available);
    }

    [Fact]
    public void Reserve_InsufficientFunds_ReturnsTheFailureAndChangesNothing()
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 800);
        var credit = Account();

        var failure = PostingRules.Reserve(debit, credit, 201);

        Assert.Equal("insufficient_funds", failure?.Code);
        Assert.Equal((0L, 1_000L, 800L, 0L), Totals(debit));
        Assert.Equal((0L, 0L, 0L, 0L), Totals(credit));
    }

    [Fact]
    public void Reserve_FromAllowNegativeAccount_Succeeds()
    {
        var debit = Account(allowNegative: true);

        Assert.Null(PostingRules.Reserve(debit, Account(), 40));
        Assert.Equal(-40, debit.Available);
    }

    [Fact]
    public void Reserve_PendingCreditsWouldOverflow_ReturnsBalanceLimitExceeded()
    {
        var credit = Account(pendingCredits: long.MaxValue - 1);

        var failure = PostingRules.Reserve(Account(allowNegative: true), credit, 2);

        Assert.Equal("balance_limit_exceeded", failure?.Code);
        Assert.Equal(long.MaxValue - 1, credit.PendingCredits);
    }

    [Fact]
    public void Reserve_ZeroAmount_ThrowsInvariantException()
    {
        Assert.Throws<LedgerInvariantException>(() => PostingRules.Reserve(Account(postedCredits: 10), Account(), 0));
    }

    [Fact]
    public void Reserve_DifferentCurrencies_ThrowsInvariantException()
    {
        Assert.Throws<LedgerInvariantException>(() => PostingRules.Reserve(Account(postedCredits: 10), Account(currency: "GBP"), 1));
    }

    // ---- PostPending ----

    [Fact]
    public void PostPending_FullAmount_MovesTheReservationToPosted()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();
        PostingRules.Reserve(debit, credit, 300);

        PostingRules.PostPending(debit, credit, pendingAmount: 300, postAmount: 300);

        Assert.Equal((300L, 1_000L, 0L, 0L), Totals(debit));
        Assert.Equal((0L, 300L, 0L, 0L), Totals(credit));
    }

    [Fact]
    public void PostPending_PartialAmount_PostsThePartAndReleasesTheRest()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();
        PostingRules.Reserve(debit, credit, 300);

        PostingRules.PostPending(debit, credit, pendingAmount: 300, postAmount: 100);

        Assert.Equal((100L, 1_000L, 0L, 0L), Totals(debit));
        Assert.Equal((0L, 100L, 0L, 0L), Totals(credit));
        Assert.Equal(900, debit.Available);
    }

    [Fact]
    public void PostPending_LeavesOtherReservationsInPlace()
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 500);
        var credit = Account(pendingCredits: 500);

        PostingRules.PostPending(debit, credit, pendingAmount: 200, postAmount: 150);

        Assert.Equal((150L, 1_000L, 300L, 0L), Totals(debit));
        Assert.Equal((0L, 150L, 0L, 300L), Totals(credit));
    }

    [Fact]
    public void PostPending_MoreThanPending_ThrowsAndChangesNothing()
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 300);
        var credit = Account(pendingCredits: 300);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.PostPending(debit, credit, pendingAmount: 300, postAmount: 301));
        Assert.Equal((0L, 1_000L, 300L, 0L), Totals(debit));
        Assert.Equal((0L, 0L, 0L, 300L), Totals(credit));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void PostPending_NonPositiveAmount_Throws(long postAmount)
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 300);
        var credit = Account(pendingCredits: 300);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.PostPending(debit, credit, 300, postAmount));
    }

    [Fact]
    public void PostPending_NothingPendingOnTheDebitSide_Throws()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account(pendingCredits: 300);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.PostPending(debit, credit, 300, 300));
        Assert.Equal(300, credit.PendingCredits);
    }

    [Fact]
    public void PostPending_NothingPendingOnTheCreditSide_Throws()
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 300);
        var credit = Account();

        Assert.Throws<LedgerInvariantException>(() => PostingRules.PostPending(debit, credit, 300, 300));
        Assert.Equal(300, debit.PendingDebits);
    }

    // ---- VoidPending ----

    [Fact]
    public void VoidPending_ReleasesTheReservationWithoutMovingMoney()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();
        PostingRules.Reserve(debit, credit, 300);

        PostingRules.VoidPending(debit, credit, 300);

        Assert.Equal((0L, 1_000L, 0L, 0L), Totals(debit));
        Assert.Equal((0L, 0L, 0L, 0L), Totals(credit));
        Assert.Equal(1_000, debit.Available);
    }

    [Fact]
    public void VoidPending_Twice_ThrowsOnTheSecond()
    {
        var debit = Account(postedCredits: 1_000);
        var credit = Account();
        PostingRules.Reserve(debit, credit, 300);
        PostingRules.VoidPending(debit, credit, 300);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.VoidPending(debit, credit, 300));
        Assert.Equal((0L, 1_000L, 0L, 0L), Totals(debit));
    }

    [Fact]
    public void VoidPending_MoreThanPending_Throws()
    {
        var debit = Account(postedCredits: 1_000, pendingDebits: 100);
        var credit = Account(pendingCredits: 100);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.VoidPending(debit, credit, 101));
        Assert.Equal(100, debit.PendingDebits);
        Assert.Equal(100, credit.PendingCredits);
    }

    [Fact]
    public void VoidPending_OnAnOverdrawnWallet_ThrowsInvariantException()
    {
        var debit = Account(postedDebits: 50, pendingDebits: 10);
        var credit = Account(pendingCredits: 10);

        Assert.Throws<LedgerInvariantException>(() => PostingRules.VoidPending(debit, credit, 10));
    }

    // ---- Deltas the store writes ----

    [Fact]
    public void Delta_AfterPostings_IsTheChangeSinceMarkClean()
    {
        var debit = Account(postedCredits: 1_000, postedDebits: 100);
        var credit = Account(postedCredits: 5);

        PostingRules.Post(debit, credit, 200);
        PostingRules.Reserve(debit, credit, 50);

        Assert.True(debit.Changed);
        Assert.Equal((200L, 0L, 50L, 0L), debit.Delta);
        Assert.Equal((0L, 200L, 0L, 50L), credit.Delta);
        debit.MarkClean();
        Assert.False(debit.Changed);
        Assert.Equal((0L, 0L, 0L, 0L), debit.Delta);
    }
}
