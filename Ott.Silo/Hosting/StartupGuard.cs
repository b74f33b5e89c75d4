using Microsoft.Extensions.Options;

namespace Ott.Silo.Hosting;

/// <summary>
/// Runs a host's start-up and turns configuration mistakes into a clear message on stderr and exit code 2,
/// instead of a stack trace.
/// </summary>
public static class StartupGuard
{
    public const int ConfigurationErrorExitCode = 2;

    public static async Task<int> RunAsync(Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (OttConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ConfigurationErrorExitCode;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid configuration:" + Environment.NewLine +
                string.Join(Environment.NewLine, ex.Failures.Select(f => $"  - {ex.OptionsType.Name}: {f}")));
            return ConfigurationErrorExitCode;
        }
    }
}
