using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Persistence;
using Coffer.Platform.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Tests.FeatureFlags;

public sealed class FlagGateValidationTests
{
    [Fact]
    public void StartUp_FailsWhenAnEndpointRequiresAnUndeclaredFlag()
    {
        var endpoints = new DefaultEndpointDataSource(
            new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RequiresFeatureMetadata("typo_enabled", null)), "POST /x"));
        var validation = new FlagGateValidation(new FlagCatalog([new FlagDeclaration("real_enabled", "a flag")]), endpoints);
        var failure = Assert.Throws<InvalidOperationException>(validation.Validate);
        Assert.Contains("typo_enabled", failure.Message);
    }

    [Fact]
    public void StartUp_PassesWhenEveryRequiredFlagIsDeclared()
    {
        var endpoints = new DefaultEndpointDataSource(
            new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RequiresFeatureMetadata("real_enabled", null)), "POST /x"));
        var validation = new FlagGateValidation(new FlagCatalog([new FlagDeclaration("real_enabled", "a flag")]), endpoints);
        validation.Validate();
    }

    [Fact(Timeout = 60_000)]
    public async Task HostStart_FailsWhenAModuleEndpointRequiresAnUndeclaredFlag()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ModuleTestHost.StartAsync(DatabaseProvider.Sqlite, null,
            services => services.AddFeatureFlag("real_enabled", "a flag"),
            app => app.MapPost("/api/v1/test-module/x", () => TypedResults.Ok()).RequireFeature("typo_enabled")));

        Assert.Contains("typo_enabled", failure.Message);
    }

    [Fact]
    public void RequireFeature_RefusesAnInvalidKeyWhenMapped() =>
        Assert.Throws<ArgumentException>(() => new RouteGroupBuilderStub().RequireFeature("Not A Key"));

    private sealed class RouteGroupBuilderStub : Microsoft.AspNetCore.Builder.IEndpointConventionBuilder
    {
        public void Add(Action<Microsoft.AspNetCore.Builder.EndpointBuilder> convention)
        {
        }
    }
}
