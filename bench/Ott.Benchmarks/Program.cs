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

if (args is ["million", ..])
{
    string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
    return await MillionEvents.RunAsync(Arg(1, "http://127.0.0.1:5099"), Arg(2, "bench"), Arg(3, "bench-only-password"),
        int.Parse(Arg(4, "1000000"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg(5, "100000"), System.Globalization.CultureInfo.InvariantCulture));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>Entry point of the engine benchmarks (see docs/performance.md).</summary>
public partial class Program;
