using Coffer.Commerce.Catalog;

namespace Coffer.Commerce.Tests.Unit;

/// <summary>Every move between catalog statuses, allowed and forbidden.</summary>
public sealed class CatalogStatusTests
{
    public static TheoryData<string, string, bool> Moves => new()
    {
        { "draft", "draft", true }, { "draft", "active", true }, { "draft", "archived", true },
        { "active", "active", true }, { "active", "archived", true }, { "active", "draft", false },
        { "archived", "archived", true }, { "archived", "active", true }, { "archived", "draft", false },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void CanMove_AllowsExactlyTheListedMoves(string from, string to, bool allowed) =>
        Assert.Equal(allowed, CatalogStatuses.CanMove(from, to));
}
