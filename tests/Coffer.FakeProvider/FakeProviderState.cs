namespace Coffer.FakeProvider;

/// <summary>
/// The fake's memory, behind one lock: the current behaviour (and how many calls it has left), every call, and the
/// answer given to each idempotency key per endpoint, so a repeated key is answered again without acting twice.
/// </summary>
public sealed class FakeProviderState(TimeProvider time)
{
    /// <summary>The mode recorded for a partner call refused for its credentials (it uses up no behaviour).</summary>
    public const string RefusedMode = "refused";

    private readonly Lock _lock = new();
    private readonly List<FakeCall> _calls = [];
    private readonly Dictionary<(string Endpoint, string Key), Stored> _answers = [];
    private readonly Dictionary<string, int> _replays = [];
    private readonly Dictionary<string, string> _partnerSecrets = new(StringComparer.Ordinal);
    private FakeBehaviour _behaviour = FakeBehaviour.Succeed();
    private int? _remaining;
    private long _sequence;

    public FakeBehaviour Behaviour
    {
        get
        {
            lock (_lock)
            {
                return _behaviour with { Times = _remaining };
            }
        }
    }

    public void SetBehaviour(FakeBehaviour behaviour)
    {
        lock (_lock)
        {
            _behaviour = behaviour;
            _remaining = behaviour.Times;
        }
    }

    /// <summary>
    /// Records a call and decides the behaviour it meets, using up one of a limited behaviour's calls (if it targets the
    /// call's endpoint). <paramref name="signatureVerified"/> and <paramref name="partnerReference"/>: see <see cref="FakeCall"/>.
    /// </summary>
    public FakeBehaviour Arrive(string endpoint, string? idempotencyKey, bool? signatureVerified = null, string? partnerReference = null)
    {
        lock (_lock)
        {
            if (_behaviour.Endpoint is { } target && target != endpoint)
            {
                _calls.Add(new FakeCall(endpoint, idempotencyKey, FakeBehaviour.SucceedMode, time.GetUtcNow(), signatureVerified, partnerReference));
                return FakeBehaviour.Succeed();
            }
            var applied = _behaviour;
            _calls.Add(new FakeCall(endpoint, idempotencyKey, applied.Mode, time.GetUtcNow(), signatureVerified, partnerReference));
            if (_remaining is { } remaining)
            {
                _remaining = remaining - 1;
                if (_remaining == 0)
                {
                    _behaviour = FakeBehaviour.Succeed();
                    _remaining = null;
                }
            }
            return applied;
        }
    }

    /// <summary>Records a partner call refused for its credentials: it meets no behaviour.</summary>
    public void Refuse(string endpoint, string? idempotencyKey)
    {
        lock (_lock)
        {
            _calls.Add(new FakeCall(endpoint, idempotencyKey, RefusedMode, time.GetUtcNow(), SignatureVerified: false));
        }
    }

    /// <summary>Accepts <paramref name="credentials"/> on the partner endpoints from now on (replacing an earlier secret for the key).</summary>
    public void AddPartnerCredentials(PartnerCredentials credentials)
    {
        lock (_lock)
        {
            _partnerSecrets[credentials.ApiKey] = credentials.Secret;
        }
    }

    /// <summary>The signing secret registered for <paramref name="apiKey"/>, or null when the key is unknown.</summary>
    public string? PartnerSecret(string apiKey)
    {
        lock (_lock)
        {
            return _partnerSecrets.GetValueOrDefault(apiKey);
        }
    }

    /// <summary>
    /// The answer to <paramref name="body"/> under <paramref name="key"/>: a new one made by <paramref name="create"/>
    /// (given a sequence number for its reference), the stored one for a repeat, or null when the key was used with
    /// another body.
    /// </summary>
    public (object Answer, bool Replayed)? Answer<TBody>(string endpoint, string key, TBody body, Func<long, object> create)
        where TBody : notnull
    {
        lock (_lock)
        {
            if (_answers.TryGetValue((endpoint, key), out var stored))
            {
                if (!stored.Body.Equals(body))
                {
                    return null;
                }
                _replays[endpoint] = _replays.GetValueOrDefault(endpoint) + 1;
                return (stored.Answer, true);
            }
            var answer = create(++_sequence);
            _answers[(endpoint, key)] = new Stored(body, answer);
            return (answer, false);
        }
    }

    /// <summary>Whether the provider acted on <paramref name="key"/> at <paramref name="endpoint"/> (and stored its answer).</summary>
    public bool HasActedOn(string endpoint, string key)
    {
        lock (_lock)
        {
            return _answers.ContainsKey((endpoint, key));
        }
    }

    public FakeCalls Calls()
    {
        lock (_lock)
        {
            return new FakeCalls(FakeEndpoints.All.ToDictionary(endpoint => endpoint, endpoint =>
            {
                var calls = _calls.Where(c => c.Endpoint == endpoint).ToList();
                return new FakeEndpointCalls(calls.Count, _answers.Keys.Count(k => k.Endpoint == endpoint),
                    _replays.GetValueOrDefault(endpoint), calls);
            }));
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _calls.Clear();
            _answers.Clear();
            _replays.Clear();
            _partnerSecrets.Clear();
            _behaviour = FakeBehaviour.Succeed();
            _remaining = null;
        }
    }

    private sealed record Stored(object Body, object Answer);
}
