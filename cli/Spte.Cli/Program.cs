using System;
using Spte.Cli;

return SpteApp.Run(args, Console.OpenStandardInput(), Console.Out, Console.Error);
