namespace Spte.Generator;

/// <summary>Names of the pipeline steps, so tests can assert what each step did on a re-run.</summary>
internal static class TrackingNames
{
    public const string Declarations = nameof(Declarations);
    public const string Results = nameof(Results);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Specs = nameof(Specs);
    public const string OrphanViews = nameof(OrphanViews);
    public const string Target = nameof(Target);
}
