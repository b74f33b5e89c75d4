using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Ott.Cli.Hosting;

/// <summary>Lets Spectre.Console.Cli build commands from a service collection (the console is injected, so tests can capture it).</summary>
internal sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider());

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(service, _ => factory());
    }

    private sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type) ?? ActivatorUtilities.CreateInstance(provider, type);

        public void Dispose() => provider.Dispose();
    }
}
