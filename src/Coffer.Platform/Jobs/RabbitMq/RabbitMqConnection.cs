using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Coffer.Platform.Jobs.RabbitMq;

/// <summary>
/// The one RabbitMQ connection of the process, shared by the relay, the consumer and the health check (each opens its
/// own channels on it). It connects on first use and again after the broker went away. The client's own automatic
/// recovery is off:
/// the relay and the consumer notice a closed channel and start over on a fresh connection, so no delivery tag of an
/// old channel is ever acknowledged on a new one. Disposed with the host, which closes the connection.
/// </summary>
public sealed partial class RabbitMqConnection(RabbitMqSettings settings, ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private bool _disposed;

    public RabbitMqSettings Settings => settings;

    /// <summary>An open connection, connecting first if there is none; throws when the broker cannot be reached.</summary>
    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsOpen: true } opened)
            {
                return opened;
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
            var connection = await Factory().CreateConnectionAsync(cancellationToken);
            _connection = connection;
            LogConnected(logger, settings.Endpoint);
            return connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    private ConnectionFactory Factory() => new()
    {
        Uri = settings.Uri,
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        // Declarations, qos and consumer registration: a broker that takes longer is treated as unreachable.
        ContinuationTimeout = TimeSpan.FromSeconds(10),
        RequestedHeartbeat = TimeSpan.FromSeconds(15),
        ClientProvidedName = $"coffer {Environment.MachineName}/{Environment.ProcessId}",
    };

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_connection is { } connection)
            {
                if (connection.IsOpen)
                {
                    try
                    {
                        await connection.CloseAsync(CloseTimeout);
                    }
                    catch (Exception failure) when (failure is not OutOfMemoryException)
                    {
                        // The broker went away while we were leaving: there is nothing left to close politely.
                        LogCloseFailed(logger, failure);
                    }
                }
                await connection.DisposeAsync();
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the RabbitMQ connection failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
