namespace Ott.Hosting;

/// <summary>Start-up configuration is invalid; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class OttConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
