using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Platform.Approvals;

public static class ApprovalsSetup
{
    /// <summary>Registers the executor of an approved operation; the operation name must be one of <see cref="ApprovalOperations"/>.</summary>
    public static IServiceCollection AddApprovedOperation<TOperation>(this IServiceCollection services)
        where TOperation : class, IApprovedOperation
    {
        services.AddScoped<IApprovedOperation, TOperation>();
        return services;
    }

    /// <summary>The gate when no approvals module is composed: nothing is gated. The approvals module replaces it.</summary>
    internal static IServiceCollection AddDefaultApprovalGate(this IServiceCollection services)
    {
        services.TryAddScoped<IApprovalGate, NoApprovalGate>();
        return services;
    }

    private sealed class NoApprovalGate : IApprovalGate
    {
        public Task<ApprovalRequired?> RequireAsync(ApprovalAsk ask, CancellationToken cancellationToken) =>
            Task.FromResult<ApprovalRequired?>(null);
    }
}
