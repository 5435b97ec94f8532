namespace Coffer.Ledger.Posting;

/// <summary>
/// A broken ledger invariant: a programmer error, never an operating error. It aborts the transaction,
/// is logged loudly by the exception handler, and answers 500.
/// </summary>
internal sealed class LedgerInvariantException(string message) : InvalidOperationException(message);
