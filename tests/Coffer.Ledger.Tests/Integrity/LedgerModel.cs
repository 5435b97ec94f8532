namespace Coffer.Ledger.Tests.Integrity;

/// <summary>
/// The test oracle: what the ledger must answer and hold, computed independently from the requests
/// and the ledger's documented rules.
/// </summary>
internal sealed class LedgerOracle
{
    public sealed class Account(Guid id, string currency, string? owner, bool allowNegative)
    {
        public Guid Id { get; } = id;
        public string Currency { get; } = currency;
        public string? Owner { get; } = owner;
        public bool AllowNegative { get; } = allowNegative;
        public long Posted { get; set; }
        public long PendingDebits { get; set; }
        public long PendingCredits { get; set; }
        public long Available => Posted - PendingDebits;
    }

    public sealed record Hold(Guid Id, Guid From, Guid To, long Amount, bool ShortLived)
    {
        public string Status { get; set; } = "pending";
    }

    public sealed record Movement(Guid Id, Guid From, Guid To, long Amount, bool IsReversal)
    {
        public bool Reversed { get; set; }
    }

    public Dictionary<Guid, Account> Accounts { get; } = [];
    public List<Hold> Holds { get; } = [];
    public List<Movement> Movements { get; } = [];

    public bool CanDebit(Guid id, long amount) => Accounts[id].AllowNegative || Accounts[id].Available >= amount;

    public void Post(Guid from, Guid to, long amount)
    {
        Accounts[from].Posted -= amount;
        Accounts[to].Posted += amount;
    }

    public void Reserve(Hold hold)
    {
        Accounts[hold.From].PendingDebits += hold.Amount;
        Accounts[hold.To].PendingCredits += hold.Amount;
        Holds.Add(hold);
    }

    public void Resolve(Hold hold, string status, long captured)
    {
        Accounts[hold.From].PendingDebits -= hold.Amount;
        Accounts[hold.To].PendingCredits -= hold.Amount;
        if (captured > 0)
        {
            Post(hold.From, hold.To, captured);
        }
        hold.Status = status;
    }
}
