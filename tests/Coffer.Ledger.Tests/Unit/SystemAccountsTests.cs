using Coffer.Ledger.Accounts;

namespace Coffer.Ledger.Tests.Unit;

public sealed class SystemAccountsTests
{
    [Fact]
    public void IdOf_SameInputs_GivesTheSameId()
    {
        var first = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);
        var second = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);

        Assert.Equal(first, second);
        Assert.NotEqual(Guid.Empty, first);
    }

    [Fact]
    public void IdOf_IsStableAcrossReleases()
    {
        // Ids are persisted: changing the derivation would orphan every existing system account.
        // The expected value is SHA-256("coffer:system-account:acme:USD:external_clearing")[..16] with the version and variant bits set.
        Assert.Equal(Guid.Parse("631ca805-141b-89fa-b6fc-f5edef49f500"), SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing));
        Assert.Equal("external_clearing", SystemAccounts.ExternalClearing);
    }

    [Fact]
    public void IdOf_DifferentTenantCurrencyOrCode_GivesDistinctIds()
    {
        var ids = new[]
        {
            SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing),
            SystemAccounts.IdOf("globex", "USD", SystemAccounts.ExternalClearing),
            SystemAccounts.IdOf("acme", "EUR", SystemAccounts.ExternalClearing),
            SystemAccounts.IdOf("acme", "USD", "fees"),
            SystemAccounts.IdOf("ACME", "USD", SystemAccounts.ExternalClearing),
            SystemAccounts.IdOf("acme ", "USD", SystemAccounts.ExternalClearing),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void IdOf_ManyTenantsAndCurrencies_NeverCollide()
    {
        var ids = new HashSet<Guid>();
        foreach (var tenant in Enumerable.Range(0, 500).Select(i => $"tenant-{i}"))
        {
            foreach (var currency in new[] { "USD", "EUR", "GBP", "JPY" })
            {
                Assert.True(ids.Add(SystemAccounts.IdOf(tenant, currency, SystemAccounts.ExternalClearing)), $"{tenant} {currency} collided");
            }
        }
    }

    [Fact]
    public void IdOf_IsAnRfc9562Version8Uuid()
    {
        var id = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);
        var bytes = id.ToByteArray(bigEndian: true);

        Assert.Equal(8, bytes[6] >> 4);
        Assert.Equal(0b10, bytes[8] >> 6);
        Assert.Equal(8, id.Version);
    }
}
