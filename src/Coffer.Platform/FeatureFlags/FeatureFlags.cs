using Coffer.Platform.Observability;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// Flag evaluation for one request or job (scoped): every flag it asks for is read from the same snapshot, taken at the
/// first question, so two flags changed together are never seen half-changed within a request. Decisions are computed
/// per subject and never shared between subjects.
/// <code>if (await flags.IsEnabledAsync("dividend_distribution_enabled", FlagSubject.Of(caller, productId.ToString()), ct)) …</code>
/// </summary>
public sealed class FeatureFlags(FlagCache cache, FlagCatalog catalog, PlatformMetrics metrics)
{
    private FlagSnapshot? _snapshot;

    public async ValueTask<FlagDecision> EvaluateAsync(string key, FlagSubject subject, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot ??= await cache.GetAsync(cancellationToken);
        var decision = snapshot.Evaluate(key, subject);
        if (decision.Reason == FlagReason.Missing)
        {
            cache.ReportMissing(key);
        }
        // Keys come from callers (the evaluate endpoint): only known ones become a label value.
        metrics.FlagEvaluated(snapshot.Find(key) is not null || catalog.IsDeclared(key) ? key : "other", decision.Enabled);
        return decision;
    }

    public async ValueTask<bool> IsEnabledAsync(string key, FlagSubject subject, CancellationToken cancellationToken) =>
        (await EvaluateAsync(key, subject, cancellationToken)).Enabled;
}
