using System.Reflection;
using System.Runtime.CompilerServices;
using Coffer.Approvals;
using Coffer.Commerce;
using Coffer.Ledger;
using Coffer.Migrations;
using Coffer.Platform;
using Coffer.Server.Hosting;
using NetArchTest.Rules;

namespace Coffer.Server.Tests.Architecture;

/// <summary>
/// The module boundaries of STYLE.md, checked on the compiled assemblies: the platform knows no business module,
/// only the host and the migrations compose several modules, internals stay private, and widening the
/// ledger's public contract is a deliberate act (an edit of <see cref="LedgerPublicSurface"/>).
/// </summary>
public sealed class ModuleBoundaryTests
{
    /// <summary>Business modules, present and planned. The platform is the shared kernel every module builds on.</summary>
    private static readonly string[] BusinessModules = ["Coffer.Ledger", "Coffer.Investments", "Coffer.Approvals", "Coffer.Commerce"];

    /// <summary>The only assemblies that compose modules.</summary>
    private static readonly string[] Composers = ["Coffer.Server", "Coffer.Migrations"];

    /// <summary>
    /// Every public type of Coffer.Ledger today. A new one fails <see cref="LedgerPublicTypes_AreExactlyTheAllowList"/>:
    /// make it internal, or add it here on purpose because another module (or the host) needs it.
    /// </summary>
    private static readonly string[] LedgerPublicSurface =
    [
        // The module's entry points (host) and its part of the schema (migrations).
        "Coffer.Ledger.LedgerModule",
        "Coffer.Ledger.LedgerModel",
        // The money vocabulary and system-account ids that the later modules (investments, commerce) post with.
        "Coffer.Ledger.Accounts.SystemAccounts",
        "Coffer.Ledger.Money.Currencies",
        "Coffer.Ledger.Money.Money",
        "Coffer.Ledger.Money.MoneyFields",
        // What other modules move money with, inside their own unit of work.
        "Coffer.Ledger.Contracts.HeldMoney",
        "Coffer.Ledger.Contracts.IMoneyMover",
        "Coffer.Ledger.Contracts.MoneyAccount",
        "Coffer.Ledger.Contracts.MoneyHold",
        "Coffer.Ledger.Contracts.MoneyMovement",
        "Coffer.Ledger.Contracts.MovedMoney",
        "Coffer.Ledger.Contracts.WalletInfo",
        // What the reconcile verb of the host runs and prints.
        "Coffer.Ledger.Reconciliation.ReconciliationFinding",
        "Coffer.Ledger.Reconciliation.ReconciliationResult",
        "Coffer.Ledger.Reconciliation.ReconciliationRun",
        "Coffer.Ledger.Reconciliation.ReconciliationStatuses",
        "Coffer.Ledger.Reconciliation.ReconciliationStep",
        "Coffer.Ledger.Reconciliation.ReconciliationTriggers",
    ];

    private static readonly Assembly Platform = typeof(PlatformModule).Assembly;
    private static readonly Assembly Ledger = typeof(LedgerModule).Assembly;

    [Fact]
    public void Platform_DependsOnNoBusinessModuleNorTheHost()
    {
        var result = Types.InAssembly(Platform).ShouldNot().HaveDependencyOnAny([.. BusinessModules, .. Composers]).GetResult();

        Assert.True(result.IsSuccessful, $"Platform types that reach into a module or the host: {Names(result)}");
        Assert.DoesNotContain(Platform.GetReferencedAssemblies(), a => IsModuleOrComposer(a.Name));
    }

    [Fact]
    public void Ledger_DependsNeitherOnTheHostNorOnTheMigrations()
    {
        var result = Types.InAssembly(Ledger).ShouldNot().HaveDependencyOnAny(Composers).GetResult();

        Assert.True(result.IsSuccessful, $"Ledger types that reach into the host or the migrations: {Names(result)}");
        Assert.DoesNotContain(Ledger.GetReferencedAssemblies(), a => Composers.Contains(a.Name));
    }

