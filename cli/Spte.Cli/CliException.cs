using System;

namespace Spte.Cli;

/// <summary>
/// A problem with what the user asked for (an unknown format, malformed hex, a missing file).
/// <see cref="SpteApp"/> prints its message as one line on stderr and exits with
/// <see cref="SpteApp.InputErrorExitCode"/>; it is never shown as a stack trace.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception with the one-line message the user will see.</summary>
    public CliException(string message)
        : base(message)
    {
    }
}
