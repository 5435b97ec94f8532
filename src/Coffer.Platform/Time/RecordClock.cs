using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Platform.Time;

/// <summary>
/// Time and ids for stored records. Timestamps are truncated to the microsecond, PostgreSQL's precision,
/// so a value reads back exactly as it was answered, on both engines. Ids are RFC 9562 UUIDv7 whose
/// 12 sub-millisecond bits count up, so ids made by this process strictly increase (statements sorted
/// by id list same-millisecond transfers in creation order).
/// </summary>
public sealed class RecordClock(TimeProvider timeProvider)
{
    private long _lastStamp; // (unix milliseconds << 12) | counter

    public DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    public Guid NewId(DateTimeOffset at)
    {
        var candidate = at.ToUnixTimeMilliseconds() << 12;
        long last, stamp;
        do
        {
            last = Volatile.Read(ref _lastStamp);
            // More than 4096 ids in one millisecond borrow from the next one: order wins over wall-clock accuracy.
            stamp = Math.Max(candidate, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastStamp, stamp, last) != last);

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, (stamp >> 12) << 16); // 48-bit milliseconds
        bytes[6] = (byte)(0x70 | ((stamp >> 8) & 0x0F));                 // version 7, counter high bits
        bytes[7] = (byte)(stamp & 0xFF);                                    // counter low bits
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);                        // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