    [Fact]
    public void Approvals_DependsOnThePlatformOnly()
    {
        var approvals = typeof(ApprovalsModule).Assembly;
        var result = Types.InAssembly(approvals)
            .ShouldNot().HaveDependencyOnAny([.. BusinessModules.Where(m => m != "Coffer.Approvals"), .. Composers]).GetResult();

        Assert.True(result.IsSuccessful, $"Approvals types that reach into another module or the host: {Names(result)}");
        Assert.Equal(["Coffer.Platform"], approvals.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Coffer.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Commerce_DependsOnThePlatformAndTheLedgerOnly()
    {
        var commerce = typeof(CommerceModule).Assembly;
        var result = Types.InAssembly(commerce)
            .ShouldNot().HaveDependencyOnAny([.. BusinessModules.Where(m => m is not ("Coffer.Commerce" or "Coffer.Ledger")), .. Composers])
            .GetResult();

        Assert.True(result.IsSuccessful, $"Commerce types that reach into another module or the host: {Names(result)}");
        Assert.Equal(["Coffer.Ledger", "Coffer.Platform"], commerce.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Coffer.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProductionAssemblies_OtherThanHostAndMigrations_ReferenceAtMostOneOtherBusinessModule()
    {
        var assemblies = ProductionAssemblies();
        Assert.Contains(assemblies, a => a.GetName().Name == "Coffer.Ledger"); // the scan sees the modules at all

        var offenders = assemblies
            .Where(a => !Composers.Contains(a.GetName().Name))
            .Select(a => (Name: a.GetName().Name!, Modules: a.GetReferencedAssemblies()
                .Select(r => r.Name!)
                .Where(r => BusinessModules.Contains(r) && r != a.GetName().Name)
                .ToList()))
            .Where(a => a.Modules.Count > 1)
            .Select(a => $"{a.Name} -> {string.Join(", ", a.Modules)}")
            .ToList();

        Assert.True(offenders.Count == 0, $"Only Coffer.Server and Coffer.Migrations compose modules: {string.Join("; ", offenders)}");
    }

    [Fact]
    public void InternalsOfEveryProductionAssembly_AreVisibleOnlyToItsOwnTests()
    {
        var leaks = ProductionAssemblies()
            .SelectMany(a => a.GetCustomAttributes<InternalsVisibleToAttribute>()
                .Where(v => v.AssemblyName != $"{a.GetName().Name}.Tests")
                .Select(v => $"{a.GetName().Name} -> {v.AssemblyName}"))
            .ToList();

        Assert.True(leaks.Count == 0, $"Internals shared beyond a module's own tests: {string.Join("; ", leaks)}");
    }

    [Fact]
    public void LedgerPublicTypes_AreExactlyTheAllowList()
    {
        var exported = Ledger.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();

        var unlisted = exported.Except(LedgerPublicSurface).ToList();
        var stale = LedgerPublicSurface.Except(exported).ToList();

        Assert.True(unlisted.Count == 0,
            $"New public types in Coffer.Ledger: {string.Join(", ", unlisted)}. Make them internal, or widen the contract on purpose "
            + $"by adding them to {nameof(LedgerPublicSurface)}.");
        Assert.True(stale.Count == 0, $"No longer public (remove from {nameof(LedgerPublicSurface)}): {string.Join(", ", stale)}");
    }

    /// <summary>The Coffer assemblies that ship (tests and test helpers left out), loaded from this test's output.</summary>
    private static List<Assembly> ProductionAssemblies()
    {
        // Touch the types so the assemblies are loaded even before any test used them.
        _ = new[] { typeof(CofferHost), typeof(SchemaMigrator), typeof(PlatformModule), typeof(LedgerModule) };
        return Directory.EnumerateFiles(AppContext.BaseDirectory, "Coffer.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.EndsWith(".Tests", StringComparison.Ordinal) && name != "Coffer.Testing")
            .Select(name => Assembly.Load(new AssemblyName(name!)))
            .ToList();
    }

    private static bool IsModuleOrComposer(string? assemblyName) =>
        assemblyName is not null && (BusinessModules.Contains(assemblyName) || Composers.Contains(assemblyName));

    private static string Names(TestResult result) => string.Join(", ", result.FailingTypeNames ?? []);
}
