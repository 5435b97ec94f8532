namespace Coffer.Platform.Protection;

/// <summary>
/// Values a module stores sealed by <see cref="FieldEncryption"/> in tables of its own (partner API keys, webhook secrets),
/// re-sealed under the active data key by <c>coffer keys rotate</c> beside the token vault. Registered as a scoped service
/// with <see cref="ProtectionSetup.AddSealedValueRotation{TRotation}"/>; it resolves the command's scope, so its
/// <see cref="Persistence.DbSession"/> and <see cref="Audit.AuditTrail"/> (actor <c>system:keys-rotate</c>) are the command's.
/// Like the vault's, a rotation runs beside serving instances: it works in bounded batches, one transaction each, updates a
/// row only if it is still under the version it read, and a second run finds nothing left.
/// </summary>
public interface ISealedValueRotation
{
    /// <summary>Shown in the progress line, e.g. "partner credentials".</summary>
    string Name { get; }

    /// <summary>Values not yet under the active key: the work <see cref="RotateAsync"/> has left.</summary>
    Task<int> CountNeedingRotationAsync(CancellationToken cancellationToken);

    /// <summary>Re-seals every value not under the active key and returns how many; progress reports the count so far.</summary>
    Task<int> RotateAsync(IProgress<int>? progress, CancellationToken cancellationToken);
}

/// <summary>The token vault as one of the sealed values <c>keys rotate</c> re-seals.</summary>
internal sealed class TokenVaultRotation(Tokenizer tokenizer) : ISealedValueRotation
{
    public string Name => "token vault";

    public Task<int> CountNeedingRotationAsync(CancellationToken cancellationToken) => tokenizer.CountNeedingRotationAsync(cancellationToken);

    public Task<int> RotateAsync(IProgress<int>? progress, CancellationToken cancellationToken) => tokenizer.RotateAsync(progress, cancellationToken);
}
