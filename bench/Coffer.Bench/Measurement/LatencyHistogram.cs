namespace Coffer.Bench.Measurement;

/// <summary>
/// A log-linear latency histogram in microseconds, in the manner of HdrHistogram: values below 256 µs
/// are kept exactly; above, every power of two is split into 128 equal buckets, so any percentile is
/// within 0.8 % of the true value. Fixed memory (a few thousand counters), O(1) record. Not thread-safe:
/// each worker keeps its own and they are merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactLimit = 256;          // values 0..255 µs have a bucket each
    private const int SubBucketBits = 7;         // 128 buckets per power of two above that
    private const int SubBuckets = 1 << SubBucketBits;
    private const int MaxExponent = 40;          // 2^40 µs ≈ 12.7 days: beyond any timeout

    private readonly long[] _counts = new long[ExactLimit + (MaxExponent - 8 + 1) * SubBuckets];

    public long Count { get; private set; }
    public long MaxMicroseconds { get; private set; }
    public long MinMicroseconds { get; private set; } = long.MaxValue;
    private double _sumMicroseconds;

    public double MeanMicroseconds => Count == 0 ? 0 : _sumMicroseconds / Count;

    public void Record(long microseconds)
    {
        microseconds = Math.Clamp(microseconds, 0, (1L << MaxExponent) - 1);
        _counts[IndexOf(microseconds)]++;
        Count++;
        _sumMicroseconds += microseconds;
        MaxMicroseconds = Math.Max(MaxMicroseconds, microseconds);
        MinMicroseconds = Math.Min(MinMicroseconds, microseconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        _sumMicroseconds += other._sumMicroseconds;
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
        MinMicroseconds = Math.Min(MinMicroseconds, other.MinMicroseconds);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the samples lie (0 when empty).</summary>
    public long PercentileMicroseconds(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(MidpointOf(i), MaxMicroseconds);
            }
        }
        return MaxMicroseconds;
    }

    private static int IndexOf(long value)
    {
        if (value < ExactLimit)
        {
            return (int)value;
        }
        var exponent = 63 - (int)long.LeadingZeroCount(value); // 8 and up
        var shift = exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;              // 0..127
        return ExactLimit + (exponent - 8) * SubBuckets + sub;
    }

    private static long MidpointOf(int index)
    {
        if (index < ExactLimit)
        {
            return index;
        }
        var exponent = (index - ExactLimit) / SubBuckets + 8;
        var sub = (index - ExactLimit) % SubBuckets + SubBuckets;
        var shift = exponent - SubBucketBits;
        var low = (long)sub << shift;
        return low + ((1L << shift) >> 1);
    }
}
