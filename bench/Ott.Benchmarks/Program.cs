using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point of the engine benchmarks (see docs/performance.md).</summary>
public partial class Program;
