namespace Coffer.Bench.Workloads;

/// <summary>
/// Ids of transfers that exist, for GET /transfers/{id} in the mixed scenario: the seeding's deposits first, then the
/// transfers the run creates, in a fixed-size ring (newer ids overwrite the oldest). Lock-free: a reader may see an id
/// a moment old, which is as good as any for a read.
/// </summary>
internal sealed class TransferIdPool
{
    private readonly Guid[] _ring;
    private long _written;

    public TransferIdPool(IReadOnlyCollection<Guid> initial, int capacity = 65_536)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (initial.Count == 0)
        {
            throw new ArgumentException("The pool starts with at least one id (the seeding's deposits).", nameof(initial));
        }
        _ring = new Guid[capacity];
        foreach (var id in initial)
        {
            Add(id);
        }
    }

    public void Add(Guid id)
    {
        var slot = Interlocked.Increment(ref _written) - 1;
        _ring[slot % _ring.Length] = id;
    }

    /// <summary>A uniformly random id among those held.</summary>
    public Guid Pick(Random random)
    {
        var held = (int)Math.Min(Interlocked.Read(ref _written), _ring.Length);
        var id = _ring[random.Next(held)];
        // A slot claimed by a concurrent Add but not yet written is still empty; the first id is always there.
        return id != Guid.Empty ? id : _ring[0];
    }
}
