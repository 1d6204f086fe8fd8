using System;
using System.IO;
using System.Text;

namespace Spte.Cli.Tests.Infrastructure;

/// <summary>A file of test input, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile WithBytes(byte[] bytes)
    {
        var file = new TempFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spte-scan-" + Guid.NewGuid().ToString("N")));
        File.WriteAllBytes(file.Path, bytes);
        return file;
    }

    public static TempFile WithText(string text) => WithBytes(Encoding.UTF8.GetBytes(text));

    public void Dispose() => File.Delete(Path);
}
