namespace Ott.Api.Security;

/// <summary><c>dotnet Ott.Api.dll hash-password [password]</c>: prints a PasswordHash for <c>Ott:Security:Users</c>.</summary>
public static class PasswordTool
{
    public static int Run(string[] args)
    {
        var password = args.Length > 1 ? args[1] : Console.In.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("usage: dotnet Ott.Api.dll hash-password <password>   (or the password on standard input)");
            return 2;
        }

        Console.WriteLine(UserStore.Hash(password));
        return 0;
    }
}
