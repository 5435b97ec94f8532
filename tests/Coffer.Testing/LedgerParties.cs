using Coffer.Platform.Persistence;

namespace Coffer.Testing;

/// <summary>
/// The usual cast of a ledger test on a freshly started server, all in tenant "acme": the customers Alice, Bob and
/// Carol, the operator "ops", Alice's funded USD wallet and Bob's empty wallet (USD unless said otherwise).
/// Disposing it disposes the server.
/// </summary>
public sealed record LedgerParties(CofferTestServer Server, HttpClient Alice, HttpClient Bob, HttpClient Ops, Guid AliceWallet, Guid BobWallet)
    : IAsyncDisposable
{
    /// <summary>A third customer of the tenant, a stranger to Alice's and Bob's wallets (no requests are made for her).</summary>
    public HttpClient Carol { get; } = Server.Customer("carol");

    /// <summary>The id of the deposit that funded Alice's wallet.</summary>
    public Guid AliceDeposit { get; init; }

    /// <summary>
    /// Starts a server; Alice opens her USD wallet, Bob's wallet in <paramref name="bobCurrency"/> is opened (by the operator
    /// for him, or by Bob himself when <paramref name="bobOpensOwnWallet"/>), and the operator deposits
    /// <paramref name="aliceFunds"/> into Alice's.
    /// </summary>
    public static async Task<LedgerParties> StartAsync(DatabaseProvider provider, long aliceFunds, bool bobOpensOwnWallet = false,
        string bobCurrency = "USD", IReadOnlyDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var server = await CofferTestServer.StartAsync(provider, settings, services);
        try
        {
            var alice = server.Customer("alice");
            var bob = server.Customer("bob");
            var ops = server.Operator();
            var aliceWallet = await alice.CreateWalletAsync();
            var bobWallet = bobOpensOwnWallet ? await bob.CreateWalletAsync(bobCurrency) : await ops.CreateWalletAsync(bobCurrency, ownerId: "bob");
            var aliceDeposit = await ops.DepositAsync(aliceWallet, aliceFunds);
            return new LedgerParties(server, alice, bob, ops, aliceWallet, bobWallet) { AliceDeposit = aliceDeposit };
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The body of a USD transfer of <paramref name="amount"/> from Alice's wallet to Bob's.</summary>
    public object AliceToBob(long amount) => LedgerRequests.TransferBody(AliceWallet, BobWallet, amount);

    /// <summary>Disposes the server (and with it the test database).</summary>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
