namespace Spte.Diagnostics;

/// <summary>
/// Where each rule's page lives. One function for the generator's and the analyzers' rules (the
/// analyzers link this file), so the tests can check every link against docs/diagnostics/.
/// </summary>
internal static class HelpLinks
{
    public static string For(string id) =>
        "https://github.com/spte-toolkit/spte-toolkit/blob/main/docs/diagnostics/" + id + ".md";
}
