using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ott.Grains.Compliance;

namespace Ott.Hosting;

/// <summary>
/// Runs a host's start-up and turns configuration mistakes into a clear message on stderr and exit code 2,
/// instead of a stack trace.
/// </summary>
public static class StartupGuard
{
    public const int ConfigurationErrorExitCode = 2;

    /// <summary>
    /// Runs the options validation registered with ValidateOnStart now, before the host starts, so a bad value is
    /// reported by <see cref="RunAsync"/> as a message instead of a host start-up failure log with a stack trace.
    /// </summary>
    public static void ValidateOptions(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();

        // The regulation pack is loaded from the validated options; a bad pack is a configuration error too.
        services.GetService<RegulationPack>();
    }

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
        catch (RegulationPackException ex)
        {
            await Console.Error.WriteLineAsync("Invalid configuration:" + Environment.NewLine + ex.Message);
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
