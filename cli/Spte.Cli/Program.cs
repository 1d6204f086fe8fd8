using System;
using Spte.Cli;

return SpteApp.Run(args, Console.Out, Console.Error);
