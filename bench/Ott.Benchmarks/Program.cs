using BenchmarkDotNet.Running;
using Ott.Benchmarks;

if (args is ["network-scale", ..])
{
    return NetworkBenchmarks.Scale(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

if (args is ["sqlite-store", ..])
{
    return await StoreBenchmarks.Sqlite(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50_000);
}

if (args is ["network-store", ..])
{
    return await NetworkStoreBenchmarks.Sqlite(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>Entry point of the engine benchmarks (see docs/performance.md).</summary>
public partial class Program;
