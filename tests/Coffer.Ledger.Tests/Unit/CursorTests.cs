using Coffer.Platform.Paging;
using Coffer.Ledger.Accounts;

namespace Coffer.Ledger.Tests.Unit;

public sealed class CursorTests
{
    public static TheoryData<Guid> Ids() => new()
    {
        Guid.Empty,
        Guid.AllBitsSet,
        Guid.Parse("0190a4b2-7c3e-7a11-8f00-1234567890ab"),
        Guid.Parse("01a20564-dc25-7124-a46e-c6f28900d6a0"),
        Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        new Guid([0xfb, 0xff, 0xbf, 0xfe, 0xfa, 0xef, 0xbe, 0xfb, 0xff, 0xbf, 0xfe, 0xfa, 0xef, 0xbe, 0xfb, 0xff]),
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void EncodeThenDecode_RoundTripsTheId(Guid id)
    {
        var cursor = Cursor.Encode(id);

        Assert.True(Cursor.TryDecode(cursor, out var decoded));
        Assert.Equal(id, decoded);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Encode_IsUrlSafeWithoutPadding(Guid id)
    {
        var cursor = Cursor.Encode(id);

        Assert.Equal(22, cursor.Length);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", cursor);
    }

    [Fact]
    public void Encode_ManyRandomIds_RoundTripsEveryOne()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var id = Guid.NewGuid();
            Assert.True(Cursor.TryDecode(Cursor.Encode(id), out var decoded));
            Assert.Equal(id, decoded);
        }
    }

    [Fact]
    public void Encode_DifferentIds_GiveDifferentCursors()
    {
        var a = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var b = Guid.Parse("00000000-0000-0000-0000-000000000002");

        Assert.NotEqual(Cursor.Encode(a), Cursor.Encode(b));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryDecode_NoCursor_IsTheFirstPage(string? cursor)
    {
        Assert.True(Cursor.TryDecode(cursor, out var id));
        Assert.Null(id);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("not a cursor at all!!!")]            // 22 characters, not base64
    [InlineData("AAAAAAAAAAAAAAAAAAAAA")]             // 21 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA")]           // 23 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]          // padded
    [InlineData("AAAAAAAAAAAAAAAAAAAA==")]            // 22 with padding inside: only 15 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAA.")]
    [InlineData("0190a4b2-7c3e-7a11-8f00-1234567890ab")] // a raw id is not a cursor
    [InlineData("                      ")]
    public void TryDecode_Garbage_IsRejected(string cursor)
    {
        Assert.False(Cursor.TryDecode(cursor, out var id));
        Assert.Null(id);
    }
}
