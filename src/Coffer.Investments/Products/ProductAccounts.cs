using Coffer.Ledger.Contracts;
using Coffer.Platform.Paging;

namespace Coffer.Investments.Products;

/// <summary>
/// Each product's own system accounts in the ledger, named by the product id (base64url, so the code fits the ledger's 32
/// characters): <c>custody:…</c> holds invested principal, <c>div_pool:…</c> pays dividends and accrued returns (it may go
/// negative: its negative balance is what the product's issuer owes the pool), <c>reserve:…</c> holds the product's reserve.
/// </summary>
internal static class ProductAccounts
{
    public const string CustodyKind = "custody";
    public const string DividendPoolKind = "div_pool";
    public const string ReserveKind = "reserve";

    public static MoneyAccount Custody(Guid productId) => MoneyAccount.System(Code(CustodyKind, productId));

    public static MoneyAccount DividendPool(Guid productId) => MoneyAccount.System(Code(DividendPoolKind, productId));

    public static MoneyAccount Reserve(Guid productId) => MoneyAccount.System(Code(ReserveKind, productId));

    public static string Code(string kind, Guid productId) => $"{kind}:{Cursor.Encode(productId)}";
}
