using Coffer.Platform.Time;

namespace Coffer.Platform.Tests.Unit;

public sealed class RecordClockTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Now_IsTruncatedToTheMicrosecond_AsPostgresStoresIt()
    {
        var clock = new RecordClock(new FixedTime(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567)));

        Assert.Equal(1234560, clock.Now().Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(TimeSpan.Zero, clock.Now().Offset);
    }

    [Fact]
    public void NewId_WithinOneMillisecond_StrictlyIncreasesAndIsAValidVersion7()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var clock = new RecordClock(new FixedTime(at));

        var ids = Enumerable.Range(0, 5_000).Select(_ => clock.NewId(at)).ToList();

        Assert.Equal(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal), ids.Select(id => id.ToString()));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.All(ids, id => Assert.Contains(id.ToString()[19], "89ab")); // RFC 9562 variant
        Assert.StartsWith(at.ToUnixTimeMilliseconds().ToString("x12")[..8], ids[0].ToString("N"));
    }

    [Fact]
    public void NewId_ForALaterMillisecond_SortsAfterEverythingBefore()
    {
        var first = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var clock = new RecordClock(TimeProvider.System);

        var earlier = clock.NewId(first);
        var later = clock.NewId(first.AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier.ToString(), later.ToString()) < 0);
    }
}
